import type { ArticleFacts, ContentIndex, LinkFacts, LinkResolution } from '@kblint/rule-kit';
import { normalizeForMatch } from '@kblint/rule-kit';
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
  private readonly byPath = new Map<string, ArticleFacts>();
  /** Exact ids: site-absolute links are case-sensitive like the URLs they stand for. */
  private readonly exactIds = new Map<string, ArticleFacts[]>();
  /** Lower-cased ids, for `byId` and wiki `[[category/stem]]`. */
  private readonly foldedIds = new Map<string, ArticleFacts[]>();
  /** Title, aliases, stem and id of every article, normalised (`wikiKey`). */
  private readonly wikiKeys = new Map<string, ArticleFacts[]>();
  /** Titles and aliases only, normalised (`wikiKey`). */
  private readonly titleKeys = new Map<string, ArticleFacts[]>();
  /** First folders that hold articles: `/<category>/` is a page of the site. */
  private readonly folders = new Map<string, number>();
  private readonly anchorSets = new WeakMap<ArticleFacts, Set<string>>();
  private readonly fileExists: (absolutePath: string) => boolean;
  private backlinkMap: Map<string, Backlink[]> | undefined;

  constructor(articles: Iterable<ArticleFacts>, options: IndexOptions) {
    this.contentRoot = options.contentRoot;
    this.projectRoot = options.projectRoot;
    this.fileExists = options.fileExists;
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
    const old = this.byPath.get(filePath);
    if (!old) return;
    this.byPath.delete(filePath);
    removeFrom(this.exactIds, old.id, old);
    removeFrom(this.foldedIds, old.id.toLowerCase(), old);
    for (const key of wikiKeysOf(old)) removeFrom(this.wikiKeys, key, old);
    for (const key of titleKeysOf(old)) removeFrom(this.titleKeys, key, old);
    if (old.folder) {
      const count = (this.folders.get(old.folder) ?? 1) - 1;
      if (count > 0) this.folders.set(old.folder, count);
      else this.folders.delete(old.folder);
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
      this.backlinkMap = map;
    }
    return this.backlinkMap.get(filePath) ?? [];
  }

  private add(article: ArticleFacts): void {
    if (this.byPath.has(article.path)) this.remove(article.path);
    this.byPath.set(article.path, article);
    addTo(this.exactIds, article.id, article);
    addTo(this.foldedIds, article.id.toLowerCase(), article);
    for (const key of wikiKeysOf(article)) addTo(this.wikiKeys, key, article);
    for (const key of titleKeysOf(article)) addTo(this.titleKeys, key, article);
    if (article.folder) this.folders.set(article.folder, (this.folders.get(article.folder) ?? 0) + 1);
    this.backlinkMap = undefined;
  }

  private resolveWiki(from: ArticleFacts, link: LinkFacts): LinkResolution {
    const targetName = link.target ?? '';
    if (targetName === '') {
      // `[[#Heading]]` is a heading of this article; `[[]]` and `[[|label]]` name nothing.
      if (link.anchor === undefined) return { status: 'missing-target', path: '' };
      return this.checkWikiHeading(from, link.anchor);
    }
    const candidates = this.findWikiTargets(targetName);
    if (candidates.length > 1) {
      return { status: 'ambiguous', candidates: [...candidates].sort((a, b) => compare(a.id, b.id)) };
    }
    const target = candidates[0];
    if (!target) return { status: 'missing-target', path: targetName, ...suggest(targetName, this.wikiNames()) };
    return this.checkWikiHeading(target, link.anchor);
  }

  /**
   * A wiki heading part names a heading by its text (case-insensitive,
   * whitespace collapsed; a repeated heading text means the first) or by an
   * anchor, which reaches the later ones: `[[Page#examples-1]]`.
   */
  private checkWikiHeading(target: ArticleFacts, heading: string | undefined): LinkResolution {
    if (heading === undefined || heading === '') return { status: 'ok', target };
    const wanted = wikiKey(heading);
    const byText = target.headings.find((h) => wikiKey(h.text) === wanted);
    if (byText) return { status: 'ok', target, anchor: byText.slug };
    if (this.hasAnchor(target, heading)) return { status: 'ok', target, anchor: heading };
    // Suggest in the form the author used: a slug for a slug, heading text otherwise.
    const names = looksLikeSlug(heading) ? target.anchors : target.headings.map((h) => h.text);
    return { status: 'missing-anchor', target, anchor: heading, ...suggest(heading, names) };
  }

  /**
   * GitHub's anchors are lower case and its page script also matches a
   * fragment lower-cased, so `#How-It-Works` reaches `how-it-works`.
   */
  private checkAnchor(target: ArticleFacts, anchor: string): LinkResolution {
    if (anchor === '' || this.hasAnchor(target, anchor)) return { status: 'ok', target, ...(anchor ? { anchor } : {}) };
    return { status: 'missing-anchor', target, anchor, ...suggest(anchor, target.anchors) };
  }

  private hasAnchor(target: ArticleFacts, anchor: string): boolean {
    let anchors = this.anchorSets.get(target);
    if (!anchors) {
      anchors = new Set(target.anchors);
      this.anchorSets.set(target, anchors);
    }
    return anchors.has(anchor) || anchors.has(anchor.toLowerCase());
  }

  /**
   * `/<category>/<stem>`, with or without `.md` or a trailing slash, is the
   * article's page; `/` and `/<category>/` are the site's own pages; anything
   * else must be a file under the content root (an asset).
   */
  private resolveAbsolute(link: LinkFacts): LinkResolution {
    const written = link.path ?? '';
    const sitePath = written.replace(/^\/+/, '').replace(/\/+$/, '');
    const file = path.resolve(this.contentRoot, sitePath);
    if (!isInside(this.projectRoot, file)) return { status: 'outside-repo', path: written };
    const id = sitePath.replace(/\.md$/i, '');
    const article = this.exactIds.get(id)?.[0] ?? this.exactIds.get(`${id}/index`)?.[0];
    if (article) return this.withAnchor(article, link);
    if (sitePath === '' || (!sitePath.includes('/') && this.folders.has(sitePath))) {
      return { status: 'ok' };
    }
    if (this.fileExists(file)) return { status: 'ok', file };
    if (!isArticlePath(sitePath, link.image)) return { status: 'missing-target', path: written };
    const extension = /\.md$/i.test(sitePath) ? '.md' : '';
    const slash = written.endsWith('/') ? '/' : '';
    return { status: 'missing-target', path: written, ...suggest(id, this.ids(), (match) => `/${match}${extension}${slash}`, id.slice(id.lastIndexOf('/') + 1)) };
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
    if (!isArticlePath(written, link.image)) return { status: 'missing-target', path: written };
    return { status: 'missing-target', path: written, ...this.suggestRelative(from, written, file) };
  }

  /**
   * Compares content-relative paths (so `../reasoning/reac` finds
   * `reasoning/react` however the link climbed there), then writes each
   * match the way the author wrote the link: same folder prefix, `./`, and
   * `.md` or not.
   */
  private suggestRelative(from: ArticleFacts, written: string, file: string): { suggestion?: string; suggestions?: string[] } {
    const keepExtension = /\.md$/i.test(written);
    const key = (absolute: string) => {
      const relative = path.relative(this.contentRoot, absolute).split(path.sep).join('/');
      return keepExtension ? relative : relative.replace(/\.md$/i, '');
    };
    const byKey = new Map<string, string>();
    for (const candidate of this.byPath.keys()) {
      // A file rarely means to link to itself: do not offer it.
      if (candidate !== from.path) byKey.set(key(candidate), candidate);
    }
    const fromDir = path.dirname(from.path);
    const writtenDir = written.slice(0, written.lastIndexOf('/') + 1);
    const format = (match: string) => {
      const candidate = byKey.get(match) as string;
      const name = path.basename(keepExtension ? candidate : candidate.replace(/\.md$/i, ''));
      if (path.dirname(candidate) === path.dirname(file)) return `${writtenDir}${name}`;
      const relative = path.relative(fromDir, keepExtension ? candidate : candidate.replace(/\.md$/i, '')).split(path.sep).join('/');
      return written.startsWith('./') && !relative.startsWith('../') ? `./${relative}` : relative;
    };
    const wanted = key(file);
    return suggest(wanted, byKey.keys(), format, wanted.slice(wanted.lastIndexOf('/') + 1));
  }

  private withAnchor(article: ArticleFacts, link: LinkFacts): LinkResolution {
    return link.anchor !== undefined ? this.checkAnchor(article, link.anchor) : { status: 'ok', target: article };
  }

  private *ids(): Iterable<string> {
    for (const article of this.byPath.values()) yield article.id;
  }

  private *wikiNames(): Iterable<string> {
    for (const article of this.byPath.values()) {
      if (article.title) yield article.title;
      yield* article.aliases;
      yield article.id;
    }
  }
}

