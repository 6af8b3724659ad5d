import { FIGURE_LABELS, FIGURE_ORDER, formatDelta, formatNumber, scoreBand } from './labels.js';
import type { Finding, HealthReport } from './model.js';

/** Findings listed in full under "new" and "fixed"; the rest are counted. */
const MAX_LISTED = 10;

const BAND_MARK = { good: '🟢', fair: '🟡', poor: '🔴', none: '⚪' } as const;
const TREND_MARK = { better: ' ✅', worse: ' ⚠️', same: '', changed: '', 'n/a': '' } as const;

/**
 * A summary short enough for a pull-request comment or a job summary: the
 * key figures, one line per category, and what changed since the last report.
 */
export function renderMarkdown(report: HealthReport): string {
  const s = report.summary;
  const c = report.comparison;
  const lines: string[] = [];
  const scoreDelta = c ? formatDelta(c.figures.healthScore) : '';
  lines.push(
    `## ${BAND_MARK[scoreBand(s.healthScore)]} Content health: ${s.healthScore === null ? 'no articles' : `${formatNumber(s.healthScore)}/100`}${scoreDelta ? ` (${scoreDelta})` : ''}`,
    '',
    `${formatNumber(s.articles)} articles, ${formatNumber(s.words)} words in \`${report.contentRoot}\`. ` +
      `${plural(s.problems, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}).`,
    '',
  );

  const figures = FIGURE_ORDER.filter((name) => name !== 'healthScore' && name !== 'articles' && name !== 'words' && name !== 'problems');
  lines.push(c ? '| Figure | Now | Change |' : '| Figure | Now |', c ? '| --- | ---: | ---: |' : '| --- | ---: |');
  for (const name of figures) {
    const value = formatNumber(s[name]);
    if (!c) lines.push(`| ${FIGURE_LABELS[name]} | ${value} |`);
    else lines.push(`| ${FIGURE_LABELS[name]} | ${value} | ${formatDelta(c.figures[name])}${TREND_MARK[c.figures[name].trend]} |`);
  }
  lines.push('');

  const populated = report.categories.filter((cat) => cat.figures.articles > 0);
  const empty = report.categories.filter((cat) => cat.figures.articles === 0);
  if (populated.length) {
    lines.push('| Category | Articles | Citations / 1k words | Problems | Score |', '| --- | ---: | ---: | ---: | ---: |');
    for (const cat of populated) {
      const f = cat.figures;
      lines.push(
        `| ${cell(cat.name)} | ${formatNumber(f.articles)} | ${formatNumber(f.citationsPer1000Words)} | ${formatNumber(f.problems)} | ${BAND_MARK[scoreBand(f.healthScore)]} ${formatNumber(f.healthScore)} |`,
      );
    }
    lines.push('');
  }
  if (empty.length) lines.push(`Empty categories: ${empty.map((cat) => cat.name).join(', ')}.`, '');

  if (c) {
    lines.push(
      `**Since ${c.previous.generatedAt.slice(0, 10) || 'the previous report'}:** ${c.newFindings.length} new, ${c.fixedFindings.length} fixed` +
        (c.newArticles.length || c.removedArticles.length ? `; ${c.newArticles.length} articles added, ${c.removedArticles.length} removed.` : '.'),
      '',
    );
    pushFindings(lines, 'New findings', c.newFindings);
    pushFindings(lines, 'Fixed', c.fixedFindings);
  }
  lines.push(`<sub>kblint ${report.tool.version} · report format ${report.version} · ${report.generatedAt}</sub>`, '');
  return lines.join('\n');
}

function plural(count: number, noun: string): string {
  return `${formatNumber(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function pushFindings(lines: string[], title: string, findings: readonly Finding[]): void {
  if (!findings.length) return;
  lines.push(`<details><summary>${title} (${findings.length})</summary>`, '');
  for (const f of findings.slice(0, MAX_LISTED)) {
    const where = `${f.file}:${f.line}`;
    lines.push(`- ${f.url ? `[\`${where}\`](${f.url})` : `\`${where}\``} ${f.ruleId}: ${inline(f.message)}`);
  }
  if (findings.length > MAX_LISTED) lines.push(`- … and ${findings.length - MAX_LISTED} more`);
  lines.push('', '</details>', '');
}

/** Messages quote names in backticks already; keep them but stop HTML and table syntax leaking. */
function inline(text: string): string {
  return text.replace(/[<>]/g, (ch) => (ch === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, ' ');
}

function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

