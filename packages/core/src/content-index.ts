import type { ArticleFacts, ContentIndex, LinkFacts, LinkResolution } from '@kblint/rule-kit';
import { closest } from '@kblint/rule-kit';
import path from 'node:path';

export interface IndexOptions {
  contentRoot: string;
  projectRoot: string;
  /** Does a non-article file (an image, a PDF) exist? */
  fileExists: (absolutePath: string) => boolean;
}

/**
 * The whole knowledge base as facts, with the lookups links need. Built once
 * per run from every article's facts; never reads files itself except to ask
 * whether an asset exists.
 */
export class KnowledgeIndex implements ContentIndex {
  readonly contentRoot: string;
  readonly projectRoot: string;
  private readonly byPath = new Map<string, ArticleFacts>();
  private readonly ids = new Map<string, ArticleFacts>();
  private readonly wikiKeys = new Map<string, ArticleFacts[]>();
  private readonly fileExists: (absolutePath: string) => boolean;
  private backlinkMap: Map<string, Array<{ from: ArticleFacts; link: LinkFacts }>> | undefined;

  constructor(articles: Iterable<ArticleFacts>, options: IndexOptions) {
    this.contentRoot = options.contentRoot;
    this.projectRoot = options.projectRoot;
    this.fileExists = options.fileExists;
    for (const article of articles) {
      this.byPath.set(article.path, article);
      this.ids.set(article.id.toLowerCase(), article);
      for (const key of wikiKeysOf(article)) {
        const list = this.wikiKeys.get(key);
        if (!list) this.wikiKeys.set(key, [article]);
        else if (!list.includes(article)) list.push(article);
      }
    }
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
    return this.ids.get(id.toLowerCase());
  }

  findWikiTargets(target: string): ArticleFacts[] {
    return this.wikiKeys.get(normalizeWikiKey(target)) ?? [];
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

  backlinks(filePath: string): Array<{ from: ArticleFacts; link: LinkFacts }> {
    if (!this.backlinkMap) {
      this.backlinkMap = new Map();
      for (const from of this.byPath.values()) {
        for (const link of from.links) {
          const resolution = this.resolveLink(from, link);
          const target = resolution.status === 'ok' ? resolution.target : undefined;
          if (!target || target === from) continue;
          const list = this.backlinkMap.get(target.path);
          if (list) list.push({ from, link });
          else this.backlinkMap.set(target.path, [{ from, link }]);
        }
      }
    }
    return this.backlinkMap.get(filePath) ?? [];
  }

  private resolveWiki(from: ArticleFacts, link: LinkFacts): LinkResolution {
    const targetName = link.target ?? '';
    if (targetName === '') return this.checkWikiHeading(from, link.anchor);
    const candidates = this.findWikiTargets(targetName);
    if (candidates.length > 1) return { status: 'ambiguous', candidates };
    const target = candidates[0];
    if (!target) {
      const suggestion = closest(targetName, [...this.wikiKeyNames()]);
      return { status: 'missing-target', path: targetName, ...(suggestion ? { suggestion } : {}) };
    }
    return this.checkWikiHeading(target, link.anchor);
  }

  /** A wiki heading part matches a heading's text (case-insensitively) or an anchor. */
  private checkWikiHeading(target: ArticleFacts, heading: string | undefined): LinkResolution {
    if (heading === undefined || heading === '') return { status: 'ok', target };
    const wanted = heading.toLowerCase();
    const byText = target.headings.find((h) => h.text.toLowerCase() === wanted);
    if (byText) return { status: 'ok', target, anchor: byText.slug };
    return this.checkAnchor(target, heading, target.headings.map((h) => h.text));
  }

  private checkAnchor(target: ArticleFacts, anchor: string, names: string[] = target.anchors): LinkResolution {
    if (anchor === '' || target.anchors.includes(anchor) || target.anchors.includes(anchor.toLowerCase())) {
      return { status: 'ok', target, anchor };
    }
    const suggestion = closest(anchor, names);
    return { status: 'missing-anchor', target, anchor, ...(suggestion ? { suggestion } : {}) };
  }

  private resolveAbsolute(link: LinkFacts): LinkResolution {
    const sitePath = (link.path ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
    const id = sitePath.replace(/\.md$/i, '');
    const article = this.byId(id) ?? this.byId(`${id}/index`);
    if (article) return link.anchor !== undefined ? this.checkAnchor(article, link.anchor) : { status: 'ok', target: article };
    const file = path.resolve(this.contentRoot, sitePath);
    if (!isInside(this.projectRoot, file)) return { status: 'outside-repo', path: link.path ?? '' };
    if (sitePath !== '' && this.fileExists(file)) return { status: 'ok', file };
    const suggestion = closest(id, [...this.ids.values()].map((a) => a.id));
    return { status: 'missing-target', path: link.path ?? '', ...(suggestion ? { suggestion: `/${suggestion}` } : {}) };
  }

  private resolveRelative(from: ArticleFacts, link: LinkFacts): LinkResolution {
    const file = path.resolve(path.dirname(from.path), link.path ?? '');
    if (!isInside(this.projectRoot, file)) return { status: 'outside-repo', path: link.path ?? '' };
    const article = this.byPath.get(file);
    if (article) return link.anchor !== undefined ? this.checkAnchor(article, link.anchor) : { status: 'ok', target: article };
    if (!link.image && !/\.md$/i.test(file) && this.byPath.has(`${file}.md`)) {
      const withExtension = this.byPath.get(`${file}.md`) as ArticleFacts;
      return link.anchor !== undefined ? this.checkAnchor(withExtension, link.anchor) : { status: 'ok', target: withExtension };
    }
    if (this.fileExists(file)) return { status: 'ok', file };
    const fromDir = path.dirname(from.path);
    const candidates = [...this.byPath.keys()].map((p) => path.relative(fromDir, p).split(path.sep).join('/'));
    const suggestion = /\.md$/i.test(file) ? closest(link.path ?? '', candidates) : undefined;
    return { status: 'missing-target', path: link.path ?? '', ...(suggestion ? { suggestion } : {}) };
  }

  private *wikiKeyNames(): Iterable<string> {
    for (const article of this.byPath.values()) {
      if (article.title) yield article.title;
      yield* article.aliases;
    }
  }
}

function wikiKeysOf(article: ArticleFacts): Set<string> {
  const keys = new Set<string>();
  if (article.title) keys.add(normalizeWikiKey(article.title));
  for (const alias of article.aliases) keys.add(normalizeWikiKey(alias));
  keys.add(normalizeWikiKey(article.stem));
  keys.add(normalizeWikiKey(article.id));
  return keys;
}

function normalizeWikiKey(value: string): string {
  return value.trim().replace(/\.md$/i, '').replace(/\s+/g, ' ').toLowerCase();
}

export function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
