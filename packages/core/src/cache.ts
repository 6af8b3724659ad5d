import type { ArticleFacts, Diagnostic, KblintRule } from '@kblint/rule-kit';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import type { Dependencies } from './dependencies.js';

/** Bumped whenever the layout of the cache files changes. */
const FORMAT = 3;

const VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/**
 * A stat result is trusted in place of reading the file only when the file
 * was last modified well before it was stat-ed: a change in the same
 * timestamp tick as the stat would otherwise go unseen (git's "racy clean").
 */
const RACY_MS = 2000;

/** What one file's content gave, for one config and rule set. */
export interface FileEntry {
  /** sha1 of the bytes. */
  hash: string;
  facts: ArticleFacts;
  /** Findings of the `file` rules; absent when the file was only indexed. */
  diagnostics?: Diagnostic[];
  /**
   * Findings of the `index` rules, the index answers they depended on, and
   * the run that last recorded or confirmed those answers.
   */
  index?: Dependencies & { diagnostics: Diagnostic[]; run: string };
}

/** `[mtimeMs, size, statAt, hash]`: lets a run skip reading unchanged files. */
export type StatEntry = [number, number, number, string];

/** The whole previous run, for when nothing at all has changed. */
export interface RunEntry {
  key: string;
  files: string[];
  /** Final findings, after directives. */
  diagnostics: Diagnostic[];
  /** Non-article files the links checked, and whether they existed. */
  assets: Array<[string, boolean]>;
}

/** Counts of what the cache saved; tests read them to see what was redone. */
export interface CacheStats {
  /** The previous run's findings were reused whole. */
  runReused: boolean;
  /** Files read to hash them because the stat table could not vouch for them (parsing reads a file again). */
  read: number;
  /** Files parsed (facts, and file rules when linted). */
  parsed: string[];
  /** Files whose `index` rules ran. */
  indexLinted: string[];
}

interface RunFile {
  format: number;
  key: string;
  /** Names the files.json written by the same run. */
  token: string;
  stats: Record<string, StatEntry>;
  run?: RunEntry;
  /** `namesDigest` of the run's index. */
  names?: string;
  /** Non-article files links pointed at, and whether they existed. */
  assets?: Array<[string, boolean]>;
}

/** The run that last wrote the cache, as the next run compares against it. */
export interface PreviousRun {
  id: string;
  hashes: Map<string, string>;
  names: string;
  assets: Array<[string, boolean]>;
}

interface FilesHeader {
  format: number;
  key: string;
  token: string;
}

/** `files.json` as loaded: each entry's JSON text, parsed only when asked for. */
interface FilesFile extends FilesHeader {
  lines: Map<string, { stamp: string; json: string }>;
}

/**
 * The persistent cache: a folder with two JSON files. `run.json` is small
 * (file stats and the last run's findings) so an unchanged knowledge base is
 * answered without loading any facts; `files.json` holds each file's facts
 * and findings, keyed by the sha1 of its content. Both are written to a
 * temporary name and renamed, so a reader sees a whole file from one run or
 * the previous one; anything that does not validate is treated as empty.
 */
export class LintCache {
  stats: CacheStats = { runReused: false, read: 0, parsed: [], indexLinted: [] };
  private key = '';
  private runFile: RunFile | undefined;
  private filesFile: FilesFile | undefined;
  private filesLoaded = false;
  /** The text each loaded entry was read from. */
  private texts = new WeakMap<FileEntry, string>();

  /** Names this run; entries it confirms carry it. */
  runId = '';

  constructor(readonly location: string) {}

  /** Loads `run.json` for this config and rule set; a cache for anything else is ignored. */
  open(config: ResolvedConfig, rules: readonly KblintRule<object>[]): void {
    this.stats = { runReused: false, read: 0, parsed: [], indexLinted: [] };
    this.key = cacheKey(config, rules);
    this.runId = randomBytes(8).toString('hex');
    this.filesFile = undefined;
    this.filesLoaded = false;
    const run = readJson(path.join(this.location, 'run.json'));
    this.runFile = isRunFile(run) && run.key === this.key ? run : undefined;
  }

  /** The content hash of a file from its stat alone, when that is safe. */
  hashFromStat(file: string, mtimeMs: number, size: number): string | undefined {
    const entry = this.runFile?.stats[file];
    if (!entry || !Array.isArray(entry)) return undefined;
    const [knownMtime, knownSize, statAt, hash] = entry;
    if (knownMtime !== mtimeMs || knownSize !== size || !(mtimeMs + RACY_MS < statAt) || typeof hash !== 'string') return undefined;
    return hash;
  }

  run(): RunEntry | undefined {
    return this.runFile?.run;
  }

  /** The last run, when both files are the ones it wrote. */
  previous(): PreviousRun | undefined {
    const run = this.runFile;
    const files = this.files();
    if (!run || !files || files.token !== run.token || typeof run.names !== 'string' || !Array.isArray(run.assets)) return undefined;
    const hashes = new Map<string, string>();
    for (const [file, entry] of Object.entries(run.stats)) {
      if (Array.isArray(entry) && typeof entry[3] === 'string') hashes.set(file, entry[3]);
    }
    return { id: run.token, hashes, names: run.names, assets: run.assets };
  }

  /** Facts and findings for a file, when its content is the one cached. */
  entry(file: string, hash: string): FileEntry | undefined {
    const entry = this.load(file);
    return entry && entry.hash === hash ? entry : undefined;
  }

