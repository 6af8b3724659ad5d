import type { ArticleFacts, ContentIndex, LinkFacts, LinkResolution } from '@kblint/rule-kit';
import { footnoteKey, normalizeForMatch, trimEnd } from '@kblint/rule-kit';
import { distance } from 'fastest-levenshtein';
import path from 'node:path';

export interface IndexOptions {
  contentRoot: string;
  projectRoot: string;
  /** Does a non-article file (an image, a PDF) exist? Only asked about paths inside the project. */
  fileExists: (absolutePath: string) => boolean;
}

export interface Backlink {
  from: ArticleFacts;
  link: LinkFacts;
}

/** How many close matches a failed resolution offers. */
const MAX_SUGGESTIONS = 5;

/**
 * The whole knowledge base as facts, with the lookups links need. Built once
 * per run from every article's facts (or kept up to date with `upsert` and
 * `remove` by the language server); never reads files itself except to ask
 * whether an asset exists, and never for a path outside the project.
 *
 * Every lookup is a map access. Suggestions walk all articles, but only when
 * a link fails to resolve.
 */
export class KnowledgeIndex implements ContentIndex {
  readonly contentRoot: string;
  readonly projectRoot: string;
  // The tables are Maps, or read-only views of a snapshot (`fromSnapshot`)
  // until the first update turns them into Maps (`thaw`).
  private byPath: Map<string, ArticleFacts> | ArticlesView = new Map();
  /** Exact ids: site-absolute links are case-sensitive like the URLs they stand for. */
  private exactIds: Map<string, ArticleFacts[]> | TableView = new Map();
  /** Lower-cased ids, for `byId` and wiki `[[category/stem]]`. */
  private foldedIds: Map<string, ArticleFacts[]> | TableView = new Map();
  /** Title, aliases, stem and id of every article, normalised (`wikiKey`). */
  private wikiKeys: Map<string, ArticleFacts[]> | TableView = new Map();
  /** Titles and aliases only, normalised (`wikiKey`). */
  private titleKeys: Map<string, ArticleFacts[]> | TableView = new Map();
  /**
   * Folders that hold articles (at any depth), with how many: a link to one
   * is a folder page on GitHub and on the site (`/<category>/`).
   */
  private folders: Map<string, number> | CountsView = new Map();
  /** `foldersOf` by an article's own folder: most articles share one. */
  private readonly folderChains = new Map<string, string[]>();
  private readonly anchorSets = new WeakMap<ArticleFacts, Set<string>>();
  /** Heading text (as `wikiKey`) to its anchor, first heading first; built per article on first use. */
  private readonly headingKeys = new WeakMap<ArticleFacts, Map<string, string>>();
  /** Names and paths normalised once for suggestions; rebuilt after an update, on the next failure. */
  private suggestionLists: { wikiNames: Candidate[]; ids: Candidate[]; paths: Candidate[]; stems: Candidate[] } | undefined;
  private readonly fileExists: (absolutePath: string) => boolean;
  private backlinkMap: Map<string, Backlink[]> | undefined;
  private suggesting = true;

  constructor(articles: Iterable<ArticleFacts>, options: IndexOptions) {
    this.contentRoot = options.contentRoot;
    this.projectRoot = options.projectRoot;
    this.fileExists = options.fileExists;
    for (const article of articles) this.add(article);
  }

  /**
   * An index over the same articles as the one `snapshot` was taken of,
   * without building its tables: lookups read the snapshot, and an
   * article's facts are asked of `source` only when a lookup returns it.
   * The facts must give the same names (path, id, title, aliases) as those
   * the snapshot was taken of.
   */
  static fromSnapshot(snapshot: IndexSnapshot, source: SnapshotSource, options: IndexOptions): KnowledgeIndex {
    const index = new KnowledgeIndex([], options);
    const memo = new Map<number, ArticleFacts>();
    const at = (i: number): ArticleFacts => {
      let facts = memo.get(i);
      if (!facts) {
        facts = source.at(i);
        memo.set(i, facts);
      }
      return facts;
    };
    index.byPath = new ArticlesView(snapshot.articles, at, source.position);
    index.exactIds = new TableView(snapshot.exactIds, at);
    index.foldedIds = new TableView(snapshot.foldedIds ?? snapshot.exactIds, at);
    index.wikiKeys = new TableView(snapshot.wikiKeys, at);
    index.titleKeys = new TableView(snapshot.titleKeys, at);
    index.folders = new CountsView(snapshot.folders);
    return index;
  }

