import type { ArticleFacts, Diagnostic, KblintRule } from '@kblint/rule-kit';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
// Types only: the config module (cosmiconfig, the YAML library) is loaded
// when the config the last run resolved cannot be reused.
import type { ResolvedConfig } from './config.js';
import { rememberConfig, rememberedConfig, type ConfigRequest } from './config-memo.js';
import { KnowledgeIndex } from './content-index.js';
import { nodeCrypto } from './node-crypto.js';
import { applyDirectives } from './directives.js';
import { createIgnoreFilter, discover, readIgnoreFiles } from './discovery.js';
// Types only: the engine and the parser are loaded when a file must be
// parsed, so a run answered from the cache never loads them.
import type { Engine, EngineOptions, FileAnalysis } from './engine.js';
import { contentHash, decodeFacts, releaseBody, textDigest, type FileEntry, type LintCache, type Listing, type RunEntry, type StatTable } from './cache.js';
import { DependencyTracker, namesDigest, namesLine, type ChangeSet, type Dependencies } from './dependencies.js';
// Types only: the pool (and node:worker_threads) is loaded when files must be parsed.
import type { Job, WorkerResult } from './pool.js';
import { builtinRules } from './rules.generated.js';
import { summarize, sortDiagnostics, type Summary } from './results.js';
import { NodeWorkspace, readRegularFileSync, type Workspace } from './workspace.js';

