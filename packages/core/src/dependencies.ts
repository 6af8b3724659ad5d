import type { ArticleFacts, ContentIndex, LinkFacts, LinkResolution } from '@kblint/rule-kit';
import type { KnowledgeIndex } from './content-index.js';
import { nodeCrypto } from './node-crypto.js';

/**
 * One question an `index` rule asked the content index about a target file.
 * Recorded while the rules run, replayed on the next run: when every answer
 * is the same, the rules would report the same, so their findings are reused.
 * `link` names the target's own link by its position in `facts.links`, which
 * keeps the common case small in the cache.
 */
export type Query =
  | ['all']
  | ['get', string]
  | ['id', string]
  | ['wiki', string]
  | ['title', string]
  | ['link', number]
  | ['linkFrom', string, LinkFacts]
  | ['backlinks', string];

/** A query and the digest of its answer. */
export type Dependency = [Query, string];

/**
 * Answers queries against one run's index and digests the answers. An
 * article's digest is its path and the hash of its content, because facts
 * are a function of content and config (and the config is part of the cache
 * key): any change to an article a rule looked at changes the digest.
 */
/** What a target's `index` rules depended on. */
export interface Dependencies {
  deps: Dependency[];
  /** Articles whose facts appear in any answer. */
  refs: string[];
  /** Some answer depended on more than named articles (every article, backlinks, another file's link). */
  volatile: boolean;
}

/**
 * What changed since the run that last recorded or confirmed a target's
 * dependencies. When the names the index resolves by (paths, ids, titles,
 * aliases), the assets and every article an answer named are unchanged, the
 * answers are too, and nothing needs replaying.
 */
export interface ChangeSet {
  /** Articles added, removed or edited. */
  changed: ReadonlySet<string>;
  namesUnchanged: boolean;
}

export class DependencyTracker {
  private allDigest: string | undefined;
  private collecting: Set<string> | undefined;
  /** `article` by path: the index and the hashes do not change while the tracker lives. */
  private readonly articleDigests = new Map<string, string>();

  constructor(
    private readonly index: KnowledgeIndex,
    private readonly contentHash: (path: string) => string | undefined,
    private readonly changes?: ChangeSet,
  ) {}