  /** The tables, with each article as its position (`positionOf`): what `fromSnapshot` needs to answer as this index does. */
  snapshot(positionOf: (article: ArticleFacts) => number): IndexSnapshot {
    this.thaw();
    const table = (map: Map<string, ArticleFacts[]>) => sortedTable(map, (list) => (list.length === 1 ? positionOf(list[0] as ArticleFacts) : list.map(positionOf)));
    const folders = sortedTable(this.folders as Map<string, number>, (count) => count);
    const exactIds = table(this.exactIds as Map<string, ArticleFacts[]>);
    const foldedIds = table(this.foldedIds as Map<string, ArticleFacts[]>);
    // Nearly always every id is lower case already: then the two are one table.
    const same = JSON.stringify(exactIds) === JSON.stringify(foldedIds);
    return {
      articles: [...this.byPath.values()].map(positionOf),
      exactIds,
      foldedIds: same ? null : foldedIds,
      wikiKeys: table(this.wikiKeys as Map<string, ArticleFacts[]>),
      titleKeys: table(this.titleKeys as Map<string, ArticleFacts[]>),
      folders,
    };
  }

  /** Builds real tables from a snapshot's articles, before the first update. */
  private thaw(): void {
    if (!(this.byPath instanceof ArticlesView)) return;
    const articles = [...this.byPath.values()];
    this.byPath = new Map();
    this.exactIds = new Map();
    this.foldedIds = new Map();
    this.wikiKeys = new Map();
    this.titleKeys = new Map();
    this.folders = new Map();
    for (const article of articles) this.add(article);
  }

  articles(): Iterable<ArticleFacts> {
    return this.byPath.values();
  }

  get size(): number {
    return this.byPath.size;
  }

  get(filePath: string): ArticleFacts | undefined {
    return this.byPath.get(filePath);
  }

  byId(id: string): ArticleFacts | undefined {
    return this.exactIds.get(id)?.[0] ?? this.foldedIds.get(id.toLowerCase())?.[0];
  }

  findWikiTargets(target: string): ArticleFacts[] {
    return this.wikiKeys.get(wikiKey(target)) ?? [];
  }

  findByTitle(name: string): ArticleFacts[] {
    return this.titleKeys.get(wikiKey(name)) ?? [];
  }

  /** Adds an article or replaces the one at the same path (the language server's incremental update). */
  upsert(article: ArticleFacts): void {
    this.remove(article.path);
    this.add(article);
  }

  /** Forgets the article at `filePath`; links to it stop resolving. */
  remove(filePath: string): void {
    this.thaw();
    const old = this.byPath.get(filePath);
    if (!old) return;
    const tables = this.tables();
    tables.byPath.delete(filePath);
    removeFrom(tables.exactIds, old.id, old);
    removeFrom(tables.foldedIds, old.id.toLowerCase(), old);
    const titles = titleKeysOf(old);
    for (const key of wikiKeysOf(old, titles)) removeFrom(tables.wikiKeys, key, old);
    for (const key of titles) removeFrom(tables.titleKeys, key, old);
    this.suggestionLists = undefined;
    for (const folder of this.foldersOf(old)) {
      const count = (tables.folders.get(folder) ?? 1) - 1;
      if (count > 0) tables.folders.set(folder, count);
      else tables.folders.delete(folder);
    }
    this.backlinkMap = undefined;
  }

  resolveLink(from: ArticleFacts, link: LinkFacts): LinkResolution {
    switch (link.kind) {
      case 'anchor':
        return this.checkAnchor(from, link.anchor ?? '');
      case 'wiki':
        return this.resolveWiki(from, link);
      case 'absolute':
        return this.resolveAbsolute(link);
      case 'relative':
        return this.resolveRelative(from, link);
    }
  }

  backlinks(filePath: string): Backlink[] {
    if (!this.backlinkMap) {
      const map = new Map<string, Backlink[]>();
      // Only targets matter here: do not rank suggestions for every dangling link.
      this.suggesting = false;
      try {
        for (const from of this.byPath.values()) {
          for (const link of from.links) {
            const resolution = this.resolveLink(from, link);
            const target = resolution.status === 'ok' ? resolution.target : undefined;
            if (!target || target === from) continue;
            const list = map.get(target.path);
            if (list) list.push({ from, link });
            else map.set(target.path, [{ from, link }]);
          }
        }
      } finally {
        this.suggesting = true;
      }
      this.backlinkMap = map;
    }
    return this.backlinkMap.get(filePath) ?? [];
  }

