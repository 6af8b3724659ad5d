/**
 * What a quick fix reads: `expected` and `suggestions`. README examples show
 * only positions and messages, so these are checked here.
 */
import type { Diagnostic, TextEdit } from '@kblint/rule-kit';
import { describe, expect, it } from 'vitest';
import { runExample } from '../../../tests/helpers/readme-examples.js';

const FRONTMATTER = '---\ntitle: ReAct\ncategory: Reasoning\n---\n\n';

async function lintArticle(body: string): Promise<{ source: string; found: Diagnostic[] }> {
  const source = `${FRONTMATTER}${body}`;
  const { result } = await runExample(
    { title: 'suggestions', config: {}, files: [{ path: 'content/reasoning/react.md', content: source }], output: [], allRules: false },
    'no-unresolved-citations',
  );
  return { source, found: result.diagnostics.filter((d) => d.ruleId === 'no-unresolved-citations') };
}

function apply(source: string, edits: TextEdit[]): string {
  let text = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

describe('no-unresolved-citations: expected and suggestions', () => {
  it('replaces a reference with the one close label, certainly', async () => {
    const { source, found } = await lintArticle('ReAct[^yao2021].\n\n[^yao2022]: Yao (2022). https://arxiv.org/abs/2210.03629\n[^wei2022]: Wei (2022).\n');
    expect(found).toHaveLength(1);
    expect(found[0]?.expected).toEqual(['yao2022']);
    expect(found[0]?.suggestions).toHaveLength(1);
    const suggestion = found[0]?.suggestions?.[0];
    expect(suggestion?.title).toBe('Replace with `[^yao2022]`');
    expect(suggestion?.certain).toBe(true);
    expect(apply(source, suggestion?.edits ?? [])).toBe(source.replace('ReAct[^yao2021]', 'ReAct[^yao2022]'));
  });

  it('is not certain when a second defined label is also close', async () => {
    const { found } = await lintArticle('Text[^smith2021].\n\n[^smith2020]: Smith (2020).\n[^smith2012]: Smith (2012).\n');
    expect(found.map((d) => [d.message, d.expected, d.suggestions?.map((s) => [s.title, s.certain])])).toEqual([
      ['Unexpected undefined footnote `[^smith2021]`, did you mean `[^smith2020]`?', ['smith2020'], [['Replace with `[^smith2020]`', false]]],
    ]);
  });

  it('offers a stub definition at the end of the file when no label is close', async () => {
    const { source, found } = await lintArticle('ReAct[^react].');
    const { source: withBreak, found: again } = await lintArticle('ReAct[^react].\n');
    expect(apply(withBreak, again[0]?.suggestions?.[0]?.edits ?? [])).toBe(`${withBreak}\n[^react]: TODO\n`);
    expect(found).toHaveLength(1);
    expect(found[0]?.expected).toBeUndefined();
    const suggestion = found[0]?.suggestions?.[0];
    expect(suggestion).toMatchObject({ title: 'Add a stub definition `[^react]: TODO` at the end of the file', certain: false });
    // The file does not end with a line break, so the stub gets a blank line before it.
    expect(apply(source, suggestion?.edits ?? [])).toBe(`${source}\n\n[^react]: TODO\n`);
  });

  it('offers removing a stray marker, and `[^n]` only when that footnote is defined', async () => {
    const { source, found } = await lintArticle('Agents plan3). They act4).\n\nCited[^3].\n\n[^3]: Yao (2022). https://arxiv.org/abs/2210.03629\n');
    expect(found.map((d) => d.expected)).toEqual([['[^3]'], ['[^4]']]);
    const [three, four] = found;
    expect(three?.suggestions?.map((s) => [s.title, s.certain])).toEqual([
      ['Replace with `[^3]`', false],
      ['Remove `3)`', false],
    ]);
    expect(apply(source, three?.suggestions?.[0]?.edits ?? [])).toContain('Agents plan[^3]. They act4).');
    expect(apply(source, three?.suggestions?.[1]?.edits ?? [])).toContain('Agents plan. They act4).');
    expect(four?.suggestions?.map((s) => s.title)).toEqual(['Remove `4)`']);
  });

  it('gives a bracketed numeral the footnote it probably was', async () => {
    const { source, found } = await lintArticle('Widely studied.[12]\n');
    expect(found[0]?.expected).toEqual(['[^12]']);
    expect(apply(source, found[0]?.suggestions?.[0]?.edits ?? [])).toContain('Widely studied.\n');
  });

  it('reads every marker and reference in one paragraph split by emphasis and links', async () => {
    const { found } = await lintArticle('A *b* (c [d](e.md) f) g1) *h* [^x] (i *j*) k22)\n');
    expect(found.map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn}`)).toEqual(['6:24-6:26', '6:31-6:35', '6:45-6:48']);
  });

  it('is not fooled by escaped backslashes: `\\\\[^x]` is a reference after a literal backslash', async () => {
    const { found } = await lintArticle('One \\\\[^x] two \\[^y] three \\\\\\[^z].\n');
    expect(found.map((d) => d.message)).toEqual([
      'Unexpected undefined footnote `[^x]`, expected a definition `[^x]: <source>` in this file',
    ]);
  });
});