  /** The index as a rule sees it while linting `target`, recording what it asks into `record`. */
  recorder(target: ArticleFacts, record: Dependencies): ContentIndex {
    const deps = record.deps;
    const seen = new Set<string>();
    const refs = new Set<string>();
    const ask = <T>(query: Query): T => {
      if (query[0] === 'all' || query[0] === 'backlinks' || query[0] === 'linkFrom') record.volatile = true;
      this.collecting = refs;
      let answer: { value: unknown; digest: string };
      try {
        answer = this.evaluate(target, query);
      } finally {
        this.collecting = undefined;
      }
      if (refs.size !== record.refs.length) record.refs = [...refs];
      // The common queries name a string or a number: a key without JSON.
      const key = query.length === 2 && typeof query[1] !== 'object' ? `${query[0]}\u0000${query[1]}` : JSON.stringify(query);
      if (!seen.has(key)) {
        seen.add(key);
        deps.push([query, answer.digest]);
      }
      return answer.value as T;
    };
    const inner = this.index;
    const known: ContentIndex = {
      contentRoot: inner.contentRoot,
      projectRoot: inner.projectRoot,
      articles: () => ask<Iterable<ArticleFacts>>(['all']),
      get: (path) => ask<ArticleFacts | undefined>(['get', path]),
      byId: (id) => ask<ArticleFacts | undefined>(['id', id]),
      findWikiTargets: (name) => ask<ArticleFacts[]>(['wiki', name]),
      findByTitle: (name) => ask<ArticleFacts[]>(['title', name]),
      resolveLink: (from, link) => {
        const own = from === target ? target.links.indexOf(link) : -1;
        return ask<LinkResolution>(own >= 0 ? ['link', own] : ['linkFrom', from.path, link]);
      },
      backlinks: (path) => ask<Array<{ from: ArticleFacts; link: LinkFacts }>>(['backlinks', path]),
    };
    // A method added to the index later, and not yet known here, is answered
    // by the real index and counted as depending on every article: slower to
    // revalidate, never stale.
    return new Proxy(known, {
      get(object, property, receiver) {
        if (Reflect.has(object, property)) return Reflect.get(object, property, receiver);
        const value: unknown = Reflect.get(inner, property);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          ask(['all']);
          return (value as (...a: unknown[]) => unknown).apply(inner, args);
        };
      },
    });
  }

  /** Are the recorded answers still the answers? */
  unchanged(target: ArticleFacts, recorded: Dependencies, sinceLastRun: boolean): boolean {
    const changes = this.changes;
    if (sinceLastRun && changes?.namesUnchanged && !recorded.volatile && recorded.refs.every((ref) => !changes.changed.has(ref))) return true;
    for (const [query, digest] of recorded.deps) {
      let current: string;
      try {
        current = this.evaluate(target, query).digest;
      } catch {
        return false;
      }
      if (current !== digest) return false;
    }
    return true;
  }

  evaluate(target: ArticleFacts, query: Query): { value: unknown; digest: string } {
    const index = this.index;
    switch (query[0]) {
      case 'all': {
        this.allDigest ??= hash([...index.articles()].map((a) => `${a.path}@${this.contentHash(a.path) ?? '?'}`).sort().join('\n'));
        return { value: index.articles(), digest: this.allDigest };
      }
      case 'get': {
        const value = index.get(query[1]);
        return { value, digest: this.article(value) };
      }
      case 'title': {
        const value = index.findByTitle(query[1]);
        return { value, digest: value.map((a) => this.article(a)).join('|') };
      }
      case 'id': {
        const value = index.byId(query[1]);
        return { value, digest: this.article(value) };
      }
      case 'wiki': {
        const value = index.findWikiTargets(query[1]);
        return { value, digest: value.map((a) => this.article(a)).join('|') };
      }
      case 'link': {
        const link = target.links[query[1]];
        if (!link) throw new Error('link out of range');
        const value = index.resolveLink(target, link);
        return { value, digest: this.resolution(value) };
      }
      case 'linkFrom': {
        const from = index.get(query[1]);
        if (!from) throw new Error('source article is gone');
        const value = index.resolveLink(from, query[2]);
        return { value, digest: `${this.article(from)}>${this.resolution(value)}` };
      }
      case 'backlinks': {
        const value = index.backlinks(query[1]);
        return { value, digest: hash(value.map(({ from, link }) => `${this.article(from)}>${JSON.stringify(link)}`).join('\n')) };
      }
    }
  }

  /**
   * An article as its path relative to the content root (which is part of
   * the cache key, so the relative path names one file) and its content hash:
   * short, since every answer about an article is stored in the cache.
   */
  private article(facts: ArticleFacts | undefined): string {
    if (!facts) return '-';
    this.collecting?.add(facts.path);
    let digest = this.articleDigests.get(facts.path);
    if (digest === undefined) {
      digest = `${facts.relPath}@${this.contentHash(facts.path) ?? '?'}`;
      this.articleDigests.set(facts.path, digest);
    }
    return digest;
  }

  /**
   * The resolution with articles named by path and content hash. The
   * commonest answers get a short text that JSON never starts with: `x` for
   * an external link; `o<n>:<target>` for a link to an article, `<n>` the
   * length of the target's digest, then `#<anchor>` when it has one. Any
   * other answer is JSON of a shallow copy.
   */
  private resolution(resolution: LinkResolution): string {
    if (resolution.status === 'external') return 'x';
    if (resolution.status === 'ok' && resolution.target && resolution.file === undefined) {
      let plain = true;
      for (const key in resolution) if (key !== 'status' && key !== 'target' && key !== 'anchor') plain = false;
      if (plain) {
        const target = this.article(resolution.target);
        const anchor = resolution.anchor;
        return `o${target.length}:${target}${anchor === undefined ? '' : `#${anchor}`}`;
      }
    }
    const named: Record<string, unknown> = { ...resolution };
    if ('target' in resolution && resolution.target) named.target = this.article(resolution.target);
    if ('candidates' in resolution) named.candidates = resolution.candidates.map((a) => this.article(a));
    return JSON.stringify(named);
  }
}

function hash(text: string): string {
  return nodeCrypto().createHash('sha1').update(text).digest('base64');
}

/**
 * Everything the index resolves names with: a change here can change any
 * answer, even about articles that did not change.
 */
export function namesDigest(articles: Iterable<ArticleFacts>): string {
  const lines: string[] = [];
  for (const a of articles) lines.push(namesLine(a));
  return hash(lines.sort().join('\n'));
}

/** One article's part of `namesDigest`. */
export function namesLine(a: ArticleFacts): string {
  return JSON.stringify([a.path, a.id, a.stem, a.folder, a.inContent, a.title, a.aliases, a.category, a.tags]);
}