  private add(article: ArticleFacts): void {
    this.thaw();
    if (this.byPath.has(article.path)) this.remove(article.path);
    const tables = this.tables();
    tables.byPath.set(article.path, article);
    addTo(tables.exactIds, article.id, article);
    addTo(tables.foldedIds, article.id.toLowerCase(), article);
    const titles = titleKeysOf(article);
    for (const key of wikiKeysOf(article, titles)) addTo(tables.wikiKeys, key, article);
    for (const key of titles) addTo(tables.titleKeys, key, article);
    for (const folder of this.foldersOf(article)) tables.folders.set(folder, (tables.folders.get(folder) ?? 0) + 1);
    this.backlinkMap = undefined;
    this.suggestionLists = undefined;
  }

  /** The tables as Maps: only after `thaw`. */
  private tables() {
    return this as unknown as {
      byPath: Map<string, ArticleFacts>;
      exactIds: Map<string, ArticleFacts[]>;
      foldedIds: Map<string, ArticleFacts[]>;
      wikiKeys: Map<string, ArticleFacts[]>;
      titleKeys: Map<string, ArticleFacts[]>;
      folders: Map<string, number>;
    };
  }

  private offer(make: () => { suggestion?: string; suggestions?: string[] }): { suggestion?: string; suggestions?: string[] } {
    return this.suggesting ? make() : {};
  }

  /** The folders from an article's own up to the content root (or the file system root for one outside it). */
  private foldersOf(article: ArticleFacts): readonly string[] {
    const own = path.dirname(article.path);
    let chain = this.folderChains.get(own);
    if (!chain) {
      chain = [];
      for (let folder = own; ; ) {
        chain.push(folder);
        const parent = path.dirname(folder);
        if (folder === this.contentRoot || parent === folder) break;
        folder = parent;
      }
      this.folderChains.set(own, chain);
    }
    return chain;
  }

  private resolveWiki(from: ArticleFacts, link: LinkFacts): LinkResolution {
    const targetName = link.target ?? '';
    if (targetName === '') {
      // `[[#Heading]]` is a heading of this article; `[[]]` and `[[|label]]` name nothing.
      if (link.anchor === undefined) return { status: 'missing-target', path: '' };
      return this.checkWikiHeading(from, link.anchor);
    }
    if (link.image && isAssetName(targetName)) return this.resolveEmbed(from, targetName);
    const candidates = this.findWikiTargets(targetName);
    if (candidates.length > 1) {
      return { status: 'ambiguous', candidates: [...candidates].sort((a, b) => compare(a.id, b.id)) };
    }
    const target = candidates[0];
    if (!target) return { status: 'missing-target', path: targetName, ...this.offer(() => suggest(targetName, this.lists().wikiNames)) };
    return this.checkWikiHeading(target, link.anchor);
  }

  /**
   * `![[diagram.svg]]` names a file beside the linking article or under the
   * content root. (Obsidian also searches the whole vault by file name; the
   * index does not list assets, so such an embed must use one of these two.)
   */
  private resolveEmbed(from: ArticleFacts, name: string): LinkResolution {
    for (const base of [path.dirname(from.path), this.contentRoot]) {
      const file = path.resolve(base, name);
      if (!isInside(this.projectRoot, file)) return { status: 'outside-repo', path: name };
      if (this.fileExists(file)) return { status: 'ok', file };
    }
    return { status: 'missing-target', path: name };
  }

  /**
   * A wiki heading part names a heading by its text (case-insensitive,
   * whitespace collapsed; a repeated heading text means the first) or by an
   * anchor, which reaches the later ones: `[[Page#examples-1]]`.
   */
  private checkWikiHeading(target: ArticleFacts, heading: string | undefined): LinkResolution {
    if (heading === undefined || heading === '') return { status: 'ok', target };
    let byText = this.headingKeys.get(target);
    if (!byText) {
      byText = new Map();
      for (const h of target.headings) {
        const key = wikiKey(h.text);
        if (!byText.has(key)) byText.set(key, h.slug);
      }
      this.headingKeys.set(target, byText);
    }
    const slug = byText.get(wikiKey(heading));
    if (slug !== undefined) return { status: 'ok', target, anchor: slug };
    if (this.hasAnchor(target, heading)) return { status: 'ok', target, anchor: heading };
    // Suggest in the form the author used: a slug for a slug, heading text otherwise.
    const names = looksLikeSlug(heading) ? target.anchors : target.headings.map((h) => h.text);
    return { status: 'missing-anchor', target, anchor: heading, ...this.offer(() => suggest(heading, candidates(names))) };
  }

