import type { ArticleFacts, Diagnostic, KblintRule } from '@kblint/rule-kit';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { loadConfig, type ResolvedConfig } from './config.js';
import { KnowledgeIndex } from './content-index.js';
import { applyDirectives } from './directives.js';
import { createIgnoreFilter, discover } from './discovery.js';
import { Engine, INTERNAL_ERROR_RULE, type EngineOptions } from './engine.js';
import { contentHash, type FileEntry, type LintCache, type RunEntry, type StatEntry } from './cache.js';
import { DependencyTracker, namesDigest, type ChangeSet, type Dependencies } from './dependencies.js';
import { analyzeAll, type Job } from './pool.js';
import { builtinRules } from './rules.generated.js';
import { summarize, sortDiagnostics, type Summary } from './results.js';
import { NodeWorkspace, type Workspace } from './workspace.js';

export interface LintOptions {
  /** Where paths and the config search start; defaults to `process.cwd()`. */
  cwd?: string;
  /** `--config`. */
  configFile?: string;
  /** Run JavaScript configs (default true). */
  allowCodeConfig?: boolean;
  /** An already resolved config; skips the search. */
  config?: ResolvedConfig;
  /** Files, folders or globs to report on; default every article. */
  paths?: string[];
  workspace?: Workspace;
  /** The rule set; defaults to every built-in rule. */
  rules?: readonly KblintRule<object>[];
  engine?: EngineOptions;
  /** Narrows the targets before anything is parsed (`--shard`). */
  filterTargets?: (files: string[]) => string[];
  /**
   * Adds targets once the index is known (`--changed-since` adds the articles
   * that link to a changed one). Added files are parsed again for file rules.
   */
  expandTargets?: (index: KnowledgeIndex, targets: string[]) => string[];
  /**
   * The persistent cache (`--cache`). Files whose content, config and rule
   * versions are unchanged are not parsed again; index findings are reused
   * while the index answers their rules asked for are unchanged.
   */
  cache?: LintCache;
  /** Worker threads for parsing: undefined chooses by size and cores; 0 or 1 stays on this thread. */
  workers?: number;
  /** Called as files are parsed: `done` of `total` parses (cached files are not counted). */
  onProgress?: (done: number, total: number) => void;
}

export interface LintResult {
  config: ResolvedConfig;
  index: KnowledgeIndex;
  /** Files that were reported on, sorted. */
  files: string[];
  /** Sorted by file, line, column, rule. */
  diagnostics: Diagnostic[];
  summary: Summary;
}

