import { describe, expect, it } from 'vitest';
import { compareReports, diffFindings, readReport } from './compare.js';
import { renderMarkdown } from './markdown.js';
import type { Figures, Finding, HealthReport } from './model.js';

const FIGURES: Figures = {
  articles: 2,
  words: 1000,
  citations: 4,
  citationsPerArticle: 2,
  citationsPer1000Words: 4,
  articlesWithoutCitations: 0,
  unresolvedCitations: 0,
  unusedCitations: 0,
  sourcelessCitations: 0,
  duplicateCitations: 0,
  emptySections: 1,
  taxonomyViolations: 0,
  frontmatterProblems: 0,
  danglingLinks: null,
  duplicateTitles: 0,
  orphanArticles: 0,
  problems: 1,
  errors: 1,
  warnings: 0,
  healthScore: 95,
};

function finding(file: string, line: number, message = 'Unexpected empty section `Advantages`, expected content under it'): Finding {
  return { file, line, column: 1, ruleId: 'no-empty-sections', severity: 'error', message, category: 'reasoning' };
}

function report(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    version: 1,
    tool: { name: 'kblint', version: '0.0.0' },
    generatedAt: '2026-01-02T00:00:00.000Z',
    contentRoot: 'content',
    rules: { 'no-empty-sections': 'error', 'no-dangling-links': 'off' },
    summary: FIGURES,
    categories: [{ slug: 'reasoning', name: 'Reasoning', figures: FIGURES, problemsByRule: { 'no-empty-sections': 1 } }],
    articles: [],
    mostLinked: [],
    findings: [finding('content/reasoning/a.md', 3)],
    history: [],
    ...overrides,
  };
}

describe('readReport', () => {
  it('reads a version 1 report written before `history` existed', () => {
    const previous = readReport({ version: 1, generatedAt: '2026-01-01T00:00:00.000Z', summary: FIGURES, categories: [], articles: [], findings: [] });
    expect(previous.history).toEqual([]);
    expect(previous.version).toBe(1);
  });

  it('treats a figure the previous report lacks as not measured then', () => {
    const { danglingLinks: _unmeasured, ...older } = { ...FIGURES, danglingLinks: 3 };
    const previous = readReport({ version: 1, generatedAt: '2026-01-01T00:00:00.000Z', summary: older, categories: [], articles: [], findings: [] });
    const compared = compareReports(report({ summary: { ...FIGURES, danglingLinks: 2 } }), previous);
    expect(compared.comparison?.figures.danglingLinks).toEqual({ previous: null, current: 2, delta: null, trend: 'n/a' });
    // Growth is neither better nor worse.
    expect(compared.comparison?.figures.words).toEqual({ previous: 1000, current: 1000, delta: 0, trend: 'same' });
  });

  it('refuses what is not a report', () => {
    expect(() => readReport([1, 2])).toThrow('Unexpected JSON without a numeric `version`, expected a report written by `kblint report --format json`');
    expect(() => readReport({ version: '1' })).toThrow('Unexpected JSON without a numeric `version`');
  });
});

describe('diffFindings', () => {
  it('ignores moved lines and matches equal findings one to one', () => {
    const before = [finding('a.md', 3), finding('b.md', 7)];
    const after = [finding('a.md', 9), finding('a.md', 12), finding('c.md', 1, 'Unexpected other')];
    expect(diffFindings(before, after)).toEqual({
      added: [finding('a.md', 12), finding('c.md', 1, 'Unexpected other')],
      removed: [finding('b.md', 7)],
    });
  });
});

describe('renderMarkdown', () => {
  it('lists at most ten new findings and counts the rest', () => {
    const previous = readReport(report({ findings: [] }));
    const many = Array.from({ length: 12 }, (_, i) => finding(`content/reasoning/a${i}.md`, i + 1));
    const md = renderMarkdown(compareReports(report({ findings: many, generatedAt: '2026-01-03T00:00:00.000Z' }), previous));
    expect(md).toContain('**Since 2026-01-02:** 12 new, 0 fixed.');
    expect(md).toContain('<details><summary>New findings (12)</summary>');
    expect(md).toContain('- `content/reasoning/a9.md:10` no-empty-sections: Unexpected empty section `Advantages`, expected content under it\n- … and 2 more');
    expect(md).not.toContain('a10.md');
    // A rule that is off shows as such, not as 0.
    expect(md).toContain('| Dangling links | off |  |');
  });
});