  /**
   * GitHub's anchors are lower case and its page script also matches a
   * fragment lower-cased, so `#How-It-Works` reaches `how-it-works`.
   */
  private checkAnchor(target: ArticleFacts, anchor: string): LinkResolution {
    if (anchor === '' || this.hasAnchor(target, anchor)) return { status: 'ok', target, ...(anchor ? { anchor } : {}) };
    return { status: 'missing-anchor', target, anchor, ...this.offer(() => suggest(anchor, candidates(target.anchors))) };
  }

  private hasAnchor(target: ArticleFacts, anchor: string): boolean {
    let anchors = this.anchorSets.get(target);
    if (!anchors) {
      anchors = new Set(target.anchors);
      this.anchorSets.set(target, anchors);
    }
    return anchors.has(anchor) || anchors.has(anchor.toLowerCase()) || renderedAnchor(target, anchor, anchors);
  }

  /**
   * `/<category>/<stem>`, with or without `.md` or a trailing slash, is the
   * article's page; `/` and folders holding articles (`/<category>/`) are the
   * site's own pages; anything else must be a file under the content root
   * (an asset).
   */
  private resolveAbsolute(link: LinkFacts): LinkResolution {
    const written = link.path ?? '';
    const sitePath = trimEnd(written.replace(/^\/+/, ''));
    const file = path.resolve(this.contentRoot, sitePath);
    if (!isInside(this.projectRoot, file)) return { status: 'outside-repo', path: written };
    const id = sitePath.replace(/\.md$/i, '');
    const article = this.exactIds.get(id)?.[0] ?? this.exactIds.get(`${id}/index`)?.[0];
    if (article) return this.withAnchor(article, link);
    if (sitePath === '' || this.folders.has(file)) return { status: 'ok' };
    if (this.fileExists(file)) return { status: 'ok', file };
    if (!isArticlePath(sitePath, link.image)) return { status: 'missing-target', path: written };
    const extension = /\.md$/i.test(sitePath) ? '.md' : '';
    const slash = written.endsWith('/') ? '/' : '';
    return { status: 'missing-target', path: written, ...this.offer(() => suggest(id, this.lists().ids, (match) => `/${match.value}${extension}${slash}`, id.slice(id.lastIndexOf('/') + 1), undefined, true)) };
  }

  /** Relative to the linking file, as GitHub and most site generators resolve them. */
  private resolveRelative(from: ArticleFacts, link: LinkFacts): LinkResolution {
    const written = link.path ?? '';
    const file = path.resolve(path.dirname(from.path), written);
    // Checked before anything touches the disk: `../../../../etc/passwd` is never probed.
    if (!isInside(this.projectRoot, file)) return { status: 'outside-repo', path: written };
    const article =
      this.byPath.get(file) ??
      // Extensionless links (`../x/y`) reach `y.md`, and a folder its index page.
      (!link.image && !/\.md$/i.test(file)
        ? (this.byPath.get(`${file}.md`) ?? this.byPath.get(path.join(file, 'index.md')) ?? this.byPath.get(path.join(file, 'README.md')))
        : undefined);
    if (article) return this.withAnchor(article, link);
    if (this.fileExists(file)) return { status: 'ok', file };
    if (!link.image && this.folders.has(file)) return { status: 'ok' };
    if (!isArticlePath(written, link.image)) return { status: 'missing-target', path: written };
    return { status: 'missing-target', path: written, ...this.offer(() => this.suggestRelative(from, written, file)) };
  }

