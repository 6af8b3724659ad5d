import {
  HISTORY_LIMIT,
  REPORT_VERSION,
  type Comparison,
  type FigureChange,
  type FigureName,
  type Figures,
  type Finding,
  type HealthReport,
  type HistoryPoint,
  type Trend,
} from './model.js';

/** What `--compare` needs from an earlier report, whatever version wrote it. */
export interface PreviousReport {
  version: number;
  generatedAt: string;
  summary: Figures;
  categories: Array<{ slug: string | null; name: string; healthScore: number | null }>;
  articles: string[];
  findings: Finding[];
  history: HistoryPoint[];
}

/** A previous report that cannot be read; the message names the fix. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

/**
 * Which way is better for each figure: up, down, or neither (a knowledge
 * base that grows is not healthier for it).
 */
export const FIGURE_DIRECTION: Record<FigureName, 'up' | 'down' | 'neutral'> = {
  articles: 'neutral',
  words: 'neutral',
  citations: 'up',
  citationsPerArticle: 'up',
  citationsPer1000Words: 'up',
  articlesWithoutCitations: 'down',
  unresolvedCitations: 'down',
  unusedCitations: 'down',
  sourcelessCitations: 'down',
  duplicateCitations: 'down',
  emptySections: 'down',
  taxonomyViolations: 'down',
  frontmatterProblems: 'down',
  danglingLinks: 'down',
  duplicateTitles: 'down',
  orphanArticles: 'down',
  problems: 'down',
  errors: 'down',
  warnings: 'down',
  healthScore: 'up',
};

/**
 * Reads an earlier report (parsed JSON). Version 1 is the only format so far;
 * a later version adds a case here that maps it onto `PreviousReport`, so old
 * reports stay comparable.
 */
export function readReport(data: unknown): PreviousReport {
  if (!isRecord(data) || typeof data.version !== 'number') {
    throw new ReportFormatError('Unexpected JSON without a numeric `version`, expected a report written by `kblint report --format json`');
  }
  switch (data.version) {
    case 1: {
      const summary = data.summary;
      if (!isRecord(summary) || !Array.isArray(data.findings) || !Array.isArray(data.articles) || !Array.isArray(data.categories)) {
        throw new ReportFormatError('Unexpected version 1 report without `summary`, `categories`, `articles` and `findings`, expected a complete report');
      }
      return {
        version: 1,
        generatedAt: typeof data.generatedAt === 'string' ? data.generatedAt : '',
        summary: summary as unknown as Figures,
        categories: (data.categories as Array<{ slug: string | null; name: string; figures?: Figures }>).map((c) => ({
          slug: c.slug,
          name: c.name,
          healthScore: c.figures?.healthScore ?? null,
        })),
        articles: (data.articles as Array<{ path: string }>).map((a) => a.path),
        findings: data.findings as Finding[],
        history: Array.isArray(data.history) ? (data.history as HistoryPoint[]) : [],
      };
    }
    default:
      throw new ReportFormatError(
        `Unexpected report version ${data.version}, expected version ${REPORT_VERSION} or older: compare with a report written by this kblint version or an older one, or upgrade kblint`,
      );
  }
}

/** Adds what changed since `previous`, and carries its history forward. */
export function compareReports(current: HealthReport, previous: PreviousReport): HealthReport {
  const figures = {} as Record<FigureName, FigureChange>;
  for (const name of Object.keys(current.summary) as FigureName[]) {
    figures[name] = change(previous.summary[name] ?? null, current.summary[name], FIGURE_DIRECTION[name]);
  }
  const previousScores = new Map(previous.categories.map((c) => [c.slug, c.healthScore]));
  const categories = current.categories.map((c) => {
    const before = previousScores.get(c.slug) ?? null;
    const now = c.figures.healthScore;
    return { slug: c.slug, name: c.name, previous: before, current: now, delta: before === null || now === null ? null : round1(now - before) };
  });
  const { added, removed } = diffFindings(previous.findings, current.findings);
  const before = new Set(previous.articles);
  const after = new Set(current.articles.map((a) => a.path));
  const comparison: Comparison = {
    previous: { version: previous.version, generatedAt: previous.generatedAt },
    figures,
    categories,
    newFindings: added,
    fixedFindings: removed,
    newArticles: [...after].filter((p) => !before.has(p)),
    removedArticles: [...before].filter((p) => !after.has(p)),
  };
  const history = [...previous.history, { generatedAt: previous.generatedAt, figures: previous.summary }].slice(-HISTORY_LIMIT);
  return { ...current, history, comparison };
}

/**
 * A finding is the same finding when its file, rule and message are: lines
 * move whenever text is added above, so they are not part of its identity.
 * Equal findings are matched one to one, so a second copy of a problem is new.
 */
export function diffFindings(before: readonly Finding[], after: readonly Finding[]): { added: Finding[]; removed: Finding[] } {
  const key = (f: Finding) => `${f.file}\u0000${f.ruleId}\u0000${f.message}`;
  const remaining = new Map<string, number>();
  for (const f of before) remaining.set(key(f), (remaining.get(key(f)) ?? 0) + 1);
  const added: Finding[] = [];
  for (const f of after) {
    const left = remaining.get(key(f)) ?? 0;
    if (left > 0) remaining.set(key(f), left - 1);
    else added.push(f);
  }
  const unmatched = new Map<string, number>();
  for (const f of after) unmatched.set(key(f), (unmatched.get(key(f)) ?? 0) + 1);
  const removed: Finding[] = [];
  for (const f of before) {
    const left = unmatched.get(key(f)) ?? 0;
    if (left > 0) unmatched.set(key(f), left - 1);
    else removed.push(f);
  }
  return { added, removed };
}

function change(previous: number | null, current: number | null, direction: 'up' | 'down' | 'neutral'): FigureChange {
  if (previous === null || current === null || typeof previous !== 'number') {
    return { previous: typeof previous === 'number' ? previous : null, current, delta: null, trend: 'n/a' };
  }
  const delta = round2(current - previous);
  let trend: Trend = 'same';
  if (delta !== 0) trend = direction === 'neutral' ? 'changed' : (delta > 0) === (direction === 'up') ? 'better' : 'worse';
  return { previous, current, delta, trend };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
