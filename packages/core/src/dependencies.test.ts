import type { ArticleFacts, LinkFacts, LinkResolution } from '@kblint/rule-kit';
import { describe, expect, it } from 'vitest';
import type { KnowledgeIndex } from './content-index.js';
import { DependencyTracker } from './dependencies.js';

// A recorded answer is compared with the answer of a later run by its
// digest alone: two different answers must never share a digest, or a stale
// finding would be reused. The index here is a stub that answers each link
// with a chosen resolution.

const article = (relPath: string): ArticleFacts => ({ path: `/kb/content/${relPath}`, relPath }) as ArticleFacts;
const link = { kind: 'relative', raw: 'x.md' } as LinkFacts;
const source = { ...article('source.md'), links: [link] } as ArticleFacts;

function digestOf(resolution: LinkResolution, hashes: Record<string, string> = {}): string {
  const index = { resolveLink: () => resolution } as unknown as KnowledgeIndex;
  const tracker = new DependencyTracker(index, (file) => hashes[file] ?? 'h');
  return tracker.evaluate(source, ['link', 0]).digest;
}

describe('DependencyTracker digests of link answers', () => {
  const a = article('a.md');
  // Paths that hold the characters the short form is made of.
  const odd = article('a#b.md');
  const odder = article('o1:a.md');
  // Its digest, `a.md@h#b.md@h`, is a's with the anchor `b.md@h` appended.
  const lookalike = article('a.md@h#b.md');
  const answers: Array<[string, LinkResolution]> = [
    ['external', { status: 'external' }],
    ['ok, no target', { status: 'ok' }],
    ['ok, a file', { status: 'ok', file: '/kb/content/a.md' }],
    ['ok, a', { status: 'ok', target: a }],
    ['ok, a, empty anchor', { status: 'ok', target: a, anchor: '' }],
    ['ok, a#b', { status: 'ok', target: a, anchor: 'b' }],
    ['ok, a#b.md', { status: 'ok', target: a, anchor: 'b.md' }],
    ['ok, a#b.md@h', { status: 'ok', target: a, anchor: 'b.md@h' }],
    ['ok, a#b.md (a path with #)', { status: 'ok', target: odd }],
    ['ok, o1:a.md', { status: 'ok', target: odder }],
    ['ok, a.md@h#b.md', { status: 'ok', target: lookalike }],
    ['ok, a with a file too', { status: 'ok', target: a, file: '/kb/content/a.md' }],
    ['missing anchor', { status: 'missing-anchor', target: a, anchor: 'b' }],
    ['missing target', { status: 'missing-target', path: 'a.md' }],
    ['ambiguous', { status: 'ambiguous', candidates: [a, odd] }],
    ['outside', { status: 'outside-repo', path: '../a.md' }],
  ];

  it('gives every different answer a different digest', () => {
    const digests = answers.map(([name, resolution]) => [name, digestOf(resolution)] as const);
    const seen = new Map<string, string>();
    for (const [name, digest] of digests) {
      expect(seen.get(digest), `${name} and ${seen.get(digest)} share ${JSON.stringify(digest)}`).toBeUndefined();
      seen.set(digest, name);
    }
  });

  it('gives the same answer the same digest, and a new one when the target changes', () => {
    expect(digestOf({ status: 'ok', target: a, anchor: 'b' })).toBe(digestOf({ status: 'ok', target: article('a.md'), anchor: 'b' }));
    expect(digestOf({ status: 'ok', target: a }, { [a.path]: 'h1' })).not.toBe(digestOf({ status: 'ok', target: a }, { [a.path]: 'h2' }));
    expect(digestOf({ status: 'ok', target: a, anchor: 'b' }, { [a.path]: 'h1' })).not.toBe(digestOf({ status: 'ok', target: a, anchor: 'b' }, { [a.path]: 'h2' }));
  });
});