  /**
   * Compares content-relative paths (so `../reasoning/reac` finds
   * `reasoning/react` however the link climbed there), then writes each
   * match the way the author wrote the link: same folder prefix, `./`, and
   * `.md` or not.
   */
  private suggestRelative(from: ArticleFacts, written: string, file: string): { suggestion?: string; suggestions?: string[] } {
    const keepExtension = /\.md$/i.test(written);
    const strip = (value: string) => (keepExtension ? value : value.replace(/\.md$/i, ''));
    const fromDir = path.dirname(from.path);
    const writtenDir = written.slice(0, written.lastIndexOf('/') + 1);
    const format = (match: Candidate) => {
      const candidate = match.path as string;
      if (path.dirname(candidate) === path.dirname(file)) return `${writtenDir}${path.basename(strip(candidate))}`;
      const relative = path.relative(fromDir, strip(candidate)).split(path.sep).join('/');
      return written.startsWith('./') && !relative.startsWith('../') ? `./${relative}` : relative;
    };
    const wanted = strip(path.relative(this.contentRoot, file).split(path.sep).join('/'));
    const lists = this.lists();
    return suggest(
      wanted,
      keepExtension ? lists.paths : lists.stems,
      format,
      wanted.slice(wanted.lastIndexOf('/') + 1),
      // A file rarely means to link to itself: do not offer it.
      (candidate) => candidate.path === from.path,
      true,
    );
  }

  private withAnchor(article: ArticleFacts, link: LinkFacts): LinkResolution {
    return link.anchor !== undefined ? this.checkAnchor(article, link.anchor) : { status: 'ok', target: article };
  }

  private lists() {
    if (!this.suggestionLists) {
      const wikiNames: string[] = [];
      const ids: string[] = [];
      const paths: Candidate[] = [];
      const stems: Candidate[] = [];
      for (const article of this.byPath.values()) {
        if (article.title) wikiNames.push(article.title);
        wikiNames.push(...article.aliases, article.id);
        ids.push(article.id);
        // Content-relative, so `../reasoning/reac` finds `reasoning/react` however the link climbed there.
        const relative = path.relative(this.contentRoot, article.path).split(path.sep).join('/');
        paths.push(candidate(relative, article.path));
        stems.push(candidate(relative.replace(/\.md$/i, ''), article.path));
      }
      this.suggestionLists = { wikiNames: candidates(wikiNames), ids: candidates(ids), paths, stems };
    }
    return this.suggestionLists;
  }
}

/** A suggestion candidate, normalised once; `path` is the article it stands for, when it is one. */
export interface Candidate {
  value: string;
  normalized: string;
  path?: string;
  /** Where the folder part of `normalized` ends, found on first use. */
  slash?: number;
}

function candidate(value: string, articlePath?: string): Candidate {
  return { value, normalized: normalizeForMatch(value), ...(articlePath ? { path: articlePath } : {}) };
}

/** Candidates from plain strings; those that normalise alike count once (the first seen), so "ReAct" and "react" do not compete. */
function candidates(values: Iterable<string>): Candidate[] {
  const seen = new Set<string>();
  const list: Candidate[] = [];
  for (const value of values) {
    const item = candidate(value);
    if (seen.has(item.normalized)) continue;
    seen.add(item.normalized);
    list.push(item);
  }
  return list;
}

/**
 * Close matches for a failed lookup, closest first: within an edit distance
 * of 40% of the input (at least 2), ignoring case and `-`/`_`/space
 * differences. Paths pass their last segment as `limitBase`, so a long shared
 * folder prefix does not make every file in the folder "close".
 */
export function closeMatches(input: string, values: Iterable<string>, max = MAX_SUGGESTIONS, limitBase = input): string[] {
  return rank(input, candidates(values), max, limitBase).map((match) => match.value);
}

/**
 * With `paths`, candidates are `folder/name` paths: the names are compared and
 * a different folder costs one edit, so the same file name in the wrong
 * folder, or a misspelt folder, is one edit away however long the folder is.
 */