/** engine.ts's INTERNAL_ERROR_RULE, written out so that this module does not load the engine. */
const INTERNAL_ERROR_RULE = 'internal-error';

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
  const config = options.config ?? (await runConfig(options, cwd, rules));
  const cache = options.cache;
  cache?.open(config, rules);
  // Only the plain disk workspace is stat-ed (and read by parser threads):
  // an editor's workspace may hold unsaved text the disk does not.
  const onDisk = Object.getPrototypeOf(workspace) === NodeWorkspace.prototype;

  // With a cache on disk, the last run's articles while no folder it listed
  // has changed: a stat per folder instead of listing every file.
  let articles: string[];
  let listing: Listing | undefined;
  if (cache && onDisk) {
    const ignoreFiles = await readIgnoreFiles(workspace, config);
    const ignore = textDigest(ignoreFiles.join('\u0000'));
    const listed = cache.listedArticles(ignore);
    if (listed) {
      articles = listed;
      listing = cache.lastListing();
      cache.stats.listed = true;
    } else {
      const at = Date.now();
      const folders = new Map<string, number>();
      articles = await discover(workspace, config, ignoreFiles, folders);
      if (folders.has(path.resolve(config.contentRoot))) listing = { folders: [...folders], ignore, at, count: articles.length };
    }
  } else {
    articles = await discover(workspace, config);
  }
  const requested = options.paths?.length ? await resolveTargets(options.paths, cwd, config, workspace) : articles;
  let targets = options.filterTargets ? options.filterTargets(requested) : requested;

  // One pass over every file: facts for the index, and the file rules for
  // the files being reported on. Trees are not kept.
  const files = targets === articles ? articles : [...new Set([...articles, ...targets])];
  const reusable = cache && !options.expandTargets;
  const previous = cache?.run();
  // Every file as the last whole run saw it, by its stat: its findings are the answer.
  if (cache && reusable && previous && onDisk && targets === articles && cache.unchangedRun(files) && previous.assets.every(([file, exists]) => workspace.exists(file) === exists)) {
    // Folders were listed again although no article changed: the next run need not.
    if (listing && !cache.stats.listed) cache.keepListing(listing);
    return reuse(previous, { config, rules, options, articles, targets, workspace, cache });
  }
  // The listing is kept for a run over every article, whose table lists exactly them.
  const table: StatTable = { statAt: Date.now(), files: new Map(), ...(listing && targets === articles ? { listing } : {}) };
  const read: ReadResult = { hashes: new Map(), errors: new Map(), table, fresh: false };
  // Hashing before parsing only pays when something cached may be reused;
  // otherwise files are hashed as they are read for parsing.
  if (cache?.usable()) await hashAll(files, workspace, cache, onDisk, read);

  // Nothing changed since the last run (same bytes, config, rules, targets and
  // linked assets): its findings are the answer, and nothing is parsed.
  if (cache && reusable && previous && read.errors.size === 0 && read.hashes.size === files.length) {
    const runKey = runKeyOf(files, targets, read.hashes);
    if (previous.key === runKey && previous.assets.every(([file, exists]) => workspace.exists(file) === exists)) {
      if (read.fresh) cache.save(read.table, previous, undefined);
      return reuse(previous, { config, rules, options, articles, targets, workspace, cache, hashes: read.hashes });
    }
  }

  // A few files changed since a run that linted every file: only they, and
  // the files whose index findings may depend on them, are looked at.
  if (cache && reusable && previous && targets.length === files.length && read.errors.size === 0 && read.hashes.size === files.length) {
    const result = await editRun({ config, rules, options, cache, articles, files, targets, workspace, onDisk, read });
    if (result) return result;
  }

  const targetSet = new Set(targets);
  const facts = new Map<string, ArticleFacts>();
  const perFile = new Map<string, Diagnostic[]>();
  const entries = new Map<string, FileEntry>();
  const jobs: Job[] = [];
  const unreadableTargets: string[] = [];
  for (const file of files) {
    if (read.errors.has(file)) {
      if (targetSet.has(file)) unreadableTargets.push(file);
      continue;
    }
    const hash = read.hashes.get(file);
    const entry = cache && hash ? cache.entry(file, hash) : undefined;
    if (entry && (!targetSet.has(file) || Array.isArray(entry.diagnostics))) {
      facts.set(file, entry.facts);
      if (targetSet.has(file)) perFile.set(file, entry.diagnostics ?? []);
      entries.set(file, entry);
      continue;
    }
    jobs.push({ path: file, lint: targetSet.has(file) });
  }

  // Threads start first, so that they load the parser while this thread does.
  const { analyzeAll, ParserPool, threadCount } = await import('./pool.js');
  const poolable = !options.rules && !options.engine;
  const threads = threadCount(jobs.length, options.workers, poolable);
  // This thread parses too: `threads` counts it.
  const pool = threads > 1 ? new ParserPool(threads - 1, config) : undefined;
  let analyses: Array<WorkerResult | undefined>;
  let engine: Engine;
  try {
    const { Engine, loadFullParser } = await import('./engine.js');
    await loadFullParser();
    engine = new Engine(config, rules, options.engine);
  } catch (error) {
    await pool?.destroy();
    throw error;
  }
  try {
    const unreadableTarget = (file: string, error: unknown): void => {
      facts.set(file, engine.analyze(file, new Uint8Array(), false).facts);
      perFile.set(file, [unreadable(file, error)]);
    };
    for (const file of unreadableTargets) unreadableTarget(file, read.errors.get(file));
    const failed = (job: Job, error: unknown) => {
      if (job.lint) unreadableTarget(job.path, error);
      read.hashes.delete(job.path);
      read.table.files.delete(job.path);
      read.errors.set(job.path, error);
    };
    analyses = await analyzeAll(engine, pool, jobs, {
      threadsRead: onDisk,
      hash: cache !== undefined && onDisk,
      read: async (job) => {
        try {
          if (onDisk && workspace instanceof NodeWorkspace) {
            // Synchronous: for small files from the page cache, the promise
            // API's file handles cost more than the read (a quarter of a
            // one-thread run's CPU on 5,000 articles).
            const file = readRegularFileSync(job.path);
            if (cache) record(read, job.path, contentHash(file.content), file);
            return file.content;
          }
          const content = await workspace.readFile(job.path);
          // Hash what is parsed: the file may have changed since it was first hashed.
          if (cache) read.hashes.set(job.path, contentHash(content));
          return content;
        } catch (error) {
          failed(job, error);
          return undefined;
        }
      },
      ...(options.onProgress ? { onProgress: (done: number) => options.onProgress?.(done, jobs.length) } : {}),
    });
    analyses.forEach((result, i) => {
      const job = jobs[i] as Job;
      if (result?.error) failed(job, Object.assign(new Error(result.error.message), { code: result.error.code }));
      else if (result?.hash && cache) record(read, job.path, result.hash, result.stat);
    });
  } finally {
    await pool?.destroy();
  }
  analyses.forEach((result, i) => {
    const job = jobs[i] as Job;
    const analysis = result?.analysis;
    if (!analysis) return;
    if (result.facts !== undefined) {
      analysis.facts = decodeFacts(result.facts, job.path) as ArticleFacts;
      cache?.adopt(analysis.facts, result.facts);
    }
    facts.set(job.path, analysis.facts);
    perFile.set(job.path, analysis.diagnostics);
    cache?.stats.parsed.push(job.path);
    const hash = read.hashes.get(job.path);
    if (hash && !analysis.diagnostics.some((d) => d.ruleId === INTERNAL_ERROR_RULE)) {
      entries.set(job.path, { hash, facts: analysis.facts, ...(job.lint ? { diagnostics: analysis.diagnostics } : {}) });
    }
  });
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const found = perFile.get(file);
    if (found) for (const d of found) diagnostics.push(d);
  }

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
  // Targets whose index findings this run recorded or confirmed.
  const confirmed = new Set<string>();
  for (const file of targets) {
    const fileFacts = facts.get(file);
    if (!fileFacts) continue;
    const entry = entries.get(file);
    if (!tracker || !entry || entry.facts !== fileFacts) {
      diagnostics.push(...engine.lintWithIndex(fileFacts, index));
      releaseBody(fileFacts);
      continue;
    }
    const known = entry.index;
    if (known && tracker.unchanged(fileFacts, known, last?.confirmed(file) ?? false)) {
      diagnostics.push(...known.diagnostics);
      confirmed.add(file);
      continue;
    }
    const record: Dependencies = { deps: [], refs: [], volatile: false };
    const found = engine.lintWithIndex(fileFacts, tracker.recorder(fileFacts, record));
    releaseBody(fileFacts);
    cache?.stats.indexLinted.push(file);
    diagnostics.push(...found);
    if (found.some((d) => d.ruleId === INTERNAL_ERROR_RULE)) {
      entries.delete(file);
    } else {
      entries.set(file, { ...entry, index: cache ? cache.compactIndex(file, { ...record, diagnostics: found }) : { ...record, diagnostics: found } });
      confirmed.add(file);
    }
  }

  const kept = applyDirectives(diagnostics, facts);
  sortDiagnostics(kept);
  if (cache) {
    // Keyed by the bytes that were parsed, which may be newer than those first hashed.
    const complete = reusable && read.errors.size === 0 && files.every((file) => read.hashes.has(file));
    const runKey = complete ? runKeyOf(files, targets, read.hashes) : undefined;
    const everyFile = targets.length === files.length;
    const run = runKey && !kept.some((d) => d.ruleId === INTERNAL_ERROR_RULE) ? { key: runKey, diagnostics: kept, assets: [...assets], ...(everyFile ? { everyFile } : {}) } : undefined;
    cache.save(read.table, run, entries, {
      names,
      assets: [...assets],
      confirmed,
      graph: targets.length === files.length,
      snapshot: (positionOf) => index.snapshot(positionOf),
    });
    cache.close();
  }
  return { config, index, files: [...targets].sort(), diagnostics: kept, summary: summarize(kept, targets.length) };
}

