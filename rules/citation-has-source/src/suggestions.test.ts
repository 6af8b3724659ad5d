/** What a quick fix reads for malformed locators: README examples show only positions and messages. */
import { describe, expect, it } from 'vitest';
import { runExample } from '../../../tests/helpers/readme-examples.js';

const FRONTMATTER = '---\ntitle: ReAct\ncategory: Reasoning\n---\n\n';

async function findings(body: string, requireLocator: boolean) {
  const source = `${FRONTMATTER}${body}`;
  const { result } = await runExample(
    {
      title: 'locators',
      config: { rules: { 'citation-has-source': ['error', { requireLocator }] } },
      files: [{ path: 'content/reasoning/react.md', content: source }],
      output: [],
      allRules: false,
    },
    'citation-has-source',
  );
  return { source, found: result.diagnostics.filter((d) => d.ruleId === 'citation-has-source') };
}

describe('citation-has-source: expected and suggestions', () => {
  it('repairs a mistyped scheme, as a suggestion that is not certain', async () => {
    const { source, found } = await findings('A[^a].\n\n[^a]: Yao (2022). https:/arxiv.org/abs/2210.03629.\n', true);
    expect(found).toHaveLength(1);
    expect(found[0]?.expected).toEqual(['https://arxiv.org/abs/2210.03629']);
    const suggestion = found[0]?.suggestions?.[0];
    expect(suggestion).toMatchObject({ title: 'Replace with `https://arxiv.org/abs/2210.03629`', certain: false });
    const edit = suggestion?.edits[0];
    expect(edit && source.slice(0, edit.start) + edit.text + source.slice(edit.end)).toBe(
      `${FRONTMATTER}A[^a].\n\n[^a]: Yao (2022). https://arxiv.org/abs/2210.03629.\n`,
    );
  });

  it('has nothing to repair in a malformed DOI or host', async () => {
    const { found } = await findings('A[^a][^b].\n\n[^a]: doi:10.1000\n[^b]: https://example/paper\n', true);
    expect(found.map((d) => [d.message, d.expected, d.suggestions])).toEqual([
      ['Unexpected malformed DOI `doi:10.1000` in footnote definition `[^a]`, expected `10.<registrant>/<suffix>` such as `doi:10.1000/xyz123`', undefined, undefined],
      ['Unexpected malformed URL `https://example/paper` in footnote definition `[^b]`, expected a URL such as `https://example.org/paper`', undefined, undefined],
    ]);
  });

  it('reads `Doi 2019` as an author and year, and `DOI 10.1000` as a malformed DOI', async () => {
    const { found } = await findings('A[^a][^b].\n\n[^a]: Takeshi Doi 2019. https://example.org/doi\n[^b]: A paper. DOI 10.1000\n', true);
    expect(found.map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn}: ${d.message}`)).toEqual([
      '9:16-9:27: Unexpected malformed DOI `DOI 10.1000` in footnote definition `[^b]`, expected `10.<registrant>/<suffix>` such as `doi:10.1000/xyz123`',
    ]);
  });

  it('checks nothing about locators by default', async () => {
    const { found } = await findings('A[^a][^b].\n\n[^a]: A book.\n[^b]: https//broken\n', false);
    expect(found).toEqual([]);
  });

  it('finds placeholders in a footnote of several paragraphs only when they are all there is', async () => {
    const { found } = await findings('A[^a][^b].\n\n[^a]: TODO\n\n    TBD\n\n[^b]: TODO\n\n    Smith (2020), a real book.\n', false);
    expect(found.map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn}: ${d.message}`)).toEqual([
      '8:7-10:8: Unexpected placeholder `TODO TBD` in footnote definition `[^a]`, expected a source: author, title, year and a URL or DOI',
    ]);
  });
});