/**
 * Close matches for a failed lookup, closest first: within an edit distance
 * of 40% of the input (at least 2), ignoring case and `-`/`_`/space
 * differences. Paths pass their last segment as `limitBase`, so a long shared
 * folder prefix does not make every file in the folder "close".
 * Candidates that normalise alike count once (the first seen),
 * so "ReAct" and "react" do not compete with each other.
 */
export function closeMatches(input: string, candidates: Iterable<string>, max = MAX_SUGGESTIONS, limitBase = input): string[] {
  const wanted = normalizeForMatch(input);
  const limit = Math.max(2, Math.floor(Math.max(normalizeForMatch(limitBase).length, 1) * 0.4));
  const seen = new Set<string>();
  const scored: Array<{ value: string; distance: number }> = [];
  for (const candidate of candidates) {
    const normalized = normalizeForMatch(candidate);
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    // A length difference beyond the limit cannot be within it.
    if (Math.abs(normalized.length - wanted.length) > limit) continue;
    const d = distance(wanted, normalized);
    if (d <= limit) scored.push({ value: candidate, distance: d });
  }
  scored.sort((a, b) => a.distance - b.distance || compare(a.value, b.value));
  return scored.slice(0, max).map((s) => s.value);
}

function suggest(
  input: string,
  candidates: Iterable<string>,
  format: (match: string) => string = (match) => match,
  limitBase = input,
): { suggestion?: string; suggestions?: string[] } {
  const matches = closeMatches(input, candidates, MAX_SUGGESTIONS, limitBase).map(format);
  return matches.length ? { suggestion: matches[0] as string, suggestions: matches } : {};
}

/** Links that must reach an article (a Markdown file or an extensionless page), not an asset. */
function isArticlePath(written: string, image: boolean): boolean {
  if (image) return false;
  const base = written.replace(/\/+$/, '').split('/').pop() ?? '';
  return /\.md$/i.test(base) || !base.includes('.');
}

function looksLikeSlug(value: string): boolean {
  return /^[\p{Ll}\p{N}_-]+$/u.test(value) && value.includes('-');
}

function wikiKeysOf(article: ArticleFacts): Set<string> {
  const keys = titleKeysOf(article);
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
  return value.normalize('NFC').trim().replace(/\.md$/i, '').replace(/\s+/g, ' ').toLowerCase();
}

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
  const relative = path.relative(root, file);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