/** A problem with how kblint was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const rules = options.rules ?? builtinRules;
  const workspace = options.workspace ?? new NodeWorkspace();
  const config =
    options.config ??
    (await loadConfig({
      cwd,
      rules,
      ...(options.configFile ? { configFile: options.configFile } : {}),
      ...(options.allowCodeConfig !== undefined ? { allowCode: options.allowCodeConfig } : {}),
    }));
  const engine = new Engine(config, rules, options.engine);

  const articles = await discover(workspace, config);
  const requested = options.paths?.length ? await resolveTargets(options.paths, cwd, config, workspace) : articles;
  let targets = options.filterTargets ? options.filterTargets(requested) : requested;
  const targetSet = new Set(targets);

  // One pass over every file: facts for the index, and the file rules for
  // the files being reported on. Trees are not kept.
  const files = [...new Set([...articles, ...targets])];
  const cache = options.cache;
  cache?.open(config, rules);
  const read = await readAll(files, workspace, cache);

  // Nothing changed since the last run (same bytes, config, rules, targets and
  // linked assets): its findings are the answer, and nothing is parsed.
  const runKey = cache && !options.expandTargets && read.errors.size === 0 ? runKeyOf(files, targets, read.hashes) : undefined;
  const previous = cache?.run();
  if (cache && runKey && previous?.key === runKey && previous.assets.every(([file, exists]) => workspace.exists(file) === exists)) {
    cache.stats.runReused = true;
    if (read.fresh) cache.save(read.stats, previous, undefined);
    return reusedRun(previous, { config, articles, targets, engine, workspace, cache });
  }

  const facts = new Map<string, ArticleFacts>();
  const perFile = new Map<string, Diagnostic[]>();
  const entries: Record<string, FileEntry> = {};
  const jobs: Job[] = [];
  for (const file of files) {
    const error = read.errors.get(file);
    if (error !== undefined) {
      if (targetSet.has(file)) unreadableTarget(file, error);
      continue;
    }
    const hash = read.hashes.get(file);
    const entry = cache && hash ? cache.entry(file, hash) : undefined;
    if (entry && (!targetSet.has(file) || Array.isArray(entry.diagnostics))) {
      facts.set(file, entry.facts);
      if (targetSet.has(file)) perFile.set(file, entry.diagnostics ?? []);
      entries[file] = entry;
      continue;
    }
    jobs.push({ path: file, lint: targetSet.has(file) });
  }
  function unreadableTarget(file: string, error: unknown): void {
    facts.set(file, engine.analyze(file, new Uint8Array(), false).facts);
    perFile.set(file, [unreadable(file, error)]);
  }
  const analyses = await analyzeAll(engine, config, jobs, {
    workers: options.workers,
    poolable: !options.rules && !options.engine,
    read: async (job) => {
      try {
        const content = await workspace.readFile(job.path);
        // Hash what is parsed: the file may have changed since it was first hashed.
        if (cache) read.hashes.set(job.path, contentHash(content));
        return content;
      } catch (error) {
        if (job.lint) unreadableTarget(job.path, error);
        read.hashes.delete(job.path);
        return undefined;
      }
    },
    ...(options.onProgress ? { onProgress: (done: number) => options.onProgress?.(done, jobs.length) } : {}),
  });
  analyses.forEach((analysis, i) => {
    const job = jobs[i] as Job;
    if (!analysis) return;
    facts.set(job.path, analysis.facts);
    perFile.set(job.path, analysis.diagnostics);
    cache?.stats.parsed.push(job.path);
    const hash = read.hashes.get(job.path);
    if (hash && !analysis.diagnostics.some((d) => d.ruleId === INTERNAL_ERROR_RULE)) {
      entries[job.path] = { hash, facts: analysis.facts, ...(job.lint ? { diagnostics: analysis.diagnostics } : {}) };
    }
  });
  const diagnostics: Diagnostic[] = [];
  for (const file of files) diagnostics.push(...(perFile.get(file) ?? []));

  // Assets that links point at, and whether they exist: a run is only reused
  // when they still do (or still do not).
  const assets = new Map<string, boolean>();
  const index = new KnowledgeIndex(
    articles.map((file) => facts.get(file)).filter((f): f is ArticleFacts => f !== undefined),
    {
      contentRoot: config.contentRoot,
      projectRoot: config.projectRoot,
      fileExists: (file) => {
        const exists = workspace.exists(file);
        assets.set(file, exists);
        return exists;
      },
    },
  );
  if (options.expandTargets) {
    const expanded = options.expandTargets(index, targets);
    for (const file of expanded) {
      if (targetSet.has(file)) continue;
      targetSet.add(file);
      const content = await workspace.readFile(file).catch(() => undefined);
      if (!content) continue;
      const analysis = engine.analyze(file, content, true);
      facts.set(file, analysis.facts);
      diagnostics.push(...analysis.diagnostics);
    }
    targets = [...targetSet];
  }
  // With a cache, each target's index rules see the index through a recorder;
  // what they asked is replayed next run, and unchanged answers mean
  // unchanged findings.
  const names = cache ? namesDigest(index.articles()) : '';
  const last = cache?.previous();
  let changes: ChangeSet | undefined;
  if (last) {
    // Assets the last run saw are checked again (and kept for the next run):
    // a deleted image changes answers no rule is re-asked about.
    let assetsUnchanged = true;
    for (const [file, existed] of last.assets) {
      const exists = workspace.exists(file);
      if (!assets.has(file)) assets.set(file, exists);
      if (exists !== existed) assetsUnchanged = false;
    }
    const changed = new Set<string>(read.errors.keys());
    for (const [file, hash] of last.hashes) if (read.hashes.get(file) !== hash) changed.add(file);
    for (const [file, hash] of read.hashes) if (last.hashes.get(file) !== hash) changed.add(file);
    changes = { changed, namesUnchanged: assetsUnchanged && last.names === names };
  }
  const tracker = cache ? new DependencyTracker(index, (file) => read.hashes.get(file), changes) : undefined;
  for (const file of targets) {
    const fileFacts = facts.get(file);
    if (!fileFacts) continue;
    const entry = entries[file];
    if (!tracker || !entry || entry.facts !== fileFacts) {
      diagnostics.push(...engine.lintWithIndex(fileFacts, index));
      continue;
    }
    const known = entry.index;
    if (
      known &&
      Array.isArray(known.deps) &&
      Array.isArray(known.refs) &&
      Array.isArray(known.diagnostics) &&
      tracker.unchanged(fileFacts, known, known.run === last?.id)
    ) {
      diagnostics.push(...known.diagnostics);
      known.run = cache?.runId ?? '';
      continue;
    }
    const record: Dependencies = { deps: [], refs: [], volatile: false };
    const found = engine.lintWithIndex(fileFacts, tracker.recorder(fileFacts, record));
    cache?.stats.indexLinted.push(file);
    diagnostics.push(...found);
    if (found.some((d) => d.ruleId === INTERNAL_ERROR_RULE)) delete entries[file];
    else entries[file] = { ...entry, index: { ...record, diagnostics: found, run: cache?.runId ?? '' } };
  }

  const kept = applyDirectives(diagnostics, facts);
  sortDiagnostics(kept);
  if (cache) {
    const reusable = runKey && !kept.some((d) => d.ruleId === INTERNAL_ERROR_RULE);
    cache.save(read.stats, reusable ? { key: runKey, files: targets, diagnostics: kept, assets: [...assets] } : undefined, entries, {
      names,
      assets: [...assets],
    });
  }
  return { config, index, files: [...targets].sort(), diagnostics: kept, summary: summarize(kept, targets.length) };
}

interface ReadResult {
  /** Content hashes; only computed with a cache. */
  hashes: Map<string, string>;
  errors: Map<string, unknown>;
  /** The stat table for the next run. */
  stats: Record<string, StatEntry>;
  /** Some hash was computed from bytes rather than vouched for by the stat table. */
  fresh: boolean;
}

