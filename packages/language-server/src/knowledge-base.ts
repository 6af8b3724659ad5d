import {
  applyDirectives,
  builtinRules,
  createIgnoreFilter,
  Engine,
  KnowledgeIndex,
  lint,
  LintCache,
  loadConfig,
  NodeWorkspace,
  sortDiagnostics,
  wikiKey,
  type ResolvedConfig,
} from '@kblint/core';
import type { ArticleFacts, Diagnostic, KblintRule } from '@kblint/rule-kit';
import { trimEnd } from '@kblint/rule-kit';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface KnowledgeBaseOptions {
  /** The workspace folder: the config search starts here. */
  root: string;
  rules?: readonly KblintRule<object>[];
  /**
   * Texts longer than this are not parsed: one pasted log file must not
   * freeze every other document's diagnostics.
   */
  maxChars?: number;
  /** Threads for the first indexing; undefined lets core decide by size and cores. */
  workers?: number;
  /**
   * Read and update the project's `.kblintcache` (the CLI's default cache):
   * articles whose content is cached are not parsed again at start.
   */
  cache?: boolean;
}

/** What an edit changed, for finding the documents to re-diagnose. */
export interface Change {
  path: string;
  before: ArticleFacts | undefined;
  after: ArticleFacts | undefined;
}

export const DEFAULT_MAX_CHARS = 2_000_000;
const EXCLUDED_SEGMENT = /(?:^|[\\/])(?:node_modules|\.git)(?:[\\/]|$)/;

/**
 * The language server's view of the knowledge base: facts for every article
 * (unsaved editor text over the disk), the index built from them, and the
 * file-rule findings of the open documents. An edit parses the edited
 * document once and updates its entry in the index in place.
 */
export class KnowledgeBase {
  readonly root: string;
  readonly rules: readonly KblintRule<object>[];
  readonly maxChars: number;
  readonly workers: number | undefined;
  readonly cache: boolean;
  config!: ResolvedConfig;
  private engine!: Engine;
  private isIgnored: (file: string) => boolean = () => false;
  /** Facts of every article and of every open document. */
  private readonly facts = new Map<string, ArticleFacts>();
  /** Paths that are articles (in the content root, not ignored): the index covers these. */
  private readonly articles = new Set<string>();
  /** Unsaved text of open documents; wins over the disk. */
  private readonly overlays = new Map<string, string>();
  /** File-rule findings of the last analysis of each open document. */
  private readonly fileFindings = new Map<string, Diagnostic[]>();
  private index!: KnowledgeIndex;
  private readonly existsCache = new Map<string, boolean>();

  constructor(options: KnowledgeBaseOptions) {
    this.root = path.resolve(options.root);
    this.rules = options.rules ?? builtinRules;
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    this.workers = options.workers;
    this.cache = options.cache ?? true;
  }

  /**
   * Loads the config and indexes every article with core's runner (on
   * worker threads when the knowledge base is large), reporting no findings
   * yet: only the open documents are checked. Throws ConfigError on a bad
   * config.
   */
  async load(progress?: (done: number, total: number) => void): Promise<void> {
    const config = await loadConfig({ cwd: this.root, rules: this.rules });
    const workspace = new ServerWorkspace((file) => this.exists(file));
    const isIgnored = await createIgnoreFilter(workspace, config);
    const result = await lint({
      cwd: this.root,
      config,
      workspace,
      // Custom rules cannot cross to worker threads; the built-in set can.
      ...(this.rules === builtinRules ? {} : { rules: this.rules }),
      filterTargets: () => [],
      ...(this.workers !== undefined ? { workers: this.workers } : {}),
      ...(this.cache ? { cache: new LintCache(path.join(config.projectRoot, '.kblintcache')) } : {}),
      ...(progress ? { onProgress: progress } : {}),
    });
    // Swap in the new state only when everything loaded: a config typo in
    // the middle of an edit keeps the last good state serving.
    this.config = config;
    this.engine = new Engine(config, this.rules);
    this.isIgnored = isIgnored;
    this.existsCache.clear();
    this.facts.clear();
    this.articles.clear();
    this.fileFindings.clear();
    this.index = result.index;
    for (const article of result.index.articles()) {
      this.facts.set(article.path, article);
      this.articles.add(article.path);
    }
    for (const [file, text] of this.overlays) this.analyzeOpen(file, text);
  }

  get ready(): boolean {
    return this.engine !== undefined;
  }

  /** The files the config and ignore files decide about; a change to one reloads everything. */
  isConfigFile(file: string): boolean {
    const name = path.basename(file);
    if (this.config?.configPath === file || this.config?.taxonomyPath === file) return true;
    if (path.dirname(file) !== this.config?.projectRoot && path.dirname(file) !== this.root && path.dirname(file) !== path.join(this.root, '.config')) {
      return false;
    }
    return /^(?:\.kblintrc(?:\.(?:json|ya?ml|[cm]?js|ts))?|kblintrc(?:\.(?:json|ya?ml|[cm]?js|ts))?|kblint\.config\.(?:[cm]?js|ts)|package\.json|\.gitignore|\.kblintignore)$/.test(
      name,
    );
  }

