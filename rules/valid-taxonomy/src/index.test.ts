import path from 'node:path';
import type { Diagnostic } from '@kblint/rule-kit';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeKb, runJson } from '../../../tests/helpers/kb.js';
import { describeReadmeExamples, runExample } from '../../../tests/helpers/readme-examples.js';
import { TEN_CATEGORIES } from '../../../tests/helpers/taxonomy.js';

describeReadmeExamples(path.resolve(import.meta.dirname, '..'));

/** Lints files in memory with the given config over the default one; valid-taxonomy's findings. */
async function run(files: Record<string, string>, config: Record<string, unknown>): Promise<Diagnostic[]> {
  const example = {
    title: 'inline',
    config,
    files: Object.entries(files).map(([name, content]) => ({ path: name, content })),
    output: undefined,
    allRules: false,
  };
  const { result } = await runExample(example, 'valid-taxonomy');
  return result.diagnostics.filter((d) => d.ruleId === 'valid-taxonomy');
}

const FILE = 'content/memory-retrieval/rag.md';

function page(frontmatter: string): string {
  return `---\ntitle: RAG\n${frontmatter}\n---\n\n# RAG\n\nText.\n`;
}

function applyCertain(text: string, diagnostics: Diagnostic[]): string {
  const edits = diagnostics
    .flatMap((d) => d.suggestions ?? [])
    .filter((s) => s.certain)
    .flatMap((s) => s.edits)
    .sort((a, b) => b.start - a.start);
  for (const edit of edits) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

function frontmatterOf(text: string): Record<string, unknown> {
  const end = text.indexOf('\n---', 3);
  return parseYaml(text.slice(4, end)) as Record<string, unknown>;
}


describe('valid-taxonomy without a taxonomy (built CLI)', () => {
  const files = {
    'content/memory-retrieval/rag.md': page('category: Anything at all\ntags: [whatever]'),
    'content/elsewhere/b.md': page('category: Memory & Retrieval'),
  };

  it('checks nothing about categories, tags or folders', () => {
    const run = runJson(makeKb(files));
    expect(run.json?.messages.filter((m) => m.ruleId === 'valid-taxonomy')).toEqual([]);
  });

  it('does check the same files once a taxonomy is set', () => {
    const run = runJson(makeKb({ ...files, '.kblintrc.yml': `taxonomy:\n  categories:\n    - { name: Memory & Retrieval, slug: memory-retrieval }\n` }));
    const found = run.json?.messages.filter((m) => m.ruleId === 'valid-taxonomy');
    expect(found?.map((m) => `${m.file}:${m.line}:${m.column}: ${m.message}`)).toEqual([
      'content/elsewhere/b.md:3:11: Unexpected file in `content/elsewhere/` for category `Memory & Retrieval`, expected `content/memory-retrieval/b.md`',
      'content/memory-retrieval/rag.md:3:11: Unexpected unknown category `Anything at all`, expected one of `Memory & Retrieval` (by name or slug)',
    ]);
  });
});

describe('valid-taxonomy fixes', () => {
  const taxonomy = {
    categories: [...TEN_CATEGORIES, { name: 'Tools: Browsing', slug: 'web' }],
    tags: ['retrieval', 'agents', 'yes'],
    deprecatedTags: { rag: 'retrieval', 'old, tag': 'agents', affirmative: 'yes' },
  };
  // The file stays in memory-retrieval/ whatever the category becomes.
  const config = { taxonomy, rules: { 'valid-taxonomy': ['error', { enforceFolders: false }] } };

  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['a plain category', 'category: Memory and Retrieval', { category: 'Memory & Retrieval' }],
    ['a single-quoted category', "category: 'Memory and Retrieval'", { category: 'Memory & Retrieval' }],
    ['a double-quoted category with a comment', 'category: "Memory and Retrieval"  # filed by hand', { category: 'Memory & Retrieval' }],
    ['a replacement that needs quotes', 'category: Tools Browsing', { category: 'Tools: Browsing' }],
    ['deprecated tags in a flow list', 'category: Memory & Retrieval\ntags: [rag, "old, tag"]', { tags: ['retrieval', 'agents'] }],
    ['deprecated tags in a block list', 'category: Memory & Retrieval\ntags:\n  - rag\n  - affirmative', { tags: ['retrieval', 'yes'] }],
  ];

  for (const [title, frontmatter, expected] of cases) {
    it(`replaces ${title} and keeps the YAML valid`, async () => {
      const text = page(frontmatter);
      const found = await run({ [FILE]: text }, config);
      expect(found.every((d) => d.suggestions?.length === 1 && d.suggestions[0]?.certain)).toBe(true);
      const fixed = applyCertain(text, found);
      expect(frontmatterOf(fixed)).toMatchObject(expected);
      expect(await run({ [FILE]: fixed }, config)).toEqual([]);
    });
  }

  it('puts the replacement in `expected`', async () => {
    const found = await run({ [FILE]: page('category: Memory and Retrieval\ntags: [rag]') }, config);
    expect(found.map((d) => d.expected)).toEqual([['Memory & Retrieval'], ['retrieval']]);
  });

  it('offers a close tag but does not apply it', async () => {
    const found = await run({ [FILE]: page('category: Memory & Retrieval\ntags: [agnets]') }, config);
    expect(found.map((d) => d.suggestions)).toEqual([
      [{ title: 'Replace with `agents`', edits: [{ start: 51, end: 57, text: 'agents' }], certain: false }],
    ]);
  });

  it('offers no edit for a block scalar', async () => {
    const found = await run({ [FILE]: page('category: >-\n  Memory and Retrieval') }, config);
    expect(found.map((d) => [d.message, d.suggestions])).toEqual([
      ['Unexpected unknown category `Memory and Retrieval`, did you mean `Memory & Retrieval`?', undefined],
    ]);
  });
});