function rank(
  input: string,
  list: readonly Candidate[],
  max: number,
  limitBase: string,
  skip?: (candidate: Candidate) => boolean,
  paths = false,
): Candidate[] {
  const wanted = normalizeForMatch(input);
  const limit = Math.max(2, Math.floor(Math.max(normalizeForMatch(limitBase).length, 1) * 0.4));
  const wantedSlash = paths ? wanted.lastIndexOf('/') : -1;
  const wantedName = paths ? wanted.slice(wantedSlash + 1) : wanted;
  const wantedFolder = paths ? wanted.slice(0, wantedSlash + 1) : '';
  const scored: Array<{ candidate: Candidate; distance: number }> = [];
  for (const item of list) {
    const normalized = item.normalized;
    const slash = paths ? (item.slash ??= normalized.lastIndexOf('/')) : -1;
    // A length difference beyond the limit cannot be within it: skip the edit distance.
    const lengths = Math.abs(normalized.length - slash - 1 - wantedName.length);
    if (lengths > limit) continue;
    const folderCost = paths && !(slash === wantedSlash && normalized.startsWith(wantedFolder)) ? 1 : 0;
    if (lengths + folderCost > limit || skip?.(item)) continue;
    const d = distance(wantedName, paths ? normalized.slice(slash + 1) : normalized) + folderCost;
    if (d <= limit) scored.push({ candidate: item, distance: d });
  }
  scored.sort((a, b) => a.distance - b.distance || compare(a.candidate.value, b.candidate.value));
  return scored.slice(0, max).map((s) => s.candidate);
}

function suggest(
  input: string,
  list: readonly Candidate[],
  format: (match: Candidate) => string = (match) => match.value,
  limitBase = input,
  skip?: (candidate: Candidate) => boolean,
  paths = false,
): { suggestion?: string; suggestions?: string[] } {
  const matches = rank(input, list, MAX_SUGGESTIONS, limitBase, skip, paths).map(format);
  return matches.length ? { suggestion: matches[0] as string, suggestions: matches } : {};
}

/** A file name with an extension other than `.md`: `diagram.svg`, `paper.pdf`. */
export function isAssetName(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return /\.[a-z\d]+$/i.test(base) && !/\.md$/i.test(base);
}

/** Links that must reach an article (a Markdown file or an extensionless page), not an asset. */
function isArticlePath(written: string, image: boolean): boolean {
  if (image) return false;
  const base = trimEnd(written).split('/').pop() ?? '';
  return /\.md$/i.test(base) || !base.includes('.');
}

function looksLikeSlug(value: string): boolean {
  return /^[\p{Ll}\p{N}_-]+$/u.test(value) && value.includes('-');
}

/**
 * A table of the index as sorted keys and their values, found by binary
 * search: JSON arrays parse several times faster than an object with
 * thousands of keys, and need no map built from them.
 */
export interface SortedTable<V> {
  keys: string[];
  values: V[];
}

/** The index's tables with articles as positions (`KnowledgeIndex.snapshot`); plain JSON. */
export interface IndexSnapshot {
  /** The articles in the order the index holds them. */
  articles: number[];
  /** Each key's article, or articles in the order the index holds them. */
  exactIds: SortedTable<number | number[]>;
  /** Null when it is `exactIds` (every id lower case). */
  foldedIds: SortedTable<number | number[]> | null;
  wikiKeys: SortedTable<number | number[]>;
  titleKeys: SortedTable<number | number[]>;
  folders: SortedTable<number>;
}

function sortedTable<T, V>(map: Map<string, T>, value: (item: T) => V): SortedTable<V> {
  const keys = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { keys, values: keys.map((key) => value(map.get(key) as T)) };
}

