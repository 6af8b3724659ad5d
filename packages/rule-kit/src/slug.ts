import GithubSlugger from 'github-slugger';

/**
 * Turns heading texts into anchors, one call per heading in document order,
 * so repeated headings get GitHub's `-1`, `-2` suffixes.
 */
export interface Slugger {
  slug(text: string): string;
}

export type SluggerFactory = () => Slugger;

/** GitHub's algorithm, as github.com and most static site generators render it. */
export const githubSlugger: SluggerFactory = () => new GithubSlugger();