/**
 * With a cache, hashes every file, several at a time. A file whose size and
 * mtime match the last run (and was not modified just before it was looked
 * at) is not read at all: the stat table vouches for its hash. Only the plain
 * disk workspace is stat-ed, since an editor's workspace may hold unsaved
 * text the disk does not.
 */
async function readAll(files: string[], workspace: Workspace, cache: LintCache | undefined): Promise<ReadResult> {
  const result: ReadResult = { hashes: new Map(), errors: new Map(), stats: {}, fresh: false };
  if (!cache) return result;
  const onDisk = Object.getPrototypeOf(workspace) === NodeWorkspace.prototype;
  const statAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++] as string;
      let stats: { mtimeMs: number; size: number } | undefined;
      if (onDisk) {
        stats = await stat(file).catch(() => undefined);
        const known = stats && cache.hashFromStat(file, stats.mtimeMs, stats.size);
        if (stats && known) {
          result.hashes.set(file, known);
          result.stats[file] = [stats.mtimeMs, stats.size, statAt, known];
          continue;
        }
      }
      try {
        // Hashed and dropped: the text is read again only if it must be parsed.
        const content = await workspace.readFile(file);
        const hash = contentHash(content);
        cache.stats.read++;
        result.fresh = true;
        result.hashes.set(file, hash);
        if (stats && stats.size === content.byteLength) result.stats[file] = [stats.mtimeMs, stats.size, statAt, hash];
      } catch (error) {
        result.errors.set(file, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, files.length) }, worker));
  return result;
}

function runKeyOf(files: string[], targets: string[], hashes: Map<string, string>): string {
  const digest = createHash('sha1');
  for (const file of [...targets].sort()) digest.update(`t ${file}\n`);
  for (const file of files) digest.update(`f ${file} ${hashes.get(file) ?? ''}\n`);
  return digest.digest('hex');
}

/**
 * The result of a run answered whole from the cache. The index is built only
 * if a caller asks for it, from the cached facts (or, if another run has
 * since replaced them, by reading the articles again).
 */
function reusedRun(
  run: RunEntry,
  context: { config: ResolvedConfig; articles: string[]; targets: string[]; engine: Engine; workspace: Workspace; cache: LintCache },
): LintResult {
  const { config, articles, targets, engine, workspace, cache } = context;
  let index: KnowledgeIndex | undefined;
  const diagnostics = run.diagnostics;
  return {
    config,
    get index(): KnowledgeIndex {
      if (!index) {
        const facts =
          cache.allFacts(articles) ??
          new Map(articles.map((file) => [file, engine.analyze(file, readFileSync(file), false).facts] as const));
        index = new KnowledgeIndex(facts.values(), {
          contentRoot: config.contentRoot,
          projectRoot: config.projectRoot,
          fileExists: (file) => workspace.exists(file),
        });
      }
      return index;
    },
    files: [...targets].sort(),
    diagnostics,
    summary: summarize(diagnostics, targets.length),
  };
}

async function resolveTargets(paths: string[], cwd: string, config: ResolvedConfig, workspace: Workspace): Promise<string[]> {
  const isIgnored = await createIgnoreFilter(workspace, config);
  const found = new Set<string>();
  for (const input of paths) {
    const absolute = path.resolve(cwd, input);
    if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      for (const file of await workspace.listMarkdown(absolute)) if (!isIgnored(file)) found.add(file);
    } else if (existsSync(absolute) || workspace.exists(absolute)) {
      found.add(absolute);
    } else if (isDynamicPattern(input)) {
      const matches = await glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      for (const file of matches) if (!isIgnored(path.normalize(file))) found.add(path.normalize(file));
      if (matches.length === 0) throw new UsageError(`No files match the pattern \`${input}\``);
    } else {
      throw new UsageError(`No such file or folder: \`${input}\``);
    }
  }
  return [...found].sort();
}

function unreadable(file: string, error: unknown): Diagnostic {
  const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
  const reasons: Record<string, string> = {
    ENOENT: 'it was deleted during the run',
    EACCES: 'permission denied',
    EISDIR: 'it is a folder, expected a file',
    ENOTREG: 'it is not a regular file (a FIFO, socket or device), expected a file',
    ELOOP: 'it is a symbolic link loop, expected a file',
  };
  const reason = reasons[code] ?? (code || 'unknown error');
  return {
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    ruleId: 'unreadable-file',
    severity: 'error',
    message: `Unexpected unreadable file: ${reason}`,
  };
}

export { INTERNAL_ERROR_RULE };
