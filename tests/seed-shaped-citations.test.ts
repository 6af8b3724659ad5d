/**
 * The article kblint was built for lost every footnote body and kept its
 * rendered markers (`decision-making3)` … `execution18)`). The fixture is
 * shaped like it: each marker must be found once, at its own position, and
 * nothing else from the citation rules; the decoys in its prose (`(GPT-4)`,
 * `(see 3)`, `(on an H100)`, `(CO2)`, a `1)` list) must stay silent.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, REPO_ROOT, runJson } from './helpers/kb.js';

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