  private load(file: string): FileEntry | undefined {
    const line = this.files()?.lines.get(file);
    if (!line) return undefined;
    let entry: unknown;
    try {
      entry = JSON.parse(line.json);
    } catch {
      return undefined;
    }
    if (!isObject(entry) || typeof entry.hash !== 'string' || !isFactsFor(entry.facts, file)) return undefined;
    const loaded = entry as unknown as FileEntry;
    if (loaded.index) loaded.index.run = line.stamp;
    // Saved again as the same text unless the runner replaces the entry.
    this.texts.set(loaded, line.json);
    return loaded;
  }

  /** The facts of every file, if `files.json` is the one written with `run.json`. */
  allFacts(files: readonly string[]): Map<string, ArticleFacts> | undefined {
    const stored = this.files();
    if (!stored || stored.token !== this.runFile?.token) return undefined;
    const facts = new Map<string, ArticleFacts>();
    for (const file of files) {
      const entry = this.load(file);
      if (!entry) return undefined;
      facts.set(file, entry.facts);
    }
    return facts;
  }

  /**
   * Writes both files. `entries` replaces `files.json` unless it is
   * undefined (nothing but the run changed). Failures are ignored: the cache
   * only ever saves time.
   */
  save(
    stats: Record<string, StatEntry>,
    run: RunEntry | undefined,
    entries: Record<string, FileEntry> | undefined,
    index?: { names: string; assets: Array<[string, boolean]> },
  ): void {
    try {
      mkdirSync(this.location, { recursive: true });
      let token = this.runFile?.token ?? '';
      if (entries) {
        token = this.runId;
        writeFilesAtomic(path.join(this.location, 'files.json'), { format: FORMAT, key: this.key, token }, entries, this.texts);
      }
      const names = index?.names ?? this.runFile?.names;
      const assets = index?.assets ?? this.runFile?.assets;
      const runFile: RunFile = { format: FORMAT, key: this.key, token, stats, ...(run ? { run } : {}), ...(names ? { names } : {}), ...(assets ? { assets } : {}) };
      writeAtomic(path.join(this.location, 'run.json'), runFile);
      this.runFile = runFile;
    } catch {
      // A read-only checkout or a full disk: the next run simply starts cold.
    }
  }

  /**
   * `files.json` is one header line, then one line per file:
   * `"<path>"<TAB><run stamp><TAB><entry JSON>`. JSON text never holds a raw
   * tab or newline, so the split is safe; a line that does not parse is a
   * missing entry.
   */
  private files(): FilesFile | undefined {
    if (!this.filesLoaded) {
      this.filesLoaded = true;
      this.filesFile = undefined;
      let text: string;
      try {
        text = readFileSync(path.join(this.location, 'files.json'), 'utf8');
      } catch {
        return undefined;
      }
      let header: unknown;
      const firstBreak = text.indexOf('\n');
      try {
        header = JSON.parse(firstBreak === -1 ? text : text.slice(0, firstBreak));
      } catch {
        return undefined;
      }
      if (!isObject(header) || header.format !== FORMAT || header.key !== this.key || typeof header.token !== 'string') return undefined;
      const lines = new Map<string, { stamp: string; json: string }>();
      let at = firstBreak + 1;
      while (firstBreak !== -1 && at < text.length) {
        let end = text.indexOf('\n', at);
        if (end === -1) end = text.length;
        const tab1 = text.indexOf('\t', at);
        const tab2 = tab1 === -1 ? -1 : text.indexOf('\t', tab1 + 1);
        if (tab2 !== -1 && tab2 < end) {
          try {
            const file = JSON.parse(text.slice(at, tab1)) as unknown;
            if (typeof file === 'string') lines.set(file, { stamp: text.slice(tab1 + 1, tab2), json: text.slice(tab2 + 1, end) });
          } catch {
            // A damaged line is a missing entry.
          }
        }
        at = end + 1;
      }
      this.filesFile = { format: FORMAT, key: header.key, token: header.token, lines };
    }
    return this.filesFile;
  }
}

/** Everything besides a file's content that can change what kblint reports on it. */
export function cacheKey(config: ResolvedConfig, rules: readonly KblintRule<object>[]): string {
  const ruleVersions = rules.map((rule) => `${rule.meta.id}@${rule.meta.version}`).sort();
  return createHash('sha1')
    .update(JSON.stringify({ format: FORMAT, kblint: VERSION, node: process.versions.node, config: config.hash, rules: ruleVersions }))
    .digest('hex');
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64');
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(value));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `files.json` a line at a time (one string of the whole cache would
 * briefly double the memory a large knowledge base needs). An entry loaded
 * from the last cache and kept as it was is written back as the same text,
 * so an edit run does not serialise every article's facts again.
 */
function writeFilesAtomic(file: string, header: FilesHeader, entries: Record<string, FileEntry>, texts: WeakMap<FileEntry, string>): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'w');
    let chunk = `${JSON.stringify(header)}\n`;
    for (const [name, entry] of Object.entries(entries)) {
      const stamp = entry.index?.run ?? '';
      let json = texts.get(entry);
      if (json === undefined) {
        const { index, ...rest } = entry;
        json = JSON.stringify(index ? { ...rest, index: { ...index, run: undefined } } : rest);
      }
      chunk += `${JSON.stringify(name)}\t${stamp}\t${json}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRunFile(value: unknown): value is RunFile {
  if (!isObject(value) || value.format !== FORMAT || typeof value.key !== 'string' || typeof value.token !== 'string') return false;
  if (!isObject(value.stats)) return false;
  if (value.run === undefined) return true;
  const run = value.run;
  return isObject(run) && typeof run.key === 'string' && Array.isArray(run.files) && Array.isArray(run.diagnostics) && Array.isArray(run.assets);
}


function isFactsFor(facts: unknown, file: string): facts is ArticleFacts {
  return isObject(facts) && facts.path === file && Array.isArray(facts.links) && Array.isArray(facts.headings) && Array.isArray(facts.anchors);
}
