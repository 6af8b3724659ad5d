/**
 * The article kblint was built for has `Advantages:` and `Disadvantages:`
 * labels, twice each, with nothing under them. The fixture is shaped like it:
 * each empty label is reported once, at the label line, and nothing else
 * from the section, frontmatter and taxonomy rules (its headings all have
 * content, its frontmatter and category are valid).
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, REPO_ROOT, runJson } from './helpers/kb.js';

const FIXTURE = path.join(REPO_ROOT, 'tests/fixtures/seed-shaped');
const ARTICLE = 'content/core-concepts/open-and-closed-models.md';
const RULES = ['no-empty-sections', 'valid-frontmatter', 'valid-taxonomy'];

/** [line, label]: the empty labels of the fixture article. */
const LABELS: Array<[number, string]> = [
  [24, 'Advantages'],
  [26, 'Disadvantages'],
  [34, 'Advantages'],
  [36, 'Disadvantages'],
];

describe('the seed-shaped knowledge base: sections', () => {
  it('gives exactly one no-empty-sections per empty label, at the label line', () => {
    // A copy, so that nothing the run writes can change the committed fixture.
    const cwd = makeKb({});
    cpSync(FIXTURE, cwd, { recursive: true });
    const run = runJson(cwd);
    expect(run.stderr).toBe('');
    const messages = (run.json?.messages ?? [])
      .filter((m) => RULES.includes(m.ruleId))
      .map(({ file, line, column, endLine, endColumn, ruleId, severity, message }) => ({ file, line, column, endLine, endColumn, ruleId, severity, message }));
    expect(messages).toEqual(
      LABELS.map(([line, label]) => ({
        file: ARTICLE,
        line,
        column: 1,
        endLine: line,
        endColumn: label.length + 2,
        ruleId: 'no-empty-sections',
        severity: 'error',
        message: `Unexpected empty section \`${label}\`, expected content under it`,
      })),
    );
  });
});
