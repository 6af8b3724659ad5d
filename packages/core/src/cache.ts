import type { ArticleFacts, Diagnostic, KblintRule } from '@kblint/rule-kit';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import path from 'node:path';
import type { ResolvedConfig } from './config.js';
import type { IndexSnapshot } from './content-index.js';
import { nodeCrypto } from './node-crypto.js';
import type { Dependencies, Dependency } from './dependencies.js';

/** Bumped whenever the layout of the cache files changes. */
const FORMAT = 10;

/** Set by the CLI's bundle, which has no package.json beside it. */
declare const KBLINT_CORE_VERSION: string | undefined;

/** @kblint/core's version: part of every cache key. */
export const CORE_VERSION = (() => {
  if (typeof KBLINT_CORE_VERSION === 'string') return KBLINT_CORE_VERSION;
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

/** Findings of the `index` rules and the index answers they depended on. */
export type IndexEntry = Dependencies & { diagnostics: Diagnostic[] };

/** What one file's content gave, for one config and rule set. */
export interface FileEntry {
  /** sha1 of the bytes. */
  hash: string;
  facts: ArticleFacts;
  /** Findings of the `file` rules; absent when the file was only indexed. */
  diagnostics?: Diagnostic[];
  /** Findings of the `index` rules and what they asked the index. */
  index?: IndexEntry;
}

/**
 * The stat table: for each file, the mtime and size it had when its content
 * hashed to `hash`. `statAt` is a time no later than any of the stats, for
 * the racy-clean check.
 */
export interface StatTable {
  statAt: number;
  files: Map<string, { mtimeMs: number; size: number; hash: string }>;
  /** How the articles were found, when the next run may trust the list instead of walking again. */
  listing?: Listing;
}

/**
 * The folders a run listed to find its articles, each with its mtime as
 * stat-ed before it was listed, and a digest of the ignore files. While
 * every folder keeps its mtime (an entry added, removed or renamed changes
 * it) and the ignore files their text, the articles are the ones listed.
 */
export interface Listing {
  /** Absolute paths in a table, relative to the root in `run.json`. */
  folders: Array<[string, number]>;
  /** `textDigest` of the ignore files' text. */
  ignore: string;
  /** A time no earlier than the stats: an mtime this close to it may not yet show a change. */
  at: number;
  /** How many articles were found. */
  count: number;
}

/** The whole previous run, for when nothing at all has changed. */
export interface RunEntry {
  key: string;
  /** Final findings, after directives. */
  diagnostics: Diagnostic[];
  /** Non-article files the links checked, and whether they existed. */
  assets: Array<[string, boolean]>;
  /** Every file was a target (a run over the whole knowledge base). */
  everyFile?: boolean;
}

/** Counts of what the cache saved; tests read them to see what was redone. */
export interface CacheStats {
  /** The previous run's findings were reused whole. */
  runReused: boolean;
  /** Files read only to hash them, because the stat table could not vouch for them (parsing reads a file again). */
  read: number;
  /** Files parsed (facts, and file rules when linted). */
  parsed: string[];
  /** Files whose `index` rules ran. */
  indexLinted: string[];
  /** The run started from the graph (`editBase`) rather than from every entry. */
  edit?: boolean;
  /** The articles were the last run's (`listedArticles`): no folder was listed. */
  listed?: boolean;
}

/**
 * `run.json`: small, so that an unchanged knowledge base is answered without
 * loading any facts. Paths are relative to `root` (the project root) and the
 * stat table is four parallel lists, which parse several times faster than
 * an object per file.
 */
interface RunFile {
  format: number;
  key: string;
  /** Names the files.json written by the same run. */
  token: string;
  root: string;
  statAt: number;
  files: string[];
  mtimes: number[];
  sizes: number[];
  hashes: string[];
  run?: RunEntry;
  /** `namesDigest` of the run's index. */
  names?: string;
  /** Non-article files links pointed at, and whether they existed. */
  assets?: Array<[string, boolean]>;
  /**
   * The files whose index findings this run recorded or confirmed: `true`
   * for all of `files`, else their positions in `files`.
   */
  confirmed?: true | number[];
  /** How the articles were found (see `Listing`); `files` are those articles. */
  listing?: Listing;
}

/** The run that last wrote the cache, as the next run compares against it. */
export interface PreviousRun {
  id: string;
  hashes: Map<string, string>;
  names: string;
  assets: Array<[string, boolean]>;
  /** Did that run record or confirm this file's index findings? */
  confirmed(file: string): boolean;
}

/** What the runner tells `save` about the index findings of the run. */
export interface SavedIndex {
  /** `namesDigest` of the run's index. */
  names: string;
  assets: Array<[string, boolean]>;
  /** Files whose index findings the run recorded or confirmed. */
  confirmed: ReadonlySet<string>;
  /** Every file was a target: write the graph an edit run starts from. */
  graph?: boolean;
  /** `entries` are only what changed: append them (an edit run). */
  append?: boolean;
  /** The index's tables, with articles as positions in the graph (`KnowledgeIndex.snapshot`). */
  snapshot?: (positionOf: (facts: ArticleFacts) => number) => IndexSnapshot;
}

/**
 * `index.json`, the graph: for each file of a run that linted every file,
 * the head of its facts (what the content index is built from), where its
 * line is in `files.json`, and what its index findings depended on. An edit
 * run builds the index from it and reads the lines of just the files it
 * re-lints. Paths are relative to `root`; `refs` are positions in `files`.
 */
interface GraphFile {
  format: number;
  key: string;
  token: string;
  root: string;
  /** The key of the run in `run.json` whose findings go with this graph. */
  runKey: string;
  files: string[];
  hashes: string[];
  offsets: number[];
  lengths: number[];
  /** Articles the file's index answers named; null when none were recorded. */
  refs: Array<number[] | null>;
  /** One character per file: `ZERO` plus the `VOLATILE` and `CONFIRMED` bits. */
  flags: string;
  /**
   * Each file's facts head as `files.json` has it, parsed only for the files a run
   * looks at. Not part of the first line: each is a line of its own after
   * it, so that loading the graph does not parse them.
   */
  heads: HeadList;
  /** The content index's tables, so that an edit run need not build them. */
  names?: IndexSnapshot;
}

/** One edit run's change to the graph: `[position, hash, offset, length, refs, head (null when unchanged)]` per file. */
interface GraphChange {
  token: string;
  runKey: string;
  flags: string;
  set: Array<[number, string, number, number, number[] | null, string | null]>;
}

function applyChange(graph: GraphFile, set: GraphChange['set']): void {
  for (const [i, hash, offset, length, refs, head] of set) {
    graph.hashes[i] = hash;
    graph.offsets[i] = offset;
    graph.lengths[i] = length;
    graph.refs[i] = refs;
    if (head) graph.heads.set(i, head);
  }
}

function isGraphChange(value: unknown, files: number): value is GraphChange {
  if (!isObject(value) || typeof value.token !== 'string' || typeof value.runKey !== 'string') return false;
  if (typeof value.flags !== 'string' || value.flags.length !== files || !Array.isArray(value.set)) return false;
  return value.set.every(
    (item: unknown) =>
      Array.isArray(item) &&
      item.length === 6 &&
      Number.isInteger(item[0]) &&
      item[0] >= 0 &&
      item[0] < files &&
      typeof item[1] === 'string' &&
      typeof item[2] === 'number' &&
      typeof item[3] === 'number' &&
      (item[4] === null || Array.isArray(item[4])) &&
      (item[5] === null || typeof item[5] === 'string'),
  );
}

const NEWLINE_BYTES = Buffer.from('\n');

/**
 * The heads of the graph: lines of the file as read (by their bounds, with
 * no object per line), then any replaced or added as text.
 */
class HeadList {
  private readonly added: Array<string | Buffer> = [];
  private readonly replaced = new Map<number, string>();

  constructor(
    private readonly data: Buffer = Buffer.alloc(0),
    private readonly bounds: Uint32Array = new Uint32Array(0),
  ) {}

  get length(): number {
    return this.bounds.length / 2 + this.added.length;
  }

  push(text: string | Buffer): void {
    this.added.push(text);
  }

  set(i: number, text: string): void {
    if (i < this.bounds.length / 2) this.replaced.set(i, text);
    else this.added[i - this.bounds.length / 2] = text;
  }

  text(i: number): string {
    const own = this.own(i);
    if (own === undefined) return this.data.toString('utf8', this.bounds[2 * i], this.bounds[2 * i + 1]);
    return typeof own === 'string' ? own : own.toString('utf8');
  }

  bytes(i: number): Buffer {
    const own = this.own(i);
    if (own === undefined) return this.data.subarray(this.bounds[2 * i], this.bounds[2 * i + 1]);
    return typeof own === 'string' ? Buffer.from(own) : own;
  }

  private own(i: number): string | Buffer | undefined {
    return this.replaced.get(i) ?? (i >= this.bounds.length / 2 ? this.added[i - this.bounds.length / 2] : undefined);
  }
}

/** Writes the graph whole: its first line, then a line per head. */
function writeGraph(file: string, graph: GraphFile): void {
  const temporary = `${file}.${process.pid}.${randomToken(4)}.tmp`;
  try {
    const parts: Buffer[] = [Buffer.from(`${JSON.stringify({ ...graph, heads: undefined })}\n`)];
    for (let i = 0; i < graph.heads.length; i++) parts.push(graph.heads.bytes(i), NEWLINE_BYTES);
    writeFileSync(temporary, Buffer.concat(parts));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Appends one line to a file that ends with a newline; false when it does not (or cannot be read). */
function appendLine(file: string, line: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'a+');
    if (!endsWithNewline(fd, fstatSync(fd).size)) return false;
    writeSync(fd, line);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Does the file open as `fd`, `size` bytes long, end with a newline? */
function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  return size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === NEWLINE;
}

const ZERO = 48;
const VOLATILE = 1;
const CONFIRMED = 2;

/** The last run as an edit run starts from it (see `LintCache.editBase`). */
export interface EditBase {
  /** Every file the last run linted, in its order. */
  files: string[];
  position: Map<string, number>;
  hash(i: number): string;
  /** Articles the file's index answers named, or undefined when none were recorded. */
  refs(i: number): number[] | undefined;
  volatile(i: number): boolean;
  /** The last run recorded or confirmed the file's index findings. */
  confirmed(i: number): boolean;
  /** The file's facts; their bulk is read from `files.json` on first use. */
  facts(i: number): ArticleFacts;
  /** The file's whole entry, read from `files.json`. */
  entry(i: number): FileEntry | undefined;
  /** The last run's index tables, valid while the names of every article are unchanged. */
  names: IndexSnapshot | undefined;
  /** A line some facts needed could not be read: the run must not be trusted. */
  damaged(): boolean;
}

interface FilesHeader {
  format: number;
  key: string;
  token: string;
}

/**
 * `files.json` as loaded: each file's line as bytes, split and parsed only
 * when asked for. Most of a line (the facts body, the index answers) is
 * never decoded in a run that reuses most findings.
 */
interface FilesFile extends FilesHeader {
  lines: Map<string, Buffer>;
}

/** A part of an entry as stored: text, or UTF-8 bytes. */
type Stored = string | Uint8Array;

/**
 * An entry as loaded, with its line and where the line's fields end, so that
 * what the run kept as it was is written back as the same bytes. Kept per
 * path in plain maps: thousands of WeakMap entries cost the collector more.
 */
interface Loaded {
  entry: FileEntry;
  line: Buffer;
  /** Ends of the facts, the file findings and the index findings header. */
  factsEnd: number;
  diagnosticsEnd: number;
  start: number;
}

const TAB = 9;
const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const BRACE = 123;

/** A Buffer over the same bytes (a Uint8Array from another thread has no Buffer methods). */
function bytes(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The persistent cache: a folder with two files. `run.json` is small (file
 * stats and the last run's findings) so an unchanged knowledge base is
 * answered without loading any facts; `files.json` holds each file's facts
 * and findings, one line per file, keyed by the sha1 of its content. Both are
 * written to a temporary name and renamed, so a reader sees a whole file from
 * one run or the previous one; anything that does not validate is treated as
 * empty.
 */
export class LintCache {
  stats: CacheStats = { runReused: false, read: 0, parsed: [], indexLinted: [] };
  private key = '';
  private root = '';
  private runFile: RunFile | undefined;
  private filesFile: FilesFile | undefined;
  private filesLoaded = false;
  private statIndex: Map<string, number> | undefined;
  private loaded = new Map<string, Loaded>();
  /** Texts made before the save: facts from parser threads, recorded index answers. */
  private made = new Map<string, { facts?: [ArticleFacts, Uint8Array]; index?: [IndexEntry, Buffer] }>();

  private graphFile: GraphFile | undefined;
  /** Bytes of the graph's first line, and of the whole file. */
  private graphSize = { base: 0, total: 0 };
  private base: EditBase | false | undefined;
  private linesFd: number | undefined;
  private damaged = false;

  /** Names this run; `files.json` and `run.json` written together carry it. */
  runId = '';

  constructor(readonly location: string) {}

  /** Loads `run.json` for this config and rule set; a cache for anything else is ignored. */
  open(config: ResolvedConfig, rules: readonly KblintRule<object>[]): void {
    this.stats = { runReused: false, read: 0, parsed: [], indexLinted: [] };
    this.key = cacheKey(config, rules);
    this.root = config.projectRoot;
    this.runId = runToken();
    this.filesFile = undefined;
    this.filesLoaded = false;
    this.statIndex = undefined;
    this.loaded = new Map();
    this.made = new Map();
    this.close();
    this.graphFile = undefined;
    this.graphSize = { base: 0, total: 0 };
    this.base = undefined;
    this.damaged = false;
    const run = fromStoredRun(readJson(path.join(this.location, 'run.json')));
    this.runFile = isRunFile(run) && run.key === this.key && run.root === this.root ? run : undefined;
  }

  /**
   * Could anything cached be reused? When neither file is for this config
   * and rule set (a first run, or the config or a rule changed), a run need
   * not hash files before parsing them.
   */
  usable(): boolean {
    if (this.runFile) return true;
    if (this.filesLoaded) return this.filesFile !== undefined;
    const header = readHeader(path.join(this.location, 'files.json'));
    return header !== undefined && header.format === FORMAT && header.key === this.key;
  }

  /** Where a file is in `run.json`'s stat table. */
  private statPosition(file: string, hint = -1): number | undefined {
    const run = this.runFile;
    if (!run) return undefined;
    // Files come in the order the last run stored them, nearly always.
    if (hint >= 0 && run.files[hint] === this.relative(file)) return hint;
    if (!this.statIndex) {
      this.statIndex = new Map();
      for (let i = 0; i < run.files.length; i++) this.statIndex.set(run.files[i] as string, i);
    }
    return this.statIndex.get(this.relative(file));
  }

  /**
   * The articles of the last run over every article, when no folder it
   * listed has changed since and the ignore files read `ignore` (a
   * `textDigest`): a few stats instead of listing thousands of files.
   * Undefined when that cannot be vouched for.
   */
  listedArticles(ignore: string): string[] | undefined {
    const run = this.runFile;
    const listing = run?.listing;
    if (!run?.run?.everyFile || !listing || listing.ignore !== ignore || listing.count !== run.files.length) return undefined;
    for (const [folder, mtimeMs] of listing.folders) {
      if (!(mtimeMs + RACY_MS < listing.at)) return undefined;
      const stats = statSync(this.absolute(folder), { throwIfNoEntry: false });
      if (!stats || !stats.isDirectory() || stats.mtimeMs !== mtimeMs) return undefined;
    }
    // As discovery gives them; a table in another order is not trusted.
    // Paths below the root compare as their absolute paths do, and the
    // stored ones are flat strings: comparing the joined ones flattens each.
    const stored = run.files;
    const relative = stored.every((file) => !isAbsolutePath(file));
    const files = stored.map((file) => this.absolute(file));
    const ordered = relative ? stored : files;
    for (let i = 1; i < ordered.length; i++) if ((ordered[i - 1] as string) >= (ordered[i] as string)) return undefined;
    return files;
  }

  /**
   * Stores `listing` with the last run, which this run reuses whole: a
   * folder changed (an editor's swap file came and went) but no article did.
   */
  keepListing(listing: Listing): void {
    const run = this.runFile;
    if (!run || listing.count !== run.files.length) return;
    try {
      const kept: RunFile = { ...run, listing: this.storedListing(listing) };
      writeAtomic(path.join(this.location, 'run.json'), toStoredRun(kept));
      this.runFile = kept;
    } catch {
      // The cache only ever saves time.
    }
  }

  /** The listing the last run saved, to carry over when this run trusted it. */
  lastListing(): Listing | undefined {
    const listing = this.runFile?.listing;
    return listing && { ...listing, folders: listing.folders.map(([folder, mtimeMs]) => [this.absolute(folder), mtimeMs]) };
  }

  /** A listing as `run.json` keeps it: its folders relative to the root. */
  private storedListing(listing: Listing): Listing {
    return { ...listing, folders: listing.folders.map(([folder, mtimeMs]) => [this.relative(folder), mtimeMs]) };
  }

  /**
   * Is every one of `files` the file the last run saw, by its stat alone,
   * with the same list in the same order, and did that run lint them all?
   * Then its findings are this run's, without hashing a file or building
   * anything: the commonest run of all, answered in one pass of `stat`s.
   */
  unchangedRun(files: readonly string[]): boolean {
    const run = this.runFile;
    if (!run?.run?.everyFile || run.files.length !== files.length) return false;
    const root = this.root;
    for (let k = 0; k < files.length; k++) {
      const file = files[k] as string;
      const stored = run.files[k] as string;
      // `relative` without its checks: a stored path is relative to the root unless absolute.
      const same = stored === file || (file.length === root.length + 1 + stored.length && file.endsWith(stored) && file.startsWith(root) && file[root.length] === path.sep);
      // The table lists files in the order the last run recorded them: an
      // edit run records the files it read last. Then each file is looked
      // up; as many files, none twice, means the same list.
      const i = same ? k : this.statPosition(file);
      if (i === undefined) return false;
      const stats = statSync(file, { throwIfNoEntry: false });
      const mtimeMs = run.mtimes[i] as number;
      if (!stats || !stats.isFile() || stats.mtimeMs !== mtimeMs || stats.size !== run.sizes[i] || !(mtimeMs + RACY_MS < run.statAt)) return false;
    }
    return true;
  }

  /** The content hash of a file from its stat alone, when that is safe. */
  hashFromStat(file: string, mtimeMs: number, size: number, hint?: number): string | undefined {
    const run = this.runFile;
    if (!run) return undefined;
    const i = this.statPosition(file, hint);
    if (i === undefined || run.mtimes[i] !== mtimeMs || run.sizes[i] !== size || !(mtimeMs + RACY_MS < run.statAt)) return undefined;
    const hash = run.hashes[i];
    return typeof hash === 'string' ? hash : undefined;
  }

  run(): RunEntry | undefined {
    return this.runFile?.run;
  }

  /** The names digest and assets of the last run, read from `run.json` alone. */
  runState(): { names: string; assets: Array<[string, boolean]> } | undefined {
    const run = this.runFile;
    return run && typeof run.names === 'string' && Array.isArray(run.assets) ? { names: run.names, assets: run.assets } : undefined;
  }

  /** The last run, when both files are the ones it wrote. */
  previous(): PreviousRun | undefined {
    const run = this.runFile;
    if (!run || typeof run.names !== 'string' || !Array.isArray(run.assets)) return undefined;
    const files = this.files();
    if (!files || files.token !== run.token) return undefined;
    const hashes = new Map<string, string>();
    const absolute: string[] = [];
    for (let i = 0; i < run.files.length; i++) {
      const file = this.absolute(run.files[i] as string);
      absolute.push(file);
      const hash = run.hashes[i];
      if (typeof hash === 'string') hashes.set(file, hash);
    }
    let confirmed: (file: string) => boolean = () => false;
    if (run.confirmed === true) confirmed = (file) => hashes.has(file);
    else if (Array.isArray(run.confirmed)) {
      const set = new Set(run.confirmed.map((i) => absolute[i]));
      confirmed = (file) => set.has(file);
    }
    return { id: run.token, hashes, names: run.names, assets: run.assets, confirmed };
  }

  /** Facts and findings for a file, when its content is the one cached. */
  entry(file: string, hash: string): FileEntry | undefined {
    const line = this.files()?.lines.get(this.relative(file));
    if (line === undefined) return undefined;
    return this.entryFromLine(file, hash, line);
  }

  /** An entry from its line in `files.json` (without the path), when it is for content with `hash`. */
  private entryFromLine(file: string, hash: string, line: Buffer): FileEntry | undefined {
    // `<hash>\t<facts: a head and the groups>\t<file findings>\t<index findings>\t<index answers>`:
    // the hash is compared before anything is decoded.
    const tabs: number[] = [];
    for (let at = line.indexOf(TAB); at !== -1 && tabs.length <= LINE_TABS; at = line.indexOf(TAB, at + 1)) tabs.push(at);
    if (tabs.length !== LINE_TABS) return undefined;
    // The facts are a head and one field per group (see `encodeFacts`).
    const t1 = tabs[0] as number;
    const [t3, t4, t5] = tabs.slice(GROUPS.length + 1) as [number, number, number];
    if (line.toString('latin1', 0, t1) !== hash) return undefined;
    try {
      const facts = decodeFacts(line.subarray(t1 + 1, t3), file);
      if (!facts) return undefined;
      const entry: FileEntry = { hash, facts };
      if (t4 > t3 + 1) {
        const text = line.toString('utf8', t3 + 1, t4);
        const diagnostics = decode(JSON.parse(text), file) as Diagnostic[];
        if (!Array.isArray(diagnostics)) return undefined;
        entry.diagnostics = diagnostics;
      }
      if (t5 > t4 + 1) {
        const stored = JSON.parse(line.toString('utf8', t4 + 1, t5)) as unknown;
        if (!isObject(stored) || !Array.isArray(stored.refs) || !Array.isArray(stored.diagnostics) || typeof stored.volatile !== 'boolean') return undefined;
        const refs = (stored.refs as string[]).map((ref) => this.absolute(ref));
        entry.index = this.lazyIndex(file, refs, stored.volatile, decode(stored.diagnostics, file) as Diagnostic[], line.subarray(t4 + 1), t5 - t4 - 1);
      }
      this.loaded.set(file, { entry, line, factsEnd: t3, diagnosticsEnd: t4, start: t1 + 1 });
      return entry;
    } catch {
      return undefined;
    }
  }

  /**
   * An index entry as it is kept until the cache is saved: its answers as
   * text, parsed again only if replayed. Recorded answers are a sizeable
   * object graph per file; held as text they take a fraction of the memory.
   */
  compactIndex(file: string, index: IndexEntry): IndexEntry {
    const header = `{"refs":${JSON.stringify(index.refs.map((ref) => this.relative(ref)))},"volatile":${index.volatile},"diagnostics":${encodeSmall(index.diagnostics, file)}}`;
    const text = Buffer.from(`${header}\t${encodeSmall(index.deps, file)}`);
    const compact = this.lazyIndex(file, index.refs, index.volatile, index.diagnostics, text, text.indexOf(TAB));
    this.made.set(file, { ...this.made.get(file), index: [compact, text] });
    return compact;
  }

  /** An index entry whose answers are parsed from `stored` (`<header>\t<answers>`, the tab at `tab`) only when replayed. */
  private lazyIndex(file: string, refs: string[], volatile: boolean, diagnostics: Diagnostic[], stored: Buffer, tab: number): IndexEntry {
    return new LazyIndex(file, refs, volatile, diagnostics, stored, tab);
  }

  /** Facts decoded from `text` (`encodeFacts`) are saved as that text. */
  adopt(facts: ArticleFacts, text: Uint8Array): void {
    this.made.set(facts.path, { ...this.made.get(facts.path), facts: [facts, text] });
  }

  /** Is `files.json` the one written with `run.json`? */
  filesMatchRun(): boolean {
    if (!this.runFile) return false;
    if (this.filesLoaded) return this.filesFile?.token === this.runFile.token;
    const file = path.join(this.location, 'files.json');
    const header = readHeader(file);
    if (!header || header.format !== FORMAT || header.key !== this.key) return false;
    return (lastMark(file) ?? header.token) === this.runFile.token;
  }

  /** The facts of every file, if `files.json` is the one written with `run.json`. */
  allFacts(files: readonly string[], hashOf: (file: string) => string | undefined = (file) => this.statHash(file)): Map<string, ArticleFacts> | undefined {
    const stored = this.files();
    const run = this.runFile;
    if (!stored || !run || stored.token !== run.token) return undefined;
    const facts = new Map<string, ArticleFacts>();
    for (const file of files) {
      // The content that run saw: a line appended after it (by a run cut short) is for other content.
      const hash = hashOf(file);
      const entry = hash === undefined ? undefined : this.entry(file, hash);
      if (!entry) return undefined;
      facts.set(file, entry.facts);
    }
    return facts;
  }

  /** A file's hash in `run.json`'s stat table. */
  private statHash(file: string): string | undefined {
    const at = this.statPosition(file);
    const hash = at === undefined ? undefined : this.runFile?.hashes[at];
    return typeof hash === 'string' ? hash : undefined;
  }

  /**
   * Writes both files. `entries` replaces `files.json` unless it is
   * undefined (nothing but the run changed). Failures are ignored: the cache
   * only ever saves time.
   */
  save(
    stats: StatTable,
    run: RunEntry | undefined,
    entries: Map<string, FileEntry> | undefined,
    index?: SavedIndex,
  ): void {
    try {
      mkdirSync(this.location, { recursive: true });
      let token = this.runFile?.token ?? '';
      const graphFile = path.join(this.location, 'index.json');
      if (entries && index?.append) {
        // An edit run: its entries are appended, and the graph is updated in place.
        const places = this.appendFiles(entries);
        token = this.runId;
        const graph = this.graphFile;
        if (places && graph && run && index.graph) {
          const change = this.updateGraph(graph, entries, places, index.confirmed, run.key);
          // The change is appended, as a line, until the changes are as large
          // as the graph itself; then the graph is written whole again.
          const line = `${JSON.stringify(change)}\n`;
          if (this.graphSize.total + line.length > 2 * this.graphSize.base || !appendLine(graphFile, line)) writeGraph(graphFile, graph);
        } else {
          rmSync(graphFile, { force: true });
        }
      } else if (entries) {
        token = this.runId;
        const places = this.writeFiles(path.join(this.location, 'files.json'), { format: FORMAT, key: this.key, token }, entries);
        const graph = run && index?.graph ? this.newGraph(entries, places, index, run.key) : undefined;
        if (graph) writeGraph(graphFile, graph);
        else rmSync(graphFile, { force: true });
      }
      const files: string[] = [];
      const mtimes: number[] = [];
      const sizes: number[] = [];
      const hashes: string[] = [];
      const confirmed: number[] = [];
      for (const [file, stat] of stats.files) {
        if (index?.confirmed.has(file)) confirmed.push(files.length);
        files.push(this.relative(file));
        mtimes.push(stat.mtimeMs);
        sizes.push(stat.size);
        hashes.push(stat.hash);
      }
      const names = index?.names ?? this.runFile?.names;
      const assets = index?.assets ?? this.runFile?.assets;
      // Only a run that wrote files.json confirms anything; a reused run keeps what the last one confirmed.
      const keptConfirmed = index ? (confirmed.length === files.length ? true : confirmed) : this.carriedConfirmed(files);
      const runFile: RunFile = {
        format: FORMAT,
        key: this.key,
        token,
        root: this.root,
        statAt: stats.statAt,
        files,
        mtimes,
        sizes,
        hashes,
        ...(run ? { run } : {}),
        ...(names ? { names } : {}),
        ...(assets ? { assets } : {}),
        ...(keptConfirmed !== undefined ? { confirmed: keptConfirmed } : {}),
        ...(stats.listing && stats.listing.count === files.length ? { listing: this.storedListing(stats.listing) } : {}),
      };
      writeAtomic(path.join(this.location, 'run.json'), toStoredRun(runFile));
      this.runFile = runFile;
      this.statIndex = undefined;
    } catch {
      // A read-only checkout or a full disk: the next run simply starts cold.
    }
  }

  /** What the last run confirmed, renumbered for a new list of files. */
  private carriedConfirmed(files: string[]): true | number[] | undefined {
    const run = this.runFile;
    if (!run || run.confirmed === undefined) return undefined;
    const was = run.confirmed === true ? new Set(run.files) : new Set(run.confirmed.map((i) => run.files[i]));
    const now: number[] = [];
    files.forEach((file, i) => {
      if (was.has(file)) now.push(i);
    });
    return now.length === files.length ? true : now;
  }

  /**
   * The head of an entry's facts as `files.json` has it (the first of its
   * fields: compact JSON, the grouped keys as 0): taken from the text
   * the run already has, not serialised again.
   */
  private headText(file: string, entry: FileEntry): string | Buffer {
    const loaded = this.loaded.get(file);
    const made = this.made.get(file);
    let text: Stored;
    if (loaded && loaded.entry.facts === entry.facts) text = loaded.line.subarray(loaded.start, loaded.factsEnd);
    else if (made?.facts?.[0] === entry.facts) text = made.facts[1];
    else text = encodeFacts(entry.facts, file);
    if (typeof text === 'string') return text.slice(0, text.indexOf('\t'));
    const data = bytes(text);
    return data.subarray(0, data.indexOf(TAB));
  }

  /** The graph of a run that wrote all of `files.json`. */
  private newGraph(entries: Map<string, FileEntry>, places: Map<string, [number, number]>, index: SavedIndex, runKey: string): GraphFile | undefined {
    const confirmed = index.confirmed;
    const position = new Map<string, number>();
    for (const file of entries.keys()) position.set(file, position.size);
    const graph: GraphFile = {
      format: FORMAT,
      key: this.key,
      token: this.runId,
      root: this.root,
      runKey,
      files: [],
      hashes: [],
      offsets: [],
      lengths: [],
      refs: [],
      flags: '',
      heads: new HeadList(),
    };
    let flags = '';
    for (const [file, entry] of entries) {
      const [offset, length] = places.get(file) as [number, number];
      graph.files.push(this.relative(file));
      graph.hashes.push(entry.hash);
      graph.offsets.push(offset);
      graph.lengths.push(length);
      graph.heads.push(this.headText(file, entry));
      const { refs, flag } = graphIndex(entry, position, confirmed.has(file));
      graph.refs.push(refs);
      flags += flag;
    }
    graph.flags = flags;
    if (index.snapshot) {
      let complete = true;
      const names = index.snapshot((facts) => {
        const i = position.get(facts.path);
        if (i === undefined) complete = false;
        return i ?? -1;
      });
      // An indexed article without an entry (it could not be read): no graph.
      if (!complete) return undefined;
      graph.names = names;
    }
    return graph;
  }

  /** Updates the graph after an edit run appended `entries` at `places`; returns the change, to append to the file. */
  private updateGraph(graph: GraphFile, entries: Map<string, FileEntry>, places: Map<string, [number, number]>, confirmed: ReadonlySet<string>, runKey: string): GraphChange {
    const base = this.editBase();
    if (!base) throw new Error('no graph to update');
    const flags = graph.flags.split('');
    const set: GraphChange['set'] = [];
    for (const [file, entry] of entries) {
      const i = base.position.get(file);
      if (i === undefined) throw new Error(`${file} is not in the graph`);
      const [offset, length] = places.get(file) as [number, number];
      const head = graph.hashes[i] !== entry.hash ? this.headText(file, entry).toString() : null;
      const { refs, flag } = graphIndex(entry, base.position, confirmed.has(file));
      set.push([i, entry.hash, offset, length, refs, head]);
      flags[i] = flag;
    }
    applyChange(graph, set);
    // What this run recorded or confirmed, and nothing else, is confirmed.
    graph.files.forEach((rel, i) => {
      const bits = ((flags[i] as string).charCodeAt(0) - ZERO) & ~CONFIRMED;
      flags[i] = String.fromCharCode(ZERO + (bits | (graph.refs[i] !== null && confirmed.has(this.absolute(rel)) ? CONFIRMED : 0)));
    });
    const change: GraphChange = { token: this.runId, runKey, flags: flags.join(''), set };
    graph.flags = change.flags;
    graph.token = change.token;
    graph.runKey = change.runKey;
    return change;
  }

  /**
   * Appends lines for `entries` to `files.json`, then a mark naming this
   * run. Returns where the lines are, or undefined when another process
   * appended at the same time (the lines are still there, but the graph
   * must not point into them).
   */
  private appendFiles(entries: Map<string, FileEntry>): Map<string, [number, number]> | undefined {
    const file = path.join(this.location, 'files.json');
    const header = readHeader(file);
    if (!header || header.format !== FORMAT || header.key !== this.key) throw new Error('files.json is not this cache');
    const fd = openSync(file, 'a+');
    try {
      const before = fstatSync(fd).size;
      // A run cut short may have left half a line; it stays a damaged line of its own.
      const first = before > 0 && !endsWithNewline(fd, before) ? '\n' : '';
      const mark = `${JSON.stringify({ token: this.runId })}\n`;
      const places = this.writeLines(fd, first, entries, before, mark);
      let expected = before + first.length + Buffer.byteLength(mark);
      for (const [, length] of places.values()) expected += length + 1;
      return fstatSync(fd).size === expected ? places : undefined;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * What an edit run needs from the last run without loading `files.json`:
   * the graph (`index.json`) it wrote, when that run also wrote `run.json`
   * and its findings.
   */
  editBase(): EditBase | undefined {
    if (this.base !== undefined) return this.base || undefined;
    this.base = false;
    const run = this.runFile;
    if (!run?.run) return undefined;
    const graph = this.readGraph();
    if (!graph || !isGraphFile(graph) || graph.key !== this.key || graph.root !== this.root || graph.token !== run.token || graph.runKey !== run.run.key) return undefined;
    this.graphFile = graph;
    const files = graph.files.map((rel) => this.absolute(rel));
    const position = new Map<string, number>();
    files.forEach((file, i) => position.set(file, i));
    const flag = (i: number) => graph.flags.charCodeAt(i) - ZERO;
    this.base = {
      files,
      position,
      hash: (i) => graph.hashes[i] as string,
      refs: (i) => graph.refs[i] ?? undefined,
      volatile: (i) => (flag(i) & VOLATILE) !== 0,
      confirmed: (i) => (flag(i) & CONFIRMED) !== 0,
      facts: (i) => this.headFacts(i),
      entry: (i) => {
        const line = this.lineAt(i);
        return line ? this.entryFromLine(files[i] as string, graph.hashes[i] as string, line) : undefined;
      },
      names: graph.names,
      damaged: () => this.damaged,
    };
    return this.base;
  }

  /**
   * `index.json`: the graph as a run that wrote `files.json` whole left it
   * (the first line), then the change of each edit run since, a line each.
   */
  private readGraph(): GraphFile | undefined {
    let data: Buffer;
    try {
      data = readFileSync(path.join(this.location, 'index.json'));
    } catch {
      return undefined;
    }
    try {
      let end = data.indexOf(NEWLINE);
      if (end === -1) return undefined;
      const graph = JSON.parse(data.toString('utf8', 0, end)) as GraphFile;
      if (!isObject(graph) || !Array.isArray(graph.files)) return undefined;
      const bounds = new Uint32Array(graph.files.length * 2);
      for (let i = 0; i < graph.files.length; i++) {
        const at = end + 1;
        end = data.indexOf(NEWLINE, at);
        if (end === -1) return undefined;
        bounds[2 * i] = at;
        bounds[2 * i + 1] = end;
      }
      graph.heads = new HeadList(data, bounds);
      if (!isGraphFile(graph)) return undefined;
      this.graphSize = { base: end + 1, total: data.length };
      for (let at = end + 1; at < data.length; at = end + 1) {
        end = data.indexOf(NEWLINE, at);
        // A change cut short: the graph is not the one run.json names.
        if (end === -1) return undefined;
        const change = JSON.parse(data.toString('utf8', at, end)) as GraphChange;
        if (!isGraphChange(change, graph.files.length)) return undefined;
        applyChange(graph, change.set);
        graph.token = change.token;
        graph.runKey = change.runKey;
        graph.flags = change.flags;
      }
      return graph;
    } catch {
      return undefined;
    }
  }

  /** Facts from a file's head in the graph; the rest is read from its line in `files.json` when first used. */
  private headFacts(i: number): ArticleFacts {
    const graph = this.graphFile as GraphFile;
    const file = this.absolute(graph.files[i] as string);
    let head: Record<string, unknown>;
    try {
      head = decode(JSON.parse(graph.heads.text(i)), file) as Record<string, unknown>;
      if (!isObject(head) || head.path !== file) throw new Error('not the head of this file');
    } catch {
      this.damaged = true;
      throw new Error(`the cached facts of ${file} are damaged (delete the cache folder)`);
    }
    const complete = GROUPS.every((group) => group.every((key) => key in head));
    // The grouped keys are 0 until their getters (installed below, in place) replace them.
    const facts = head as LazyFacts;
    const keys = complete ? ALL_KEYS : GROUPS.map((group) => group.filter((key) => key in head));
    const load = () => {
      const line = this.lineAt(i);
      // The hash, the head, then the groups.
      const tabs: number[] = [];
      for (let at = line ? line.indexOf(TAB) : -1; line && at !== -1 && tabs.length < GROUPS.length + 2; at = line.indexOf(TAB, at + 1)) tabs.push(at);
      if (!line || tabs.length < GROUPS.length + 2) {
        this.damaged = true;
        throw new Error(`the cached facts of ${file} are damaged (delete the cache folder)`);
      }
      const bounds: number[] = [];
      for (let group = 0; group < GROUPS.length; group++) bounds.push((tabs[group + 1] as number) + 1, tabs[group + 2] as number);
      return { data: line, bounds };
    };
    Object.defineProperty(facts, LAZY, { value: { file, data: undefined, bounds: [], keys, load } satisfies LazyGroups, enumerable: false });
    for (let group = 0; group < GROUPS.length; group++) installGroup(facts, group);
    return facts as unknown as ArticleFacts;
  }

  /**
   * A file's line in `files.json`, from where the graph says it is, after
   * the path (as `files()` gives it); undefined when the bytes there are not
   * that file's entry for the hash the graph has.
   */
  private lineAt(i: number): Buffer | undefined {
    const graph = this.graphFile as GraphFile;
    const offset = graph.offsets[i] as number;
    const length = graph.lengths[i] as number;
    const prefix = `${JSON.stringify(graph.files[i])}\t`;
    try {
      this.linesFd ??= openSync(path.join(this.location, 'files.json'), 'r');
      const line = Buffer.allocUnsafe(length);
      if (readSync(this.linesFd, line, 0, length, offset) !== length) return undefined;
      const expected = `${prefix}${graph.hashes[i]}\t`;
      if (line.toString('utf8', 0, Buffer.byteLength(expected)) !== expected) return undefined;
      return line.subarray(Buffer.byteLength(prefix));
    } catch {
      return undefined;
    }
  }

  /** Closes what `editBase` opened. */
  close(): void {
    if (this.linesFd !== undefined) closeSync(this.linesFd);
    this.linesFd = undefined;
  }

  /**
   * `files.json` is one header line, then one line per file:
   * `"<path>"\t<hash>\t<facts: a head and one field per group>\t<file findings>\t<index findings>\t<index deps>`.
   * JSON text never holds a raw tab or newline, so the split is safe; a line
   * that does not parse is a missing entry.
   */
  private files(): FilesFile | undefined {
    if (!this.filesLoaded) {
      this.filesLoaded = true;
      this.filesFile = undefined;
      let data: Buffer;
      try {
        data = readFileSync(path.join(this.location, 'files.json'));
      } catch {
        return undefined;
      }
      const firstBreak = data.indexOf(NEWLINE);
      let header: unknown;
      try {
        header = JSON.parse(data.toString('utf8', 0, firstBreak === -1 ? data.length : firstBreak));
      } catch {
        return undefined;
      }
      if (!isObject(header) || header.format !== FORMAT || header.key !== this.key || typeof header.token !== 'string') return undefined;
      const lines = new Map<string, Buffer>();
      let token = header.token;
      let at = firstBreak + 1;
      while (firstBreak !== -1 && at < data.length) {
        const end = data.indexOf(NEWLINE, at);
        // A last line without its newline was cut short.
        if (end === -1) break;
        if (data[at] === BRACE) {
          // An edit run appended lines and then this mark: the file is now that run's.
          const mark = parseMark(data.toString('utf8', at, end));
          if (mark) token = mark;
          at = end + 1;
          continue;
        }
        const tab = data.indexOf(TAB, at);
        if (tab !== -1 && tab < end) {
          try {
            // A quoted path without escapes (nearly all) needs no JSON parser.
            let plain = data[at] === QUOTE && data[tab - 1] === QUOTE && tab - at >= 2;
            for (let i = at + 1; plain && i < tab - 1; i++) if (data[i] === BACKSLASH) plain = false;
            const file = plain ? data.toString('utf8', at + 1, tab - 1) : (JSON.parse(data.toString('utf8', at, tab)) as unknown);
            // An appended line replaces the one before it.
            if (typeof file === 'string') lines.set(file, data.subarray(tab + 1, end));
          } catch {
            // A damaged line is a missing entry.
          }
        }
        at = end + 1;
      }
      this.filesFile = { format: FORMAT, key: header.key, token, lines };
    }
    return this.filesFile;
  }

  /**
   * Writes `files.json` a line at a time (one string of the whole cache would
   * briefly double the memory a large knowledge base needs). Parts of an
   * entry that were loaded from the last cache and kept as they were are
   * written back as the same text, so an edit run serialises only what
   * changed.
   */
  private writeFiles(file: string, header: FilesHeader, entries: Map<string, FileEntry>): Map<string, [number, number]> {
    const temporary = `${file}.${process.pid}.${randomToken(4)}.tmp`;
    let fd: number | undefined;
    try {
      fd = openSync(temporary, 'w');
      const out = fd;
      const places = this.writeLines(out, `${JSON.stringify(header)}\n`, entries, 0);
      closeSync(out);
      fd = undefined;
      renameSync(temporary, file);
      return places;
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  /**
   * Writes `first`, then one line per entry, to `out`, whose next byte is
   * at `offset`. Returns where each entry's line is: its offset and length.
   */
  private writeLines(out: number, first: string, entries: Map<string, FileEntry>, offset: number, last = ''): Map<string, [number, number]> {
    // One reused buffer: a Buffer per part would leave tens of megabytes
    // of garbage outside the heap, which the collector frees late.
    const buffer = Buffer.allocUnsafe(1 << 20);
    let used = 0;
    let total = offset;
    const flush = () => {
      for (let written = 0; written < used; ) written += writeSync(out, buffer, written, used - written);
      used = 0;
    };
    const push = (part: Stored) => {
      // A UTF-16 unit takes at most three bytes of UTF-8.
      const most = typeof part === 'string' ? part.length * 3 : part.byteLength;
      if (most > buffer.length - used) flush();
      if (most > buffer.length) {
        const chunk = typeof part === 'string' ? Buffer.from(part) : part;
        for (let written = 0; written < chunk.byteLength; ) written += writeSync(out, chunk, written, chunk.byteLength - written);
        total += chunk.byteLength;
      } else if (typeof part === 'string') {
        const bytes = buffer.write(part, used);
        used += bytes;
        total += bytes;
      } else {
        buffer.set(part, used);
        used += part.byteLength;
        total += part.byteLength;
      }
    };
    const places = new Map<string, [number, number]>();
    push(first);
    for (const [name, entry] of entries) {
      const start = total;
      push(`${JSON.stringify(this.relative(name))}\t`);
      const loaded = this.loaded.get(name);
      if (loaded?.entry === entry) push(loaded.line);
      else this.line(name, entry, push, loaded);
      places.set(name, [start, total - start]);
      push('\n');
    }
    push(last);
    flush();
    return places;
  }

  private line(file: string, entry: FileEntry, push: (part: Stored) => void, loaded: Loaded | undefined): void {
    const was = loaded?.entry;
    const made = this.made.get(file);
    push(`${entry.hash}\t`);
    if (loaded && was?.facts === entry.facts) push(loaded.line.subarray(loaded.start, loaded.factsEnd));
    else if (made?.facts?.[0] === entry.facts) push(made.facts[1]);
    else push(encodeFacts(entry.facts, file));
    push('\t');
    if (loaded && entry.diagnostics && was?.diagnostics === entry.diagnostics) push(loaded.line.subarray(loaded.factsEnd + 1, loaded.diagnosticsEnd));
    else if (entry.diagnostics) push(encode(entry.diagnostics, file));
    push('\t');
    if (!entry.index) {
      push('\t');
    } else if (loaded && was?.index === entry.index) {
      push(loaded.line.subarray(loaded.diagnosticsEnd + 1));
    } else if (made?.index?.[0] === entry.index) {
      push(made.index[1]);
    } else {
      const { refs, volatile, diagnostics, deps } = entry.index;
      push(`{"refs":${JSON.stringify(refs.map((ref) => this.relative(ref)))},"volatile":${volatile},"diagnostics":${encode(diagnostics, file)}}\t${encode(deps, file)}`);
    }
  }

  /** A path as stored: relative to the project root when inside it. */
  private relative(file: string): string {
    const root = this.root;
    return file.length > root.length && file.startsWith(root) && file[root.length] === path.sep ? file.slice(root.length + 1) : file;
  }

  private absolute(stored: string): string {
    return isAbsolutePath(stored) ? stored : `${this.root}${path.sep}${stored}`;
  }
}

/**
 * `path.isAbsolute`, without its argument checks on POSIX: a run answered
 * from the cache makes every stored path absolute, and 5,000 checked calls
 * took a millisecond of a run of 80.
 */
const isAbsolutePath: (file: string) => boolean = path.sep === '/' ? (file) => file.charCodeAt(0) === 47 : (file) => path.isAbsolute(file);

/** Index findings whose recorded answers are parsed from their stored text only if replayed. */
class LazyIndex implements IndexEntry {
  private parsed: Dependency[] | undefined;

  constructor(
    private readonly file: string,
    readonly refs: string[],
    readonly volatile: boolean,
    readonly diagnostics: Diagnostic[],
    private readonly stored: Buffer,
    private readonly tab: number,
  ) {}

  get deps(): Dependency[] {
    if (!this.parsed) {
      try {
        const parsed = decode(JSON.parse(this.stored.toString('utf8', this.tab + 1)), this.file) as unknown;
        if (!Array.isArray(parsed)) throw new Error('not a list');
        this.parsed = parsed as Dependency[];
      } catch {
        // An answer that can never match: the findings are computed again.
        this.parsed = [[['all'], '']];
      }
    }
    return this.parsed;
  }
}

/** Everything besides a file's content that can change what kblint reports on it. */
export function cacheKey(config: ResolvedConfig, rules: readonly KblintRule<object>[]): string {
  const ruleVersions = rules.map((rule) => `${rule.meta.id}@${rule.meta.version}`).sort();
  // Not sha1: every run computes the key, and a run answered from the cache
  // would load node:crypto for it alone.
  return textDigest(JSON.stringify({ format: FORMAT, kblint: CORE_VERSION, node: process.versions.node, config: config.hash, rules: ruleVersions }));
}

/**
 * A 128-bit digest of a short text, as 32 hex digits: MurmurHash3's 32-bit
 * mixing, once per lane with a different seed, each lane finished with its
 * avalanche step. Not for adversarial input; it tells configs apart.
 */
export function textDigest(text: string): string {
  let digest = '';
  for (const seed of [0x9747b28c, 0x2a6fe5d1, 0x5c0f3b17, 0xd3a6e8f9]) {
    let h = seed;
    for (let i = 0; i < text.length; i++) {
      let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= text.length;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    digest += (h >>> 0).toString(16).padStart(8, '0');
  }
  return digest;
}

export function contentHash(bytes: Uint8Array): string {
  return nodeCrypto().createHash('sha1').update(bytes).digest('base64');
}

/**
 * A name for one run, telling its files from another run's: the time and
 * 32 random bits, without loading node:crypto (see `cacheKey`).
 */
function runToken(): string {
  return `${Date.now().toString(16)}${Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0')}`;
}

/** `bytes` random bytes as hex: a unique name for a temporary file. */
function randomToken(bytes: number): string {
  return nodeCrypto().randomBytes(bytes).toString('hex');
}

// The compact encoding of facts and findings. Most of their bulk is ranges
// (`{start: {line, column, offset}, end: {…}}`) and the file's own absolute
// path; a range becomes `["\u0001", line, column, offset, line, column,
// offset]` and the file's path `"\u0003"`. A real string that starts with
// \u0001–\u0003 is escaped with a leading \u0002, so decoding is exact for
// any value, frontmatter data included.
const RANGE = '\u0001';
const ESCAPE = '\u0002';
const SELF = '\u0003';

/**
 * Facts or findings of `file` as compact JSON text: a compact copy, then the
 * native JSON.stringify (a replacer function, called for every value, took
 * twice as long).
 */
export function encode(value: unknown, file: string): string {
  return JSON.stringify(compact(value, file));
}

/**
 * `encode` for values with few ranges (recorded answers, a few findings):
 * plain JSON when it holds no character the compact encoding marks with,
 * which `decode` then gives back unchanged, without a compact copy first.
 */
export function encodeSmall(value: unknown, file: string): string {
  const plain = JSON.stringify(value);
  return MARKED.test(plain) ? encode(value, file) : plain;
}

/** \u0001–\u0003 as JSON.stringify writes them. */
const MARKED = /\\u000[123]/;

function compact(value: unknown, file: string): unknown {
  if (typeof value === 'string') {
    if (value === file) return SELF;
    const c = value.charCodeAt(0);
    return c >= 1 && c <= 3 ? ESCAPE + value : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = compact(value[i], file);
    return copy;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const range = rangeArray(value as Record<string, unknown>);
  if (range) return range;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = compact((value as Record<string, unknown>)[key], file);
  return copy;
}

/** Undoes `encode` on parsed JSON, in place where it can. */
export function decode(value: unknown, file: string): unknown {
  if (typeof value === 'string') {
    const c = value.charCodeAt(0);
    if (c === 3 && value.length === 1) return file;
    return c === 2 ? value.slice(1) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    if (value[0] === RANGE) return rangeObject(value as unknown[]);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' || typeof item === 'string') value[i] = decode(item, file);
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    const item = object[key];
    if (typeof item === 'object' || typeof item === 'string') object[key] = decode(item, file);
  }
  return object;
}

/**
 * Facts fields stored apart from the rest and parsed on first use, in three
 * groups. The index is built from the rest (paths, ids, titles, aliases).
 * Headings and anchors are read when a link into the file is resolved; the
 * links by the file's own index rules; the frontmatter and footnotes almost
 * only by rules that read the tree, which need not read the facts (an index
 * rule reads them to place a finding). A run that reuses most findings
 * reads any group for a few files only, and a run that lints every file
 * needs the body groups of one file at a time.
 */
const GROUPS = [['headings', 'anchors'], ['links'], ['frontmatter', 'footnotes']] as const;
/** Tabs in a `files.json` line: after the hash, the facts head and each group, the file findings and the index findings. */
const LINE_TABS = GROUPS.length + 4;
const GROUP_OF = new Map<string, number>(GROUPS.flatMap((keys, group) => keys.map((key) => [key, group] as const)));
/** Where the groups of facts from `decodeFacts` are, until they are parsed. */
const LAZY = Symbol('kblint.lazyFacts');

interface LazyGroups {
  file: string;
  /** Undefined until `load` reads it. */
  data: string | Buffer | undefined;
  load?: () => { data: Buffer; bounds: number[] };
  /** Start and end of each group in `data`, one after the other. */
  bounds: number[];
  /** The keys each group holds in these facts (nearly always `ALL_KEYS`, shared). */
  keys: readonly (readonly string[])[];
}

const ALL_KEYS: readonly (readonly string[])[] = GROUPS;

type LazyFacts = Record<string, unknown> & { [LAZY]?: LazyGroups };

/**
 * One getter per grouped key, shared by all facts: objects whose accessors
 * are the same functions keep one shape, where a closure per object would
 * turn each into a slow dictionary.
 */
const GETTERS = new Map<string, PropertyDescriptor>(
  GROUPS.flatMap((keys, group) =>
    keys.map((key) => [key, { get(this: LazyFacts): unknown { return parseGroup(this, group)[key]; }, enumerable: true, configurable: true }] as const),
  ),
);

function parseGroup(facts: LazyFacts, group: number): Record<string, unknown> {
  const lazy = facts[LAZY] as LazyGroups;
  if (lazy.data === undefined) Object.assign(lazy, (lazy.load as NonNullable<LazyGroups['load']>)());
  const data = lazy.data as string | Buffer;
  const start = lazy.bounds[group * 2] as number;
  const end = lazy.bounds[group * 2 + 1] as number;
  const keys = lazy.keys[group] as readonly string[];
  const text = typeof data === 'string' ? data.slice(start, end) : data.toString('utf8', start, end);
  const value = decode(JSON.parse(text), lazy.file);
  if (!isObject(value) || keys.some((name) => !(name in value))) {
    throw new Error(`the cached facts of ${lazy.file} are damaged (delete the cache folder)`);
  }
  for (const name of keys) Object.defineProperty(facts, name, { value: value[name], enumerable: true, configurable: true, writable: true });
  return value;
}

function installGroup(facts: LazyFacts, group: number): void {
  for (const key of (facts[LAZY] as LazyGroups).keys[group] as readonly string[]) Object.defineProperty(facts, key, GETTERS.get(key) as PropertyDescriptor);
}

/**
 * Drops the parsed links, frontmatter and footnotes of facts from
 * `decodeFacts`; they are parsed again if read again. The runner calls it
 * once a file's own rules are done with it, so that these of a large
 * knowledge base are never all in memory at once.
 */
export function releaseBody(facts: ArticleFacts): void {
  const lazy = facts as unknown as LazyFacts;
  if (!lazy[LAZY]) return;
  for (let group = 1; group < GROUPS.length; group++) installGroup(lazy, group);
}

/**
 * Facts as tab-separated texts: everything but the groups (their fields as
 * `0`, keeping their place), then each group.
 */
export function encodeFacts(facts: ArticleFacts, file: string): string {
  const head: Record<string, unknown> = {};
  const groups: Array<Record<string, unknown>> = GROUPS.map(() => ({}));
  for (const [key, value] of Object.entries(facts)) {
    const group = GROUP_OF.get(key);
    if (group === undefined) {
      head[key] = value;
    } else {
      head[key] = 0;
      (groups[group] as Record<string, unknown>)[key] = value;
    }
  }
  return [head, ...groups].map((part) => encode(part, file)).join('\t');
}

/**
 * Facts from the text `encodeFacts` wrote. Grouped fields are getters that
 * parse their group the first time one of them is read, then become plain
 * values. Undefined when the head is not facts of `file`.
 */
export function decodeFacts(stored: Stored, file: string): ArticleFacts | undefined {
  const data = typeof stored === 'string' ? stored : bytes(stored);
  const tabs: number[] = [];
  const next = (from: number) => (typeof data === 'string' ? data.indexOf('\t', from) : data.indexOf(TAB, from));
  for (let at = next(0); at !== -1; at = next(at + 1)) tabs.push(at);
  if (tabs.length !== GROUPS.length) return undefined;
  const head = typeof data === 'string' ? data.slice(0, tabs[0]) : data.toString('utf8', 0, tabs[0]);
  const facts = decode(JSON.parse(head), file) as LazyFacts;
  if (!isObject(facts) || facts.path !== file || typeof facts.id !== 'string') return undefined;
  let keys = ALL_KEYS;
  if (!GROUPS.every((group) => group.every((key) => key in facts))) keys = GROUPS.map((group) => group.filter((key) => key in facts));
  if (keys.some((group) => group.some((key) => facts[key] !== 0))) return undefined;
  // The groups stay bytes (a third of the memory of a string) until read.
  const bounds: number[] = [];
  tabs.forEach((tab, g) => bounds.push(tab + 1, g + 1 < tabs.length ? (tabs[g + 1] as number) : data.length));
  Object.defineProperty(facts, LAZY, { value: { file, data, bounds, keys } satisfies LazyGroups, enumerable: false });
  for (let group = 0; group < GROUPS.length; group++) installGroup(facts, group);
  return facts as unknown as ArticleFacts;
}

/** `[RANGE, line, column, (offset,) line, column, (offset)]` for an exact `{start, end}` of points, else undefined. */
function rangeArray(v: Record<string, unknown>): unknown[] | undefined {
  let keys = 0;
  for (const key in v) {
    if ((keys === 0 && key !== 'start') || (keys === 1 && key !== 'end') || keys > 1) return undefined;
    keys++;
  }
  if (keys !== 2) return undefined;
  const start = pointOf(v.start);
  const end = pointOf(v.end);
  if (!start || !end || start.length !== end.length) return undefined;
  return [RANGE, ...start, ...end];
}

function pointOf(p: unknown): number[] | undefined {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return undefined;
  const point = p as Record<string, unknown>;
  let keys = 0;
  for (const key in point) {
    if ((keys === 0 && key !== 'line') || (keys === 1 && key !== 'column') || (keys === 2 && key !== 'offset') || keys > 2) return undefined;
    keys++;
  }
  if (keys < 2) return undefined;
  const { line, column, offset } = point;
  if (typeof line !== 'number' || !Number.isFinite(line) || typeof column !== 'number' || !Number.isFinite(column)) return undefined;
  if (keys === 2) return [line, column];
  return typeof offset === 'number' && Number.isFinite(offset) ? [line, column, offset] : undefined;
}

function rangeObject(a: unknown[]): unknown {
  if (a.length === 7) {
    return { start: { line: a[1], column: a[2], offset: a[3] }, end: { line: a[4], column: a[5], offset: a[6] } };
  }
  return { start: { line: a[1], column: a[2] }, end: { line: a[3], column: a[4] } };
}


/** A file's index dependencies as the graph stores them. */
function graphIndex(entry: FileEntry, position: ReadonlyMap<string, number>, confirmed: boolean): { refs: number[] | null; flag: string } {
  const refs = entry.index ? entry.index.refs.map((ref) => position.get(ref)) : undefined;
  // A reference to a file outside the graph can only be checked by replaying: counted as volatile.
  const known = refs !== undefined && refs.every((ref) => ref !== undefined);
  const bits = (entry.index?.volatile || (refs && !known) ? VOLATILE : 0) | (confirmed && entry.index ? CONFIRMED : 0);
  return { refs: known ? (refs as number[]) : refs ? [] : null, flag: String.fromCharCode(ZERO + bits) };
}

/** The token of a mark line (`{"token":"…"}`) in `files.json`. */
function parseMark(text: string): string | undefined {
  try {
    const mark = JSON.parse(text) as unknown;
    return isObject(mark) && typeof mark.token === 'string' ? mark.token : undefined;
  } catch {
    return undefined;
  }
}

function isGraphFile(value: unknown): value is GraphFile {
  if (!isObject(value) || value.format !== FORMAT || typeof value.key !== 'string' || typeof value.token !== 'string') return false;
  if (typeof value.root !== 'string' || typeof value.runKey !== 'string' || typeof value.flags !== 'string') return false;
  const { files, hashes, offsets, lengths, refs, heads } = value;
  if (!Array.isArray(files) || !Array.isArray(hashes) || !Array.isArray(offsets) || !Array.isArray(lengths) || !Array.isArray(refs) || !(heads instanceof HeadList)) return false;
  const n = files.length;
  const names = value.names;
  const table = (t: unknown) => isObject(t) && Array.isArray(t.keys) && Array.isArray(t.values) && t.keys.length === t.values.length;
  if (names !== undefined && !(isObject(names) && Array.isArray(names.articles) && ['exactIds', 'wikiKeys', 'titleKeys', 'folders'].every((key) => table(names[key])) && (names.foldedIds === null || table(names.foldedIds)))) {
    return false;
  }
  return hashes.length === n && offsets.length === n && lengths.length === n && refs.length === n && heads.length === n && value.flags.length === n;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The token of the mark an edit run appended at the end of `files.json`,
 * read from the end of the file; undefined when its last line is not a mark
 * (no run appended, and the header's token holds; or a run was cut short
 * after appending lines, and the file matches no run).
 */
function lastMark(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const tail = Buffer.allocUnsafe(Math.min(size, 512));
    const length = readSync(fd, tail, 0, tail.length, size - tail.length);
    if (length !== tail.length || tail[length - 1] !== NEWLINE) return undefined;
    const start = tail.lastIndexOf(NEWLINE, length - 2) + 1;
    // A mark is short; a line that starts at the file's start is the header.
    if (tail[start] !== BRACE || (start === 0 && size === length)) return undefined;
    return parseMark(tail.toString('utf8', start, length - 1));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The header line of `files.json`, read without reading the rest. */
function readHeader(file: string): FilesHeader | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(512);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.toString('utf8', 0, length);
    const end = text.indexOf('\n');
    const header = JSON.parse(end === -1 ? text : text.slice(0, end)) as unknown;
    return isObject(header) && typeof header.token === 'string' && typeof header.key === 'string' ? (header as unknown as FilesHeader) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.${randomToken(4)}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(value));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `run.json` keeps the paths and the hashes each as one text, a line per
 * file: one long string parses in a fraction of the time of thousands of
 * short ones, and every run reads this file first. A path with a line
 * break in it keeps the paths a list.
 */
function toStoredRun(run: RunFile): Omit<RunFile, 'files' | 'hashes'> & { files: string | string[]; hashes: string } {
  const lines = !run.files.some((file) => file.includes('\n'));
  return { ...run, files: lines ? run.files.join('\n') : run.files, hashes: run.hashes.join('\n') };
}

/** `run.json` as read, with its texts split into lists again; anything else is returned as it is, for `isRunFile` to judge. */
function fromStoredRun(value: unknown): unknown {
  if (!isObject(value) || typeof value.hashes !== 'string') return value;
  const split = (text: string) => (text === '' ? [] : text.split('\n'));
  return { ...value, files: typeof value.files === 'string' ? split(value.files) : value.files, hashes: split(value.hashes) };
}

function isListing(value: unknown): value is Listing {
  if (!isObject(value) || typeof value.ignore !== 'string' || typeof value.at !== 'number' || typeof value.count !== 'number' || !Array.isArray(value.folders)) return false;
  return value.folders.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'number');
}

function isRunFile(value: unknown): value is RunFile {
  if (!isObject(value) || value.format !== FORMAT || typeof value.key !== 'string' || typeof value.token !== 'string') return false;
  if (typeof value.root !== 'string' || typeof value.statAt !== 'number') return false;
  const { files, mtimes, sizes, hashes } = value;
  if (!Array.isArray(files) || !Array.isArray(mtimes) || !Array.isArray(sizes) || !Array.isArray(hashes)) return false;
  if (mtimes.length !== files.length || sizes.length !== files.length || hashes.length !== files.length) return false;
  if (value.confirmed !== undefined && value.confirmed !== true && !Array.isArray(value.confirmed)) return false;
  if (value.listing !== undefined && !isListing(value.listing)) return false;
  if (value.run === undefined) return true;
  const run = value.run;
  return isObject(run) && typeof run.key === 'string' && Array.isArray(run.diagnostics) && Array.isArray(run.assets);
}