/** The last run's result as this run's (see `reusedRun`). */
async function reuse(
  previous: RunEntry,
  context: {
    config: ResolvedConfig;
    rules: readonly KblintRule<object>[];
    options: LintOptions;
    articles: string[];
    targets: string[];
    workspace: Workspace;
    cache: LintCache;
    /** The files' hashes, when this run computed them; else the stat table's. */
    hashes?: ReadonlyMap<string, string>;
  },
): Promise<LintResult> {
  const { config, rules, options, articles, targets, workspace, cache, hashes } = context;
  cache.stats.runReused = true;
  // The index of a reused run is built on demand from the cached facts;
  // should another run have replaced them, from the files themselves.
  let engine: Engine | undefined;
  if (!cache.filesMatchRun()) {
    const { Engine, loadFullParser } = await import('./engine.js');
    await loadFullParser();
    engine = new Engine(config, rules, options.engine);
  }
  return reusedRun(previous, { config, articles, targets, engine, workspace, cache, ...(hashes ? { hashes } : {}) });
}

/** At most this many changed files (or this share of all) go through `editRun`; more are parsed in parallel. */
const EDIT_RUN_FILES = 32;
/** At most this many files whose index findings may have changed, or this share of all. */
const EDIT_RUN_RECHECKS = 256;

interface EditRunContext {
  config: ResolvedConfig;
  rules: readonly KblintRule<object>[];
  options: LintOptions;
  cache: LintCache;
  articles: string[];
  files: string[];
  targets: string[];
  workspace: Workspace;
  onDisk: boolean;
  read: ReadResult;
}

