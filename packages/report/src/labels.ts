import type { FigureChange, FigureName, HealthReport } from './model.js';

export const FIGURE_LABELS: Record<FigureName, string> = {
  healthScore: 'Health score',
  articles: 'Articles',
  words: 'Words',
  citations: 'Citations',
  citationsPerArticle: 'Citations per article',
  citationsPer1000Words: 'Citations per 1,000 words',
  articlesWithoutCitations: 'Articles with no citation',
  unresolvedCitations: 'Unresolved citations',
  unusedCitations: 'Unused citations',
  sourcelessCitations: 'Citations without a source',
  duplicateCitations: 'Duplicate citations',
  emptySections: 'Empty sections',
  taxonomyViolations: 'Taxonomy violations',
  frontmatterProblems: 'Frontmatter problems',
  danglingLinks: 'Dangling links',
  duplicateTitles: 'Duplicate titles',
  orphanArticles: 'Orphan articles',
  problems: 'Problems',
  errors: 'Errors',
  warnings: 'Warnings',
};

/** The order figures are listed in, most telling first. */
export const FIGURE_ORDER: FigureName[] = [
  'healthScore',
  'articles',
  'words',
  'citations',
  'citationsPerArticle',
  'citationsPer1000Words',
  'articlesWithoutCitations',
  'unresolvedCitations',
  'unusedCitations',
  'sourcelessCitations',
  'duplicateCitations',
  'emptySections',
  'taxonomyViolations',
  'frontmatterProblems',
  'danglingLinks',
  'duplicateTitles',
  'orphanArticles',
  'problems',
  'errors',
  'warnings',
];

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `1,234`, `4.5`; `off` for a figure whose rule did not run. */
export function formatNumber(value: number | null): string {
  if (value === null) return 'off';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** `+3`, `−1.5`, `±0`: a real minus sign reads better than a hyphen. */
export function formatDelta(change: FigureChange | undefined): string {
  if (!change || change.delta === null) return '';
  if (change.delta === 0) return '±0';
  const text = formatNumber(Math.abs(change.delta));
  return change.delta > 0 ? `+${text}` : `−${text}`;
}

export function trendWord(change: FigureChange | undefined): string {
  if (!change) return '';
  return change.trend === 'n/a' ? '' : change.trend;
}

/** The category display name for a slug. */
export function categoryName(report: HealthReport, slug: string | null): string {
  return report.categories.find((c) => c.slug === slug)?.name ?? (slug ?? 'Uncategorised');
}

export function scoreBand(score: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (score === null) return 'none';
  return score >= 90 ? 'good' : score >= 70 ? 'fair' : 'poor';
}
