import type { ArticleFacts, LinkFacts } from '@kblint/rule-kit';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ResolvedConfig } from './config.js';
import { wikiKey, type KnowledgeIndex } from './content-index.js';
import { UsageError, type LintOptions } from './runner.js';
import { NodeWorkspace, type Workspace } from './workspace.js';

/**
 * Git plumbing for pull-request mode (`--changed-since`), pre-commit mode
 * (`--staged`) and sharding. Git is run as a subprocess with `-z` output so
 * that no path quoting or locale can change what is parsed.
 */

// Blobs of a whole knowledge base can be large; the default 1 MiB would cut
// them off.
const MAX_BUFFER = 1024 * 1024 * 1024;

function git(cwd: string, args: string[], input?: string | Buffer): Buffer {
  try {
    return execFileSync('git', args, { cwd, maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new UsageError(`\`git ${args.join(' ')}\` failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`);
  }
}

/** The repository's top-level folder. */
export function gitRoot(cwd: string): string {
  return path.normalize(git(cwd, ['rev-parse', '--show-toplevel']).toString().trim());
}

export interface ChangedFiles {
  /** Files added, modified or renamed to, as absolute paths (they exist now). */
  changed: string[];
  /** Files deleted or renamed away, as absolute paths (they are gone). */
  removed: string[];
  /**
   * Titles and aliases the removed and modified articles had at the base:
   * wiki links by title name no path, so only these tell that a now broken
   * `[[Old Title]]` meant one of them.
   */
  oldNames?: string[];
}

/**
 * What changed between the merge base of `ref` and HEAD and the working tree,
 * untracked files included: on a CI checkout that is exactly the pull
 * request; locally it also covers work not yet committed.
 */
export function changedSince(ref: string, cwd: string): ChangedFiles {
  const root = gitRoot(cwd);
  let base: string;
  try {
    base = git(root, ['merge-base', ref, 'HEAD']).toString().trim();
  } catch {
    // A shallow clone (actions/checkout's default) has the two commits but
    // not the history between them. On a pull request's merge commit the
    // base is its first parent, so the plain difference is the same; on
    // other commits it may list more files, never fewer.
    const commit = isShallow(root) ? resolveCommit(root, ref) : undefined;
    if (!commit) {
      throw new UsageError(
        `--changed-since: cannot find a common ancestor of \`${ref}\` and HEAD; is the ref fetched? (actions/checkout needs \`fetch-depth: 0\`)`,
      );
    }
    base = commit;
  }
  const changed = new Set<string>();
  const modified: string[] = [];
  const removed = new Set<string>();
  const fields = git(root, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', base, '--']).toString().split('\0');
  for (let i = 0; i < fields.length; ) {
    const status = fields[i++] ?? '';
    if (status === '') continue;
    const code = status[0];
    if (code === 'R' || code === 'C') {
      const from = fields[i++] ?? '';
      const to = fields[i++] ?? '';
      if (code === 'R') removed.add(path.join(root, from));
      changed.add(path.join(root, to));
    } else {
      const file = path.join(root, fields[i++] ?? '');
      if (code === 'D') removed.add(file);
      else changed.add(file);
      if (code === 'M') modified.push(file);
    }
  }
  for (const file of git(root, ['ls-files', '--others', '--exclude-standard', '-z']).toString().split('\0')) {
    if (file) changed.add(path.join(root, file));
  }
  const before = [...removed, ...modified].filter((file) => /\.md$/i.test(file));
  const oldNames = before.length ? namesAt(root, base, before) : [];
  return { changed: [...changed].sort(), removed: [...removed].sort(), ...(oldNames.length ? { oldNames } : {}) };
}

function isShallow(root: string): boolean {
  return git(root, ['rev-parse', '--is-shallow-repository']).toString().trim() === 'true';
}

function resolveCommit(root: string, ref: string): string | undefined {
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure a commit is present, fetching just it from `origin` when it is
 * not (a shallow CI checkout has only HEAD). Returns whether it is present.
 */
export function fetchCommit(sha: string, cwd: string): boolean {
  const root = gitRoot(cwd);
  if (resolveCommit(root, sha)) return true;
  try {
    git(root, ['fetch', '--no-tags', '--quiet', '--depth=1', 'origin', sha]);
  } catch {
    return false;
  }
  return resolveCommit(root, sha) !== undefined;
}

/** Titles and aliases of articles as they were at `commit`, read in one `git cat-file --batch`. */
function namesAt(root: string, commit: string, files: string[]): string[] {
  const requests = files.map((file) => `${commit}:${path.relative(root, file).split(path.sep).join('/')}`);
  const names = new Set<string>();
  for (const blob of readBatch(root, requests).values()) {
    const block = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(blob.toString('utf8'));
    if (!block) continue;
    let data: unknown;
    try {
      data = parseYaml(block[1] ?? '', { maxAliasCount: 0 });
    } catch {
      continue;
    }
    if (!data || typeof data !== 'object') continue;
    const { title, aliases } = data as { title?: unknown; aliases?: unknown };
    if (typeof title === 'string') names.add(title);
    for (const alias of Array.isArray(aliases) ? aliases : [aliases]) if (typeof alias === 'string') names.add(alias);
  }
  return [...names].sort();
}

/**
 * Reads objects with one `git cat-file --batch`: each answer is
 * `<id> <type> <size>\n<content>\n`, or `<request> missing\n`. Returns the
 * contents of blobs in request order, keyed by request.
 */
function readBatch(root: string, requests: string[]): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  if (requests.length === 0) return found;
  const output = git(root, ['cat-file', '--batch'], `${requests.join('\n')}\n`);
  let offset = 0;
  for (const request of requests) {
    const newline = output.indexOf(10, offset);
    if (newline < 0) break;
    const header = output.subarray(offset, newline).toString().split(' ');
    offset = newline + 1;
    if (header[1] !== 'blob' || header[2] === undefined) continue;
    const length = Number(header[2]);
    found.set(request, output.subarray(offset, offset + length));
    offset += length + 1;
  }
  return found;
}

/**
 * PR mode's second half: the articles whose links lead to a changed article,
 * or lead nowhere now because their target was deleted or renamed away.
 * Every link of every article is resolved once; a link "leads to" a changed
 * article when it resolves to it, points at a missing anchor in it, or is
 * ambiguous between it and another.
 */
export function linkedToChanges(index: KnowledgeIndex, changes: ChangedFiles): string[] {
  const changed = new Set(changes.changed);
  const removedKeys = new Set<string>();
  const removedPaths = new Set<string>();
  for (const file of changes.removed) {
    if (!/\.md$/i.test(file)) {
      removedPaths.add(file);
      continue;
    }
    removedPaths.add(file);
    removedPaths.add(file.replace(/\.md$/i, ''));
    const relative = path.relative(index.contentRoot, file).split(path.sep).join('/').replace(/\.md$/i, '');
    const stem = path.basename(file).replace(/\.md$/i, '');
    removedKeys.add(wikiKey(stem));
    removedKeys.add(wikiKey(relative));
  }
  for (const name of changes.oldNames ?? []) removedKeys.add(wikiKey(name));
  const found = new Set<string>();
  for (const article of index.articles()) {
    if (article.links.some((link) => leadsToChange(index, article, link, changed, removedPaths, removedKeys))) found.add(article.path);
  }
  return [...found].sort();
}

function leadsToChange(
  index: KnowledgeIndex,
  from: ArticleFacts,
  link: LinkFacts,
  changed: Set<string>,
  removedPaths: Set<string>,
  removedKeys: Set<string>,
): boolean {
  if (link.kind === 'anchor') return false;
  const resolution = index.resolveLink(from, link);
  switch (resolution.status) {
    case 'ok':
      return resolution.target !== undefined && resolution.target !== from && changed.has(resolution.target.path);
    case 'missing-anchor':
      return resolution.target !== from && changed.has(resolution.target.path);
    case 'ambiguous':
      return resolution.candidates.some((candidate) => changed.has(candidate.path));
    case 'missing-target':
      // The old target is gone, so only the link's text can say where it
      // pointed: the old path for relative links, the old id or stem for
      // site-absolute links, and for wiki links also the titles and aliases
      // that removed or modified articles had at the base.
      if (link.kind === 'relative') return removedPaths.has(path.resolve(path.dirname(from.path), link.path ?? ''));
      if (link.kind === 'absolute') return removedKeys.has((link.path ?? '').replace(/^\/+|\/+$/g, '').replace(/\.md$/i, '').toLowerCase());
      return removedKeys.has(wikiKey(link.target ?? ''));
    default:
      return false;
  }
}

/** A wiki target as the index compares them: no `.md`, whitespace collapsed, case-folded. */

interface IndexEntry {
  blob: string;
  /** The working-tree file differs from the staged one, so the blob must be read. */
  differs: boolean;
}

/**
 * The knowledge base as it is staged: files in git's index are read from
 * the index, everything else (untracked files, assets) from disk. Blobs are
 * read only for files whose working copy differs from what is staged, all
 * in one `git cat-file --batch` call; the rest is read from disk, which is
 * the same bytes.
 */
export class GitStagedWorkspace implements Workspace {
  readonly root: string;
  private readonly disk = new NodeWorkspace();
  private readonly entries = new Map<string, IndexEntry>();
  private blobs: Map<string, Buffer> | undefined;

  constructor(cwd: string) {
    this.root = gitRoot(cwd);
    for (const record of git(this.root, ['ls-files', '-s', '-z']).toString().split('\0')) {
      // `<mode> <blob> <stage>\t<path>`; unmerged files have stages 1-3, of
      // which "ours" (2) is what a commit would start from.
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [mode, blob, stage] = record.slice(0, tab).split(' ');
      if (!blob || mode === '160000' || (stage !== '0' && stage !== '2')) continue;
      this.entries.set(path.join(this.root, record.slice(tab + 1)), { blob, differs: false });
    }
    const unstaged = git(this.root, ['diff', '--name-only', '-z', '--no-ext-diff']).toString().split('\0');
    for (const file of unstaged) {
      const entry = file ? this.entries.get(path.join(this.root, file)) : undefined;
      if (entry) entry.differs = true;
    }
  }

  /** Markdown files with staged changes (added, copied, modified, renamed), absolute and sorted. */
  stagedMarkdown(): string[] {
    return git(this.root, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--no-ext-diff'])
      .toString()
      .split('\0')
      .filter((file) => /\.md$/i.test(file))
      .map((file) => path.join(this.root, file))
      .sort();
  }

  async listMarkdown(root: string): Promise<string[]> {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    const files = new Set(await this.disk.listMarkdown(root));
    for (const file of this.entries.keys()) {
      if (file.startsWith(prefix) && /\.md$/i.test(file) && !file.split(path.sep).includes('node_modules')) files.add(file);
    }
    return [...files];
  }

  async readFile(absolutePath: string): Promise<Uint8Array> {
    const entry = this.entries.get(absolutePath);
    if (!entry || (!entry.differs && existsSync(absolutePath))) return this.disk.readFile(absolutePath);
    const blob = this.readBlobs().get(entry.blob);
    if (!blob) throw Object.assign(new Error(`cannot read the staged ${absolutePath}`), { code: 'EIO' });
    return blob;
  }

  async readText(absolutePath: string): Promise<string | undefined> {
    return this.disk.readText(absolutePath);
  }

  exists(absolutePath: string): boolean {
    return this.entries.has(absolutePath) || this.disk.exists(absolutePath);
  }

  private readBlobs(): Map<string, Buffer> {
    if (this.blobs) return this.blobs;
    const wanted = new Set<string>();
    for (const [file, entry] of this.entries) if (/\.md$/i.test(file) && (entry.differs || !existsSync(file))) wanted.add(entry.blob);
    this.blobs = readBatch(this.root, [...wanted]);
    return this.blobs;
  }
}

/**
 * A stable shard for a file: FNV-1a of its path relative to the project root
 * (POSIX separators), so every machine and every run puts a file in the same
 * shard regardless of what else exists.
 */
export function shardOf(file: string, projectRoot: string, count: number): number {
  const key = path.relative(projectRoot, file).split(path.sep).join('/');
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard expects \`i/n\` with 1 ≤ i ≤ n, e.g. \`--shard 2/4\`; got \`${value}\``);
  }
  return { index, count };
}

/** Is this file the config or the taxonomy? A change to either can change any finding. */
export function isSettingsFile(file: string, settings: Array<string | undefined>): boolean {
  return settings.some((setting) => setting !== undefined && path.resolve(setting) === path.resolve(file));
}

/**
 * The runner hooks for PR mode: report on the changed articles, then add the
 * articles linking to a change. A changed config or taxonomy can change any
 * finding, so then every article is linted. `keep` narrows what is added
 * (a shard keeps only its own files).
 */
export function changedTargetHooks(
  changes: ChangedFiles,
  config: ResolvedConfig,
  keep: (file: string) => boolean = () => true,
): Pick<LintOptions, 'filterTargets' | 'expandTargets'> {
  if (changes.changed.some((file) => isSettingsFile(file, [config.configPath, config.taxonomyPath]))) return {};
  const changed = new Set(changes.changed);
  return {
    filterTargets: (files) => files.filter((file) => changed.has(file)),
    expandTargets: (index, targets) => [...targets, ...linkedToChanges(index, changes).filter(keep)],
  };
}