/**
 * A run after a few files changed, answered from the graph the last run
 * left (`LintCache.editBase`) without loading every cached entry: the
 * changed files are parsed; the files whose index answers named a changed
 * file, or that depended on more than named files, replay those answers or
 * are linted again; every other file's findings are the last run's. It is
 * the same decision the full run makes (`DependencyTracker.unchanged`),
 * taken from the graph. Undefined when the graph does not fit this run or
 * the change is not a few files with the same names (titles, ids, aliases):
 * the full run takes over.
 */
async function editRun(context: EditRunContext): Promise<LintResult | undefined> {
  try {
    return await editRunOrThrow(context);
  } catch (error) {
    // Cached facts that could not be read: the full run reads the files.
    if (context.cache.editBase()?.damaged()) return undefined;
    throw error;
  } finally {
    context.cache.close();
  }
}

async function editRunOrThrow(context: EditRunContext): Promise<LintResult | undefined> {
  const { config, rules, options, cache, articles, files, targets, workspace, onDisk, read } = context;
  const base = cache.editBase();
  const state = cache.runState();
  const previous = cache.run();
  if (!base || !state || !previous || base.files.length !== files.length) return undefined;
  const positions: number[] = [];
  const changed: string[] = [];
  for (const file of files) {
    const i = base.position.get(file);
    if (i === undefined) return undefined;
    positions.push(i);
    if (read.hashes.get(file) !== base.hash(i)) changed.push(file);
  }
  if (changed.length === 0 || changed.length > Math.max(EDIT_RUN_FILES, files.length / 100)) return undefined;
  // A deleted or added image changes answers no changed file names.
  if (!state.assets.every(([file, existed]) => workspace.exists(file) === existed)) return undefined;

  const { Engine, FullParserNotLoaded, loadFullParser, INTERNAL_ERROR_RULE: internalError } = await import('./engine.js');
  const engine = new Engine(config, rules, options.engine);
  const fresh = new Map<string, FileAnalysis>();
  for (const file of changed) {
    let content: Uint8Array;
    try {
      if (onDisk && workspace instanceof NodeWorkspace) {
        const read_ = readRegularFileSync(file);
        content = read_.content;
        record(read, file, contentHash(content), read_);
      } else {
        content = await workspace.readFile(file);
        read.hashes.set(file, contentHash(content));
      }
    } catch {
      return undefined;
    }
    let analysis: FileAnalysis;
    try {
      analysis = engine.analyze(file, content, true);
    } catch (error) {
      if (!(error instanceof FullParserNotLoaded)) throw error;
      // Only a file the fast path declines needs remark-parse.
      await loadFullParser();
      analysis = engine.analyze(file, content, true);
    }
    // Names the index resolves by changed: any answer may have; the full run replays them all.
    const i = base.position.get(file) as number;
    if (namesLine(analysis.facts) !== namesLine(base.facts(i))) return undefined;
    fresh.set(file, analysis);
  }

  const changedSet = new Set(changed);
  const changedAt = new Set(changed.map((file) => base.position.get(file) as number));
  const recheck = new Map<string, FileEntry>();
  for (let k = 0; k < files.length; k++) {
    const file = files[k] as string;
    const i = positions[k] as number;
    if (changedSet.has(file)) continue;
    const refs = base.refs(i);
    if (refs && !base.volatile(i) && base.confirmed(i) && !refs.some((ref) => changedAt.has(ref))) continue;
    if (recheck.size >= Math.max(EDIT_RUN_RECHECKS, files.length / 10)) return undefined;
    const entry = base.entry(i);
    if (!entry?.diagnostics) return undefined;
    recheck.set(file, entry);
  }

  const assets = new Map<string, boolean>();
  const factsOf = (file: string): ArticleFacts => fresh.get(file)?.facts ?? recheck.get(file)?.facts ?? base.facts(base.position.get(file) as number);
  const indexOptions = {
    contentRoot: config.contentRoot,
    projectRoot: config.projectRoot,
    fileExists: (file: string) => {
      const exists = workspace.exists(file);
      assets.set(file, exists);
      return exists;
    },
  };
  // The names are unchanged, so the last run's tables are this run's: only
  // the facts a lookup returns are read.
  const index = base.names
    ? KnowledgeIndex.fromSnapshot(base.names, { at: (i) => factsOf(base.files[i] as string), position: (file) => base.position.get(file) }, indexOptions)
    : new KnowledgeIndex(articles.map(factsOf), indexOptions);
  const tracker = new DependencyTracker(index, (file) => read.hashes.get(file), { changed: changedSet, namesUnchanged: true });
  const earlier = new Map<string, Diagnostic[]>();
  for (const d of previous.diagnostics) {
    const list = earlier.get(d.file);
    if (list) list.push(d);
    else earlier.set(d.file, [d]);
  }
  const entries = new Map<string, FileEntry>();
  const confirmed = new Set<string>();
  const indexLinted: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const lintAgain = (facts: ArticleFacts, fileFindings: Diagnostic[], entry: FileEntry): void => {
    const record: Dependencies = { deps: [], refs: [], volatile: false };
    const found = engine.lintWithIndex(facts, tracker.recorder(facts, record));
    indexLinted.push(facts.path);
    diagnostics.push(...applyDirectives([...fileFindings, ...found], new Map([[facts.path, facts]])));
    if (found.some((d) => d.ruleId === internalError)) return;
    entries.set(facts.path, { ...entry, index: cache.compactIndex(facts.path, { ...record, diagnostics: found }) });
    confirmed.add(facts.path);
  };
  for (const file of files) {
    const analysis = fresh.get(file);
    const entry = recheck.get(file);
    if (analysis) {
      const hash = read.hashes.get(file) as string;
      if (analysis.diagnostics.some((d) => d.ruleId === internalError)) {
        diagnostics.push(...applyDirectives([...analysis.diagnostics, ...engine.lintWithIndex(analysis.facts, index)], new Map([[file, analysis.facts]])));
        continue;
      }
      lintAgain(analysis.facts, analysis.diagnostics, { hash, facts: analysis.facts, diagnostics: analysis.diagnostics });
    } else if (entry) {
      const known = entry.index;
      const i = base.position.get(file) as number;
      if (known && tracker.unchanged(entry.facts, known, base.confirmed(i))) {
        diagnostics.push(...applyDirectives([...(entry.diagnostics ?? []), ...known.diagnostics], new Map([[file, entry.facts]])));
        confirmed.add(file);
      } else {
        lintAgain(entry.facts, entry.diagnostics ?? [], entry);
      }
    } else {
      const found = earlier.get(file);
      if (found) diagnostics.push(...found);
      confirmed.add(file);
    }
  }
  if (base.damaged()) return undefined;
  sortDiagnostics(diagnostics);
  for (const [file, existed] of state.assets) if (!assets.has(file)) assets.set(file, existed);
  cache.stats.parsed.push(...changed);
  cache.stats.indexLinted.push(...indexLinted);
  cache.stats.edit = true;
  const run = diagnostics.some((d) => d.ruleId === internalError) ? undefined : { key: runKeyOf(files, targets, read.hashes), diagnostics, assets: [...assets], everyFile: true };
  cache.save(read.table, run, entries, { names: state.names, assets: [...assets], confirmed, graph: true, append: true });
  return { config, index, files: [...targets].sort(), diagnostics, summary: summarize(diagnostics, targets.length) };
}

