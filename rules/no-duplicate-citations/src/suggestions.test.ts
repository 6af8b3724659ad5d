/** The cause and the removal a quick fix reads: README examples show only positions and messages. */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_ROOT, runExample } from '../../../tests/helpers/readme-examples.js';
import path from 'node:path';

const FRONTMATTER = '---\ntitle: ReAct\ncategory: Reasoning\n---\n\n';
const FILE = 'content/reasoning/react.md';

async function duplicates(source: string) {
  const { result } = await runExample(
    { title: 'duplicates', config: {}, files: [{ path: FILE, content: source }], output: [], allRules: false },
    'no-duplicate-citations',
  );
  return result.diagnostics.filter((d) => d.ruleId === 'no-duplicate-citations');
}

describe('no-duplicate-citations: related and suggestions', () => {
  it('points at the first definition and removes an exact copy certainly', async () => {
    const source = `${FRONTMATTER}ReAct[^a].\n\n[^a]: Yao (2022).\n[^A]:   Yao   (2022).\n`;
    const [found] = await duplicates(source);
    expect(found?.related).toEqual([
      {
        file: path.join(EXAMPLE_ROOT, FILE),
        range: { start: { line: 8, column: 1, offset: 54 }, end: { line: 8, column: 6, offset: 59 } },
        message: 'First definition of `[^a]`',
      },
    ]);
    expect(found?.suggestions).toEqual([
      { title: 'Remove the repeated definition `[^A]`', edits: [{ start: source.indexOf('[^A]'), end: source.length, text: '' }], certain: true },
    ]);
  });

  it('leaves the choice to a person when the two definitions differ', async () => {
    const [found] = await duplicates(`${FRONTMATTER}ReAct[^a].\n\n[^a]: Yao (2022).\n\n[^a]: Yao (2023).\n`);
    expect(found?.suggestions?.map((s) => [s.title, s.certain])).toEqual([['Remove this definition of `[^a]`', false]]);
  });
});
