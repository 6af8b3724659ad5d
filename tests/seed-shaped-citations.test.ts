/**
 * The article kblint was built for lost every footnote body and kept its
 * rendered markers (`decision-making3)` … `execution18)`). The fixture is
 * shaped like it: each marker must be found once, at its own position, and
 * nothing else from the citation rules; the decoys in its prose (`(GPT-4)`,
 * `(see 3)`, `(on an H100)`, `(CO2)`, a `1)` list) must stay silent.
 */
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, REPO_ROOT, runCli, runJson } from './helpers/kb.js';

const FIXTURE = path.join(REPO_ROOT, 'tests/fixtures/seed-shaped');
const ARTICLE = 'content/core-concepts/open-and-closed-models.md';
const CITATION_RULES = ['no-unresolved-citations', 'no-unused-citations', 'no-duplicate-citations', 'citation-has-source'];

/** [line, column, marker]: every glued marker 3..18 in the fixture article. */
const MARKERS: Array<[number, number, string]> = [
  [8, 231, '3)'],
  [8, 274, '4)'],
  [12, 140, '5)'],
  [12, 278, '6)'],
  [12, 337, '7)'],
  [22, 103, '8)'],
  [22, 208, '9)'],
  [30, 80, '10)'],
  [30, 151, '11)'],
  [30, 232, '12)'],
  [32, 69, '13)'],
  [32, 156, '14)'],
  [40, 123, '15)'],
  [40, 189, '16)'],
  [40, 255, '17)'],
  // The last one ends its paragraph with no punctuation after it.
  [40, 346, '18)'],
];

let fixtureRun: ReturnType<typeof runJson> | undefined;
/** Runs the CLI once on a copy, so a cache or a stray write can never change the committed fixture. */
function lintFixture() {
  if (!fixtureRun) {
    const cwd = makeKb({});
    cpSync(FIXTURE, cwd, { recursive: true });
    fixtureRun = runJson(cwd);
  }
  return fixtureRun;
}

describe('the seed-shaped knowledge base', () => {
  it('gives exactly one no-unresolved-citations per stray marker, at its position', () => {
    const run = lintFixture();
    expect(run.stderr).toBe('');
    const messages = run.json?.messages.filter((m) => m.ruleId === 'no-unresolved-citations') ?? [];
    expect(messages.map(({ file, line, column, endLine, endColumn, ruleId, severity, message }) => ({ file, line, column, endLine, endColumn, ruleId, severity, message }))).toEqual(
      MARKERS.map(([line, column, marker]) => ({
        file: ARTICLE,
        line,
        column,
        endLine: line,
        endColumn: column + marker.length,
        ruleId: 'no-unresolved-citations',
        severity: 'error',
        message: `Unexpected stray citation marker \`${marker}\`, expected a footnote reference such as \`[^${marker.slice(0, -1)}]\` with a definition, or no marker`,
      })),
    );
  });

  it('gives nothing from the other citation rules', () => {
    const run = lintFixture();
    expect(run.json?.messages.filter((m) => CITATION_RULES.slice(1).includes(m.ruleId))).toEqual([]);
    expect((run.json?.summary.rules as Record<string, number> | undefined)?.['no-unresolved-citations']).toBe(16);
  });

  it('carries the expected reference and a removal for each marker', () => {
    const run = lintFixture();
    const first = run.json?.messages.find((m) => m.ruleId === 'no-unresolved-citations') as Record<string, unknown> | undefined;
    expect(first?.expected).toEqual(['[^3]']);
    expect(first?.suggestions).toEqual([{ title: 'Remove `3)`', edits: [expect.objectContaining({ text: '' })], certain: false }]);
  });
});

describe("the project's own content/", () => {
  it('has no findings from the citation rules (with requireLocator, as configured)', () => {
    const run = runJson(REPO_ROOT);
    expect(run.json, run.stderr).toBeDefined();
    expect(run.json?.messages.filter((m) => CITATION_RULES.includes(m.ruleId))).toEqual([]);
  });
});

describe('citation fixes through `kblint --fix`', () => {
  it('applies only the certain ones: the one close label, and removing an exact copy', () => {
    const article = [
      '---',
      'title: ReAct',
      'category: Reasoning',
      '---',
      '',
      '# ReAct',
      '',
      'ReAct[^yao2021] acts[^yao2022]. Later work[^reflexion] and chain of thought[^wei2022].',
      '',
      '[^yao2022]: Yao (2022). https://arxiv.org/abs/2210.03629',
      '[^yao2022]: Yao (2022). https://arxiv.org/abs/2210.03629',
      '[^wei2022]: Wei (2022). https://arxiv.org/abs/2201.11903',
      '[^wei2022]: Wei, J. et al. (2022). A different text.',
      '[^unused]: Nobody cites this.',
      '',
    ].join('\n');
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy:\n  categories:\n    - { name: Reasoning, slug: reasoning }\n',
      'content/reasoning/react.md': article,
    });
    const run = runCli(cwd, ['--fix', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(readFileSync(path.join(cwd, 'content/reasoning/react.md'), 'utf8')).toBe(
      article
        .replace('ReAct[^yao2021]', 'ReAct[^yao2022]')
        .replace('[^yao2022]: Yao (2022). https://arxiv.org/abs/2210.03629\n[^yao2022]', '[^yao2022]'),
    );
    const left = (JSON.parse(run.stdout) as { messages: Array<{ ruleId: string; line: number; message: string }> }).messages;
    expect(left.map((m) => [m.ruleId, m.line, m.message])).toEqual([
      ['no-unresolved-citations', 8, 'Unexpected undefined footnote `[^reflexion]`, expected a definition `[^reflexion]: <source>` in this file'],
      ['no-duplicate-citations', 12, 'Unexpected second definition of footnote `[^wei2022]`, expected one definition per label (first defined on line 11)'],
      ['no-unused-citations', 13, 'Unexpected unused footnote definition `[^unused]`, expected a reference `[^unused]` in the text, or no definition'],
    ]);
  });
});