/**
 * The config of a run: with a cache, the one the last run resolved when
 * nothing it was resolved from has changed (see `config-memo.ts`).
 */
async function runConfig(options: LintOptions, cwd: string, rules: readonly KblintRule<object>[]): Promise<ResolvedConfig> {
  const request: ConfigRequest = { cwd, ...(options.configFile ? { configFile: options.configFile } : {}), allowCode: options.allowCodeConfig ?? true, rules };
  const location = options.cache?.location;
  if (location) {
    const remembered = rememberedConfig(location, request);
    if (remembered) return remembered;
    try {
      // Made before the config is loaded: creating the cache folder changes
      // the working directory's mtime, which the memo looks at.
      mkdirSync(location, { recursive: true });
    } catch {
      // A read-only checkout: no cache, no memo.
    }
  }
  const since = Date.now();
  const { loadConfig } = await import('./config.js');
  const config = await loadConfig({
    cwd,
    rules,
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.allowCodeConfig !== undefined ? { allowCode: options.allowCodeConfig } : {}),
  });
  if (location) rememberConfig(location, request, config, since);
  return config;
}

interface ReadResult {
  /** Content hashes; only computed with a cache. */
  hashes: Map<string, string>;
  errors: Map<string, unknown>;
  /** The stat table for the next run. */
  table: StatTable;
  /** Some hash was computed from bytes rather than vouched for by the stat table. */
  fresh: boolean;
}