  isArticlePath(file: string): boolean {
    if (!this.config || !/\.md$/i.test(file)) return false;
    const relative = path.relative(this.config.contentRoot, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
    return !EXCLUDED_SEGMENT.test(relative) && !this.isIgnored(file);
  }

  /** Ignored files get no findings in the editor, as in a CLI run over the folder. */
  isLinted(file: string): boolean {
    if (!/\.md$/i.test(file) && !this.overlays.has(file)) return false;
    return this.articles.has(file) || !this.isIgnored(file);
  }

  getFacts(file: string): ArticleFacts | undefined {
    return this.facts.get(file);
  }

  isOpen(file: string): boolean {
    return this.overlays.has(file);
  }

  openFiles(): string[] {
    return [...this.overlays.keys()];
  }

  /** The source text a document's positions refer to: the editor's, else the disk's. */
  async text(file: string): Promise<string | undefined> {
    return this.overlays.get(file) ?? (await readFile(file, 'utf8').catch(() => undefined));
  }

  /** An editor opened or changed a document. */
  setText(file: string, text: string): Change {
    const before = this.facts.get(file);
    this.overlays.set(file, text);
    this.analyzeOpen(file, text);
    return { path: file, before, after: this.facts.get(file) };
  }

  /** The editor closed a document: the disk's version counts again. */
  async close(file: string): Promise<Change> {
    const before = this.facts.get(file);
    this.overlays.delete(file);
    this.fileFindings.delete(file);
    await this.reloadFromDisk(file);
    return { path: file, before, after: this.facts.get(file) };
  }

  /** A watched file was created, changed or deleted on disk. */
  async fileChanged(file: string): Promise<Change | undefined> {
    this.existsCache.delete(file);
    if (this.overlays.has(file)) return undefined;
    const before = this.facts.get(file);
    await this.reloadFromDisk(file);
    return { path: file, before, after: this.facts.get(file) };
  }

  private async reloadFromDisk(file: string): Promise<void> {
    const content = this.isArticlePath(file) ? await readFile(file).catch(() => undefined) : undefined;
    if (content === undefined) {
      this.facts.delete(file);
      this.articles.delete(file);
      this.index.remove(file);
      return;
    }
    this.store(file, this.analyzeFacts(file, content));
  }

  /** Facts of a file, in the index too when the file is an article. */
  private store(file: string, facts: ArticleFacts): void {
    this.facts.set(file, facts);
    if (this.isArticlePath(file)) {
      this.articles.add(file);
      this.index.upsert(facts);
    }
  }

  getIndex(): KnowledgeIndex {
    return this.index;
  }

  /** Every finding for one open document, as `kblint` would report it. */
  diagnose(file: string): Diagnostic[] {
    const facts = this.facts.get(file);
    if (!facts || !this.isLinted(file)) return [];
    const findings = [...(this.fileFindings.get(file) ?? []), ...this.engine.lintWithIndex(facts, this.getIndex())];
    return sortDiagnostics(applyDirectives(findings, new Map([[file, facts]])));
  }

  /**
   * Open documents whose findings can change with `change`: those with a
   * link that resolves, or resolved before the change, to the changed file;
   * every open document when the changed file's title or aliases changed
   * (duplicate titles, wiki targets by title).
   */
  dependents(change: Change): string[] {
    const identity = (facts: ArticleFacts | undefined) => JSON.stringify([facts?.title, facts?.aliases]);
    const renamed = identity(change.before) !== identity(change.after);
    const keys = new Set<string>();
    for (const facts of [change.before, change.after]) {
      if (!facts) continue;
      for (const key of [facts.title, ...facts.aliases, facts.stem, facts.id]) if (key) keys.add(wikiKey(key));
    }
    const id = (change.after ?? change.before)?.id.toLowerCase();
    const result: string[] = [];
    for (const file of this.overlays.keys()) {
      if (file === change.path) continue;
      const facts = this.facts.get(file);
      if (!facts) continue;
      if (renamed || facts.links.some((link) => this.linksTo(facts, link, change.path, keys, id))) result.push(file);
    }
    return result;
  }

  private linksTo(from: ArticleFacts, link: ArticleFacts['links'][number], target: string, keys: Set<string>, id: string | undefined): boolean {
    switch (link.kind) {
      case 'wiki':
        return link.target === '' ? false : keys.has(wikiKey(link.target ?? ''));
      case 'relative': {
        const file = path.resolve(path.dirname(from.path), link.path ?? '');
        return file === target || `${file}.md` === target;
      }
      case 'absolute': {
        const sitePath = trimEnd((link.path ?? '').replace(/^\/+/, '')).replace(/\.md$/i, '').toLowerCase();
        return id !== undefined && (sitePath === id || `${sitePath}/index` === id);
      }
      case 'anchor':
        return false;
    }
  }

  private analyzeFacts(file: string, content: string | Uint8Array): ArticleFacts {
    if (content.length > this.maxChars) return this.engine.analyze(file, '', false).facts;
    return this.engine.analyze(file, content, false).facts;
  }

  private analyzeOpen(file: string, text: string): void {
    if (text.length > this.maxChars) {
      this.store(file, this.engine.analyze(file, '', false).facts);
      this.fileFindings.set(file, [tooLarge(file, text.length, this.maxChars)]);
      return;
    }
    const analysis = this.engine.analyze(file, text, this.isLinted(file));
    this.store(file, analysis.facts);
    this.fileFindings.set(file, analysis.diagnostics);
  }

  private exists(file: string): boolean {
    if (this.overlays.has(file) || this.facts.has(file)) return true;
    let known = this.existsCache.get(file);
    if (known === undefined) {
      try {
        known = statSync(file).isFile();
      } catch {
        known = false;
      }
      this.existsCache.set(file, known);
    }
    return known;
  }
}

/** The disk, with asset existence answered by the knowledge base (which forgets on watched-file events). */
class ServerWorkspace extends NodeWorkspace {
  constructor(private readonly existsFn: (file: string) => boolean) {
    super();
  }

  override exists(file: string): boolean {
    return this.existsFn(file);
  }
}

function tooLarge(file: string, chars: number, max: number): Diagnostic {
  return {
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    ruleId: 'unreadable-file',
    severity: 'warning',
    message: `Unexpected document of ${chars} characters, expected at most ${max}: the editor skips checking it (run \`kblint\` on it instead)`,
  };
}
