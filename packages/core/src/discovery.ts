import ignore from 'ignore';
import path from 'node:path';
import type { Workspace } from './workspace.js';

export interface DiscoveryOptions {
  projectRoot: string;
  contentRoot: string;
  /** Globs from the config, relative to the project root. */
  ignore: string[];
}

/**
 * Every article under the content root, minus what `.gitignore`,
 * `.kblintignore` (both at the project root) and the config's `ignore`
 * exclude. Sorted, so every run sees files in the same order.
 */
export async function discover(workspace: Workspace, options: DiscoveryOptions): Promise<string[]> {
  const isIgnored = await createIgnoreFilter(workspace, options);
  const files = await workspace.listMarkdown(options.contentRoot);
  return files.filter((file) => !isIgnored(file)).sort();
}

export async function createIgnoreFilter(
  workspace: Workspace,
  options: DiscoveryOptions,
): Promise<(absolutePath: string) => boolean> {
  const matcher = ignore();
  for (const name of ['.gitignore', '.kblintignore']) {
    const text = await workspace.readText(path.join(options.projectRoot, name));
    if (text) matcher.add(text);
  }
  matcher.add(options.ignore);
  return (absolutePath) => {
    const relative = path.relative(options.projectRoot, absolutePath).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('../') || path.isAbsolute(relative)) return false;
    return matcher.ignores(relative);
  };
}