/** A file's hash, and its stat when the bytes hashed are the bytes the stat describes. */
function record(read: ReadResult, file: string, hash: string, stat: { mtimeMs: number; size: number } | undefined): void {
  read.hashes.set(file, hash);
  if (stat) read.table.files.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, hash });
  else read.table.files.delete(file);
}

/**
 * Hashes every file before anything is parsed, so that cached facts and
 * findings can be looked up. A file whose size and mtime match the last run
 * (and was not modified just before it was looked at) is not read at all:
 * the stat table vouches for its hash. The stats are synchronous: thousands
 * of them take a few milliseconds, where promises took several times that.
 */
async function hashAll(files: string[], workspace: Workspace, cache: LintCache, onDisk: boolean, read: ReadResult): Promise<void> {
  const toRead: string[] = [];
  for (let k = 0; k < files.length; k++) {
    const file = files[k] as string;
    if (onDisk) {
      const stats = statSync(file, { throwIfNoEntry: false });
      const known = stats && stats.isFile() ? cache.hashFromStat(file, stats.mtimeMs, stats.size, k) : undefined;
      if (stats && known) {
        read.hashes.set(file, known);
        read.table.files.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, hash: known });
        continue;
      }
    }
    toRead.push(file);
  }
  let next = 0;
  const reader = async () => {
    while (next < toRead.length) {
      const file = toRead[next++] as string;
      try {
        // Hashed and dropped: the text is read again only if it must be parsed.
        const file_ = onDisk && workspace instanceof NodeWorkspace ? await workspace.readWithStat(file) : { content: await workspace.readFile(file) };
        cache.stats.read++;
        read.fresh = true;
        const hash = contentHash(file_.content);
        if ('size' in file_ && file_.size === file_.content.byteLength) record(read, file, hash, file_);
        else read.hashes.set(file, hash);
      } catch (error) {
        read.errors.set(file, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, toRead.length) }, reader));
  // The files read were recorded last: the next run walks the table in the
  // order of `files` (`LintCache.unchangedRun`), so it is stored in that order.
  if (toRead.length > 0) {
    const ordered: StatTable['files'] = new Map();
    for (const file of files) {
      const stat = read.table.files.get(file);
      if (stat) ordered.set(file, stat);
    }
    read.table.files = ordered;
  }
}

/** Names one run's inputs: its targets, and every file with the hash of its content. */
function runKeyOf(files: string[], targets: string[], hashes: Map<string, string>): string {
  let text = '';
  for (const file of isSorted(targets) ? targets : [...targets].sort()) text += `t ${file}\n`;
  for (const file of files) text += `f ${file} ${hashes.get(file) ?? ''}\n`;
  return nodeCrypto().createHash('sha1').update(text).digest('hex');
}

function isSorted(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] as string) > (list[i] as string)) return false;
  return true;
}

/**
 * The result of a run answered whole from the cache. The index is built only
 * if a caller asks for it, from the cached facts (or, if another run has
 * since replaced them, by reading the articles again with `engine`).
 */
function reusedRun(
  run: RunEntry,
  context: {
    config: ResolvedConfig;
    articles: string[];
    targets: string[];
    engine: Engine | undefined;
    workspace: Workspace;
    cache: LintCache;
    hashes?: ReadonlyMap<string, string>;
  },
): LintResult {
  const { config, articles, targets, engine, workspace, cache, hashes } = context;
  let index: KnowledgeIndex | undefined;
  const diagnostics = run.diagnostics;
  return {
    config,
    get index(): KnowledgeIndex {
      if (!index) {
        let facts = hashes ? cache.allFacts(articles, (file) => hashes.get(file)) : cache.allFacts(articles);
        if (!facts) {
          // Another run replaced files.json after this one looked.
          if (!engine) throw new Error('the cache changed while it was being read; run kblint again');
          facts = new Map(articles.map((file) => [file, engine.analyze(file, readFileSync(file), false).facts] as const));
        }
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
    } else if ((await import('tinyglobby')).isDynamicPattern(input)) {
      const matches = await (await import('tinyglobby')).glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
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

