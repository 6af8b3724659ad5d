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
export async function discover(
  workspace: Workspace,
  options: DiscoveryOptions,
  ignoreFiles?: readonly string[],
  folders?: Map<string, number>,
): Promise<string[]> {
  const isIgnored = await createIgnoreFilter(workspace, options, ignoreFiles);
  const files = await workspace.listMarkdown(options.contentRoot, folders);
  return files.filter((file) => !isIgnored(file)).sort();
}

/** The text of `.gitignore` and `.kblintignore` at the project root, `''` for one that is absent. */
export async function readIgnoreFiles(workspace: Workspace, options: DiscoveryOptions): Promise<string[]> {
  const texts: string[] = [];
  for (const name of ['.gitignore', '.kblintignore']) texts.push((await workspace.readText(path.join(options.projectRoot, name))) ?? '');
  return texts;
}

export async function createIgnoreFilter(
  workspace: Workspace,
  options: DiscoveryOptions,
  ignoreFiles?: readonly string[],
): Promise<(absolutePath: string) => boolean> {
  const texts = (ignoreFiles ?? (await readIgnoreFiles(workspace, options))).filter((text) => text !== '');
  // Without a pattern nothing is ignored: thousands of paths need not be
  // matched, and the matcher is not even loaded.
  if (texts.length === 0 && options.ignore.length === 0) return () => false;
  const { default: ignore } = await import('ignore');
  const matcher = ignore();
  for (const text of texts) matcher.add(text);
  matcher.add(options.ignore);
  const root = options.projectRoot;
  return (absolutePath) => {
    // Most paths are inside the root: a prefix test is much cheaper than `path.relative`.
    const inside = absolutePath.length > root.length + 1 && absolutePath.startsWith(root) && absolutePath[root.length] === path.sep;
    const relative = (inside ? absolutePath.slice(root.length + 1) : path.relative(root, absolutePath)).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('../') || path.isAbsolute(relative)) return false;
    return matcher.ignores(relative);
  };
}
