/** The removal a quick fix offers: README examples show only positions and messages. */
import { describe, expect, it } from 'vitest';
import { runExample } from '../../../tests/helpers/readme-examples.js';

const FRONTMATTER = '---\ntitle: ReAct\ncategory: Reasoning\n---\n\n';

describe('no-unused-citations: suggestions', () => {
  it('offers removing the whole definition, line break included, never certainly', async () => {
    const source = `${FRONTMATTER}ReAct[^a].\n\n[^a]: Cited.\n[^b]: Not cited,\n    and continued.\n[^c]: Last.\n\nEnd[^c].\n`;
    const { result } = await runExample(
      { title: 'unused', config: {}, files: [{ path: 'content/reasoning/react.md', content: source }], output: [], allRules: false },
      'no-unused-citations',
    );
    const found = result.diagnostics.filter((d) => d.ruleId === 'no-unused-citations');
    expect(found.map((d) => [d.line, d.column, d.endLine, d.endColumn, d.severity])).toEqual([[9, 1, 9, 6, 'warning']]);
    const suggestion = found[0]?.suggestions?.[0];
    expect(suggestion).toMatchObject({ title: 'Remove the definition `[^b]`', certain: false });
    const edit = suggestion?.edits[0];
    expect(edit && source.slice(0, edit.start) + edit.text + source.slice(edit.end)).toBe(
      `${FRONTMATTER}ReAct[^a].\n\n[^a]: Cited.\n[^c]: Last.\n\nEnd[^c].\n`,
    );
  });
});