/** The position of `key` in sorted `keys`, or -1. */
function find(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = keys[middle] as string;
    if (at === key) return middle;
    if (at < key) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Where `KnowledgeIndex.fromSnapshot` gets an article's facts, by position, and a path's position. */
export interface SnapshotSource {
  at(position: number): ArticleFacts;
  position(path: string): number | undefined;
}

/** A snapshot's table of key to articles, read in place. */
class TableView {
  constructor(
    private readonly table: SortedTable<number | number[]>,
    private readonly at: (position: number) => ArticleFacts,
  ) {}

  get(key: string): ArticleFacts[] | undefined {
    const i = find(this.table.keys, key);
    if (i === -1) return undefined;
    const value = this.table.values[i] as number | number[];
    return typeof value === 'number' ? [this.at(value)] : value.map(this.at);
  }

  has(key: string): boolean {
    return find(this.table.keys, key) !== -1;
  }
}

class CountsView {
  constructor(private readonly table: SortedTable<number>) {}

  get(key: string): number | undefined {
    const i = find(this.table.keys, key);
    return i === -1 ? undefined : this.table.values[i];
  }

  has(key: string): boolean {
    return find(this.table.keys, key) !== -1;
  }
}

/** A snapshot's articles by path; facts are asked for only when returned. */
class ArticlesView {
  private readonly members: Set<number>;

  constructor(
    private readonly order: number[],
    private readonly at: (position: number) => ArticleFacts,
    private readonly position: (path: string) => number | undefined,
  ) {
    this.members = new Set(order);
  }

  get size(): number {
    return this.order.length;
  }

  get(path: string): ArticleFacts | undefined {
    const i = this.position(path);
    return i !== undefined && this.members.has(i) ? this.at(i) : undefined;
  }

  has(path: string): boolean {
    const i = this.position(path);
    return i !== undefined && this.members.has(i);
  }

  *values(): IterableIterator<ArticleFacts> {
    for (const i of this.order) yield this.at(i);
  }
}

function wikiKeysOf(article: ArticleFacts, titles: ReadonlySet<string>): Set<string> {
  const keys = new Set(titles);
  keys.add(wikiKey(article.stem));
  keys.add(wikiKey(article.id));
  return keys;
}

function titleKeysOf(article: ArticleFacts): Set<string> {
  const keys = new Set<string>();
  if (article.title?.trim()) keys.add(wikiKey(article.title));
  for (const alias of article.aliases) if (alias.trim()) keys.add(wikiKey(alias));
  return keys;
}

/** How titles, aliases, stems and wiki targets compare: case-insensitive, whitespace collapsed. */
export function wikiKey(value: string): string {
  // Most names are printable ASCII with single spaces: NFC and the space
  // collapse change nothing there, and building the index asks for several
  // keys per article.
  if (PLAIN.test(value)) {
    const trimmed = value.trim();
    return (/\.md$/i.test(trimmed) ? trimmed.slice(0, -3) : trimmed).toLowerCase();
  }
  return value.normalize('NFC').trim().replace(/\.md$/i, '').replace(/\s+/g, ' ').toLowerCase();
}

/** Printable ASCII without two spaces in a row. */
const PLAIN = /^(?:[!-~]| (?! ))*$/;

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function removeFrom<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(value);
  if (at !== -1) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Is `file` inside `root` (or `root` itself)? Pure path arithmetic, no disk access. */
export function isInside(root: string, file: string): boolean {
  // The common case, without path.relative's work; anything else (`..` segments, case-insensitive drives) goes the long way.
  if (file.startsWith(root.endsWith(path.sep) ? root : root + path.sep) && !file.includes(`${path.sep}..`)) return true;
  const relative = path.relative(root, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** The prefix GitHub puts on the ids of rendered user content. */
const USER_CONTENT = 'user-content-';

/**
 * Anchors a rendered page has that its text does not show, matched like the
 * others (exactly or lower-cased):
 * - `top`, the top of any HTML page;
 * - any anchor with GitHub's `user-content-` prefix, which its ids carry;
 * - the footnote anchors GitHub and remark-rehype make for a footnote that is
 *   both defined and referenced (one that is not is not rendered): `fn-<label>`
 *   on the note, `fnref-<label>` on its first reference, `fnref-<label>-2` on
 *   the second and so on; prefixed or not.
 */
function renderedAnchor(target: ArticleFacts, anchor: string, anchors: ReadonlySet<string>): boolean {
  const lower = anchor.toLowerCase();
  if (lower === 'top') return true;
  const prefixed = lower.startsWith(USER_CONTENT);
  const bare = prefixed ? lower.slice(USER_CONTENT.length) : lower;
  if (prefixed && (anchors.has(anchor.slice(USER_CONTENT.length)) || anchors.has(bare))) return true;
  if (bare.startsWith('fn-')) return footnoteReferences(target, bare.slice(3)) > 0;
  if (!bare.startsWith('fnref-')) return false;
  const label = bare.slice(6);
  if (footnoteReferences(target, label) > 0) return true;
  // `fnref-note-2`: the second reference to `note` (a label may end in `-2` itself, tried above).
  const dash = label.lastIndexOf('-');
  const digits = label.slice(dash + 1);
  const nth = Number(digits);
  return dash > 0 && digits !== '' && /^\d+$/.test(digits) && nth >= 2 && footnoteReferences(target, label.slice(0, dash)) >= nth;
}

/**
 * How many times `target` references the footnote `label`. A `[^label]`
 * with no definition is plain text, not a reference (as in GFM), so a
 * footnote counted here is also defined.
 */
function footnoteReferences(target: ArticleFacts, label: string): number {
  if (label === '') return 0;
  const key = footnoteKey(label);
  let count = 0;
  for (const reference of target.footnotes.references) if (reference.key === key) count++;
  return count;
}
