export {
  buildReport,
  figuresOf,
  articleScore,
  REPORT_VERSION,
  RULE_FIGURES,
  FINDING_WEIGHTS,
  DEFAULT_FINDING_WEIGHT,
  NO_CITATION_PENALTY,
  ORPHAN_PENALTY,
  HISTORY_LIMIT,
} from './model.js';
export type {
  HealthReport,
  Figures,
  FigureName,
  FigureChange,
  CategoryReport,
  ArticleReport,
  Finding,
  HistoryPoint,
  Comparison,
  Trend,
  BuildOptions,
  RuleFigure,
} from './model.js';
export { readReport, compareReports, diffFindings, ReportFormatError, FIGURE_DIRECTION } from './compare.js';
export type { PreviousReport } from './compare.js';
export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';
export { FIGURE_LABELS, FIGURE_ORDER } from './labels.js';

import type { HealthReport } from './model.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export type ReportFormat = 'html' | 'md' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'md', 'json'];

/** The report as a file of the given format. JSON is pretty-printed so that reports diff well in review. */
export function renderReport(report: HealthReport, format: ReportFormat): string {
  switch (format) {
    case 'html':
      return renderHtml(report);
    case 'md':
      return renderMarkdown(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
  }
}
