import { slug as githubSlug } from 'github-slugger';

/**
 * Turns heading texts into anchors, one call per heading in document order,
 * so repeated headings get GitHub's `-1`, `-2` suffixes.
 */
export interface Slugger {
  slug(text: string): string;
}

export type SluggerFactory = () => Slugger;

/**
 * Lower-cased text that github-slugger's `slug` keeps as it is, but for its
 * spaces: its pattern removes every other ASCII character (and many beyond).
 */
const PLAIN = /^[a-z0-9 _-]*$/;

/**
 * GitHub's algorithm, as github.com and most static site generators render
 * it: github-slugger's `slug` for each text, and its way of numbering a
 * repeated slug. A text of plain words is slugged without the library's
 * Unicode pattern, which took most of the time of extracting a heading.
 */
class GithubSlugs implements Slugger {
  private readonly occurrences = new Map<string, number>();

  slug(text: string): string {
    const lower = text.toLowerCase();
    const base = PLAIN.test(lower) ? lower.replaceAll(' ', '-') : githubSlug(text);
    let result = base;
    let count = this.occurrences.get(base);
    while (count !== undefined && this.occurrences.has(result)) {
      count++;
      this.occurrences.set(base, count);
      result = `${base}-${count}`;
    }
    this.occurrences.set(result, 0);
    return result;
  }
}

export const githubSlugger: SluggerFactory = () => new GithubSlugs();
