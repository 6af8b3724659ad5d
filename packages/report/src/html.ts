import { FIGURE_LABELS, FIGURE_ORDER, categoryName, formatDelta, formatNumber, scoreBand } from './labels.js';
import type { ArticleReport, CategoryReport, FigureName, Finding, HealthReport, HistoryPoint } from './model.js';

/**
 * Problem kinds as the charts group them, each with a colour that keeps 3:1
 * contrast against white (WCAG 1.4.11) and is told apart by its label too.
 */
const PROBLEM_GROUPS: Array<{ key: string; label: string; short: string; color: string; rules: string[] }> = [
  {
    key: 'citations',
    label: 'Citations',
    short: 'citations',
    color: '#0b5cad',
    rules: ['no-unresolved-citations', 'no-unused-citations', 'citation-has-source', 'no-duplicate-citations'],
  },
  { key: 'sections', label: 'Empty sections', short: 'empty sections', color: '#a34700', rules: ['no-empty-sections'] },
  { key: 'metadata', label: 'Metadata: frontmatter, taxonomy, titles', short: 'metadata', color: '#6a3fa0', rules: ['valid-frontmatter', 'valid-taxonomy', 'no-duplicate-titles'] },
  { key: 'links', label: 'Links', short: 'links', color: '#00756f', rules: ['no-dangling-links'] },
  { key: 'other', label: 'Other', short: 'other', color: '#5f6368', rules: [] },
];

function groupOf(ruleId: string): string {
  return PROBLEM_GROUPS.find((g) => g.rules.includes(ruleId))?.key ?? 'other';
}

/** Figures shown as cards at the top. */
const CARD_FIGURES: FigureName[] = [
  'articles',
  'words',
  'citationsPer1000Words',
  'articlesWithoutCitations',
  'problems',
  'unresolvedCitations',
  'emptySections',
  'danglingLinks',
  'orphanArticles',
];

/**
 * One self-contained page: inline CSS, inline SVG charts and a small inline
 * script for sorting and filtering. Nothing is fetched (a CSP forbids it),
 * so the file can be attached to a CI run or mailed and opened anywhere.
 */
export function renderHtml(report: HealthReport): string {
  const s = report.summary;
  const c = report.comparison;
  const title = `Content health: ${report.contentRoot}`;
  const sections: Array<[string, string]> = [
    ['summary', 'Summary'],
    ['charts', 'Charts'],
    ['categories', 'Categories'],
    ['findings', 'Findings'],
    ['articles', 'Articles'],
    ['links', 'Links'],
    ['figures', c ? 'Figures and trend' : 'All figures'],
    ...(c ? ([['changes', 'Changes']] as Array<[string, string]>) : []),
  ];
  const band = scoreBand(s.healthScore);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="kblint ${esc(report.tool.version)}">
<title>${esc(title)} · kblint</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
<header class="top">
  <div class="wrap top-inner">
    <div>
      <p class="eyebrow">kblint content health report</p>
      <h1>${esc(title)}</h1>
      <p class="meta">Generated <time datetime="${esc(report.generatedAt)}">${esc(report.generatedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</time> by kblint ${esc(report.tool.version)}${c ? ` · compared with the report of <time datetime="${esc(c.previous.generatedAt)}">${esc(c.previous.generatedAt.slice(0, 10))}</time>` : ''}</p>
    </div>
    <p class="score score-${band}" data-figure="healthScore" aria-label="Health score ${esc(formatNumber(s.healthScore))} out of 100">
      <span class="value">${esc(s.healthScore === null ? '–' : formatNumber(s.healthScore))}</span><span class="out-of">/100</span>
      <span class="band">${esc(band === 'none' ? 'no articles' : band)}${c ? ` <span class="delta">${esc(formatDelta(c.figures.healthScore))}</span>` : ''}</span>
    </p>
  </div>
  <nav aria-label="Report sections" class="wrap"><ul>${sections.map(([id, label]) => `<li><a href="#${id}">${esc(label)}</a></li>`).join('')}</ul></nav>
</header>
<main id="main" class="wrap">
<section id="summary" aria-labelledby="summary-h">
  <h2 id="summary-h">Summary</h2>
  <dl class="cards">${CARD_FIGURES.map((name) => card(report, name)).join('')}</dl>
  ${summarySentence(report)}
</section>
<section id="charts" aria-labelledby="charts-h">
  <h2 id="charts-h">Charts</h2>
  <div class="chart-grid">
    ${problemsChart(report)}
    ${densityChart(report)}
    ${c || report.history.length ? trendChart(report) : ''}
  </div>
</section>
<section id="categories" aria-labelledby="categories-h">
  <h2 id="categories-h">Categories</h2>
  ${categoriesTable(report)}
</section>
<section id="findings" aria-labelledby="findings-h">
  <h2 id="findings-h">Findings</h2>
  ${findingsTable(report)}
</section>
<section id="articles" aria-labelledby="articles-h">
  <h2 id="articles-h">Articles</h2>
  ${articlesTable(report)}
</section>
<section id="links" aria-labelledby="links-h">
  <h2 id="links-h">Links</h2>
  ${linksSection(report)}
</section>
<section id="figures" aria-labelledby="figures-h">
  <h2 id="figures-h">${c ? 'Figures and trend' : 'All figures'}</h2>
  ${figuresTable(report)}
</section>
${c ? changesSection(report) : ''}
</main>
<footer class="wrap"><p>Health score: each article starts at 100 and loses points for each finding, for having no citation and for having no inbound link; categories and the whole knowledge base score the mean of their articles. The formula is in the <code>@kblint/report</code> README. Report format version ${report.version}.</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function card(report: HealthReport, name: FigureName): string {
  const change = report.comparison?.figures[name];
  const delta = formatDelta(change);
  const trend = change?.trend ?? 'n/a';
  return `<div class="card" data-figure="${name}"><dt>${esc(FIGURE_LABELS[name])}</dt><dd><span class="value">${esc(formatNumber(report.summary[name]))}</span>${
    delta ? ` <span class="delta trend-${trend}" title="${esc(trendTitle(trend))}">${esc(delta)}</span>` : ''
  }</dd></div>`;
}

function plural(count: number, noun: string): string {
  return `${formatNumber(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function trendTitle(trend: string): string {
  return trend === 'better' ? 'better than before' : trend === 'worse' ? 'worse than before' : trend === 'same' ? 'unchanged' : 'changed';
}

function summarySentence(report: HealthReport): string {
  const s = report.summary;
  const worst = [...report.categories]
    .filter((c) => c.figures.healthScore !== null && c.figures.healthScore < 100)
    .sort((a, b) => (a.figures.healthScore ?? 0) - (b.figures.healthScore ?? 0))[0];
  const off = Object.entries(report.rules)
    .filter(([, severity]) => severity === 'off')
    .map(([id]) => id);
  return `<p class="lead">${formatNumber(s.articles)} articles in ${report.categories.filter((c) => c.figures.articles > 0).length} categories carry ${formatNumber(s.citations)} citations (${formatNumber(s.citationsPerArticle)} per article). ${plural(s.problems, 'finding')}: ${plural(s.errors, 'error')} and ${plural(s.warnings, 'warning')}.${
    worst ? ` Lowest score: <strong>${esc(worst.name)}</strong> (${formatNumber(worst.figures.healthScore)}).` : ''
  }${off.length ? ` Rules turned off, so not measured: ${off.map((id) => `<code>${esc(id)}</code>`).join(', ')}.` : ''}</p>`;
}

// ---------------------------------------------------------------------------
// Charts. Bars are one small SVG per row beside HTML labels, so the text stays
// readable at phone width while the bars stretch.

function problemsChart(report: HealthReport): string {
  const rows = report.categories.filter((c) => c.figures.articles > 0 || c.figures.problems > 0);
  const max = Math.max(1, ...rows.map((c) => c.figures.problems));
  const body = rows
    .map((c) => {
      const groups = PROBLEM_GROUPS.map((g) => ({
        ...g,
        count: Object.entries(c.problemsByRule)
          .filter(([rule]) => groupOf(rule) === g.key)
          .reduce((n, [, v]) => n + v, 0),
      })).filter((g) => g.count > 0);
      let x = 0;
      const rects = groups
        .map((g) => {
          const width = (g.count / max) * 100;
          const rect = `<rect x="${fix(x)}" y="0" width="${fix(width)}" height="10" fill="${g.color}"><title>${esc(`${g.short}: ${g.count}`)}</title></rect>`;
          x += width;
          return rect;
        })
        .join('');
      const label = `${c.name}: ${c.figures.problems} ${c.figures.problems === 1 ? 'problem' : 'problems'}${groups.length ? ` (${groups.map((g) => `${g.short} ${g.count}`).join(', ')})` : ''}`;
      return barRow(c.name, rects, formatNumber(c.figures.problems), label);
    })
    .join('');
  const legend = PROBLEM_GROUPS.map((g) => `<li><span class="swatch" style="background:${g.color}"></span>${esc(g.label)}</li>`).join('');
  return `<figure class="chart" id="chart-problems">
  <figcaption>Problems per category</figcaption>
  <ul class="legend">${legend}</ul>
  <div class="bars">${body || '<p>No categories.</p>'}</div>
</figure>`;
}

function densityChart(report: HealthReport): string {
  const rows = report.categories.filter((c) => c.figures.articles > 0);
  const max = Math.max(1, ...rows.map((c) => c.figures.citationsPer1000Words), report.summary.citationsPer1000Words);
  const mean = (report.summary.citationsPer1000Words / max) * 100;
  const body = rows
    .map((c) => {
      const value = c.figures.citationsPer1000Words;
      const rect = `<rect x="0" y="0" width="${fix((value / max) * 100)}" height="10" fill="#0b5cad"></rect><line x1="${fix(mean)}" x2="${fix(mean)}" y1="0" y2="10" stroke="#1b1f24" stroke-width="0.6" stroke-dasharray="1.5 1"></line>`;
      return barRow(c.name, rect, formatNumber(value), `${c.name}: ${formatNumber(value)} citations per 1,000 words`);
    })
    .join('');
  return `<figure class="chart" id="chart-density">
  <figcaption>Citations per 1,000 words</figcaption>
  <p class="chart-note">Dashed line: the whole knowledge base, ${esc(formatNumber(report.summary.citationsPer1000Words))}.</p>
  <div class="bars">${body || '<p>No articles.</p>'}</div>
</figure>`;
}

function barRow(label: string, rects: string, value: string, description: string): string {
  return `<div class="bar-row"><span class="bar-label">${esc(label)}</span><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${esc(description)}">${rects}</svg><span class="bar-value">${esc(value)}</span></div>`;
}

function points(report: HealthReport): HistoryPoint[] {
  return [...report.history, { generatedAt: report.generatedAt, figures: report.summary }];
}

function trendChart(report: HealthReport): string {
  const series = points(report);
  const scores = series.map((p) => p.figures.healthScore);
  const problems = series.map((p) => p.figures.problems);
  const description = `Health score over ${series.length} reports: ${scores.map((v) => formatNumber(v)).join(', ')}. Problems: ${problems.map((v) => formatNumber(v)).join(', ')}.`;
  const first = series[0]?.generatedAt.slice(0, 10) ?? '';
  const last = series[series.length - 1]?.generatedAt.slice(0, 10) ?? '';
  return `<figure class="chart" id="chart-trend">
  <figcaption>Trend over ${series.length} reports</figcaption>
  <ul class="legend"><li><span class="swatch" style="background:#0b5cad"></span>Health score (0–100)</li><li><span class="swatch swatch-dashed"></span>Problems (0–${formatNumber(Math.max(1, ...problems))})</li></ul>
  <svg class="trend" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label="${esc(description)}">
    <line x1="0" x2="100" y1="40" y2="40" stroke="#8c959f" stroke-width="1" vector-effect="non-scaling-stroke"></line>
    <polyline points="${polyline(scores, 100, 40, 100)}" fill="none" stroke="#0b5cad" stroke-width="2.5" vector-effect="non-scaling-stroke"></polyline>
    <polyline points="${polyline(problems, 100, 40)}" fill="none" stroke="#a34700" stroke-width="2" stroke-dasharray="5 3" vector-effect="non-scaling-stroke"></polyline>
  </svg>
  <p class="axis"><span>${esc(first)}</span><span>${esc(last)}</span></p>
</figure>`;
}

/** Points for a line through `values`, x spread over `width`, y scaled to `max` (default: the largest value). */
function polyline(values: ReadonlyArray<number | null>, width: number, height: number, max?: number): string {
  const top = max ?? Math.max(1, ...values.map((v) => v ?? 0));
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => (v === null ? undefined : `${fix(values.length > 1 ? i * step : width / 2)},${fix(height - (v / top) * height)}`))
    .filter((p) => p !== undefined)
    .join(' ');
}

function sparkline(values: ReadonlyArray<number | null>): string {
  if (values.filter((v) => v !== null).length < 2) return '';
  const numbers = values.map((v) => v ?? 0);
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const span = max - min || 1;
  const shifted = values.map((v) => (v === null ? null : v - min));
  return `<svg class="spark" viewBox="0 0 60 16" preserveAspectRatio="none" aria-hidden="true"><polyline points="${polyline(shifted, 60, 14, span)}" fill="none" stroke="#0b5cad" stroke-width="1.5" vector-effect="non-scaling-stroke" transform="translate(0 1)"></polyline></svg>`;
}

// ---------------------------------------------------------------------------
// Tables. Every sortable column header holds a button (keyboard), and carries
// aria-sort; filters are labelled form controls.

interface Column<T> {
  label: string;
  numeric?: boolean;
  /** Sort key; defaults to the cell text. */
  value?: (row: T) => string | number | null;
  cell: (row: T) => string;
}

function table<T>(id: string, caption: string, columns: Array<Column<T>>, rows: readonly T[], rowAttrs: (row: T) => string): string {
  const head = columns
    .map(
      (col, i) =>
        `<th scope="col"${col.numeric ? ' class="num"' : ''} aria-sort="none" data-type="${col.numeric ? 'number' : 'text'}"><button type="button" data-column="${i}">${esc(col.label)}<span class="arrow" aria-hidden="true"></span></button></th>`,
    )
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr ${rowAttrs(row)}>${columns
          .map((col, i) => {
            const value = col.value ? col.value(row) : undefined;
            const attr = value === undefined ? '' : ` data-value="${esc(value === null ? '' : String(value))}"`;
            const tag = i === 0 ? 'th scope="row"' : 'td';
            return `<${tag}${col.numeric ? ' class="num"' : ''}${attr}>${col.cell(row)}</${i === 0 ? 'th' : 'td'}>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table-scroll" role="region" aria-labelledby="${id}-caption" tabindex="0">
<table id="${id}" class="sortable">
<caption id="${id}-caption">${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</div>`;
}

function num<T>(label: string, get: (row: T) => number | null): Column<T> {
  return { label, numeric: true, value: get, cell: (row) => esc(formatNumber(get(row))) };
}

function scoreCell(score: number | null): string {
  const band = scoreBand(score);
  return `<span class="pill pill-${band}">${esc(score === null ? '–' : formatNumber(score))}</span>`;
}

function categoriesTable(report: HealthReport): string {
  const columns: Array<Column<CategoryReport>> = [
    { label: 'Category', value: (c) => c.name, cell: (c) => esc(c.name) },
    num('Articles', (c) => c.figures.articles),
    num('Words', (c) => c.figures.words),
    num('Citations', (c) => c.figures.citations),
    num('Per article', (c) => c.figures.citationsPerArticle),
    num('Per 1,000 words', (c) => c.figures.citationsPer1000Words),
    num('No citation', (c) => c.figures.articlesWithoutCitations),
    num('Orphans', (c) => c.figures.orphanArticles),
    num('Problems', (c) => c.figures.problems),
    { label: 'Score', numeric: true, value: (c) => c.figures.healthScore, cell: (c) => scoreCell(c.figures.healthScore) },
  ];
  return table('categories-table', 'Articles, citations and problems per category', columns, report.categories, (c) => `data-category="${esc(c.slug ?? '')}"`);
}

function findingsTable(report: HealthReport): string {
  if (report.findings.length === 0) return '<p class="empty">No findings: every rule passes on every article.</p>';
  const rules = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  const categories = report.categories.filter((c) => report.findings.some((f) => f.category === c.slug));
  const columns: Array<Column<Finding>> = [
    {
      label: 'Location',
      value: (f) => `${f.file}:${String(f.line).padStart(6, '0')}`,
      cell: (f) => link(`${f.file}:${f.line}:${f.column}`, f.url),
    },
    { label: 'Category', value: (f) => categoryName(report, f.category), cell: (f) => esc(categoryName(report, f.category)) },
    { label: 'Rule', value: (f) => f.ruleId, cell: (f) => `<code>${esc(f.ruleId)}</code>` },
    { label: 'Severity', value: (f) => f.severity, cell: (f) => `<span class="sev sev-${f.severity}">${f.severity}</span>` },
    { label: 'Message', value: (f) => f.message, cell: (f) => formatMessage(f.message) },
  ];
  return `${filters('findings-table', 'findings', [
    select('findings-table', 'category', 'Category', categories.map((c) => [c.slug ?? '', c.name])),
    select('findings-table', 'rule', 'Rule', rules.map((r) => [r, r])),
    select('findings-table', 'severity', 'Severity', [
      ['error', 'error'],
      ['warning', 'warning'],
    ]),
  ])}
${table('findings-table', `${report.findings.length} findings`, columns, report.findings, (f) => `data-category="${esc(f.category ?? '')}" data-rule="${esc(f.ruleId)}" data-severity="${f.severity}"`)}`;
}

function articlesTable(report: HealthReport): string {
  const columns: Array<Column<ArticleReport>> = [
    { label: 'Article', value: (a) => a.title.toLowerCase(), cell: (a) => `${link(a.title, a.url)}<span class="path">${esc(a.path)}</span>` },
    { label: 'Category', value: (a) => categoryName(report, a.category), cell: (a) => esc(categoryName(report, a.category)) },
    num('Words', (a) => a.words),
    num('Citations', (a) => a.citations),
    num('Per 1,000 words', (a) => a.citationsPer1000Words),
    num('Inbound links', (a) => a.inboundLinks),
    num('Problems', (a) => a.problems),
    { label: 'Score', numeric: true, value: (a) => a.healthScore, cell: (a) => scoreCell(a.healthScore) },
  ];
  const categories = report.categories.filter((c) => report.articles.some((a) => a.category === c.slug));
  return `${filters('articles-table', 'articles', [select('articles-table', 'category', 'Category', categories.map((c) => [c.slug ?? '', c.name]))])}
${table('articles-table', `${report.articles.length} articles`, columns, report.articles, (a) => `data-category="${esc(a.category ?? '')}"`)}`;
}

function filters(tableId: string, noun: string, controls: string[]): string {
  return `<form class="filters" data-table="${tableId}" data-noun="${noun}" role="search" aria-label="Filter ${noun}">
  ${controls.join('\n  ')}
  <p class="field"><label for="${tableId}-text">Text</label><input id="${tableId}-text" type="search" data-filter="text" autocomplete="off"></p>
  <p class="count" aria-live="polite" id="${tableId}-count"></p>
</form>`;
}

function select(tableId: string, filter: string, label: string, options: Array<[string, string]>): string {
  const id = `${tableId}-${filter}`;
  return `<p class="field"><label for="${id}">${esc(label)}</label><select id="${id}" data-filter="${filter}"><option value="*">All</option>${options
    .map(([value, text]) => `<option value="${esc(value)}">${esc(text)}</option>`)
    .join('')}</select></p>`;
}

function linksSection(report: HealthReport): string {
  const orphans = report.articles.filter((a) => a.orphan);
  const most = report.mostLinked.length
    ? `<ol class="ranked">${report.mostLinked
        .map((m) => {
          const article = report.articles.find((a) => a.path === m.path);
          return `<li>${link(m.title, article?.url)} <span class="muted">${esc(m.path)}</span> <span class="count-badge">${m.inboundLinks} inbound</span></li>`;
        })
        .join('')}</ol>`
    : '<p class="empty">No article links to another.</p>';
  const orphanList = orphans.length
    ? `<ul class="plain">${orphans.map((a) => `<li>${link(a.title, a.url)} <span class="muted">${esc(a.path)}</span></li>`).join('')}</ul>`
    : '<p class="empty">Every article has at least one inbound link.</p>';
  const dangling = report.summary.danglingLinks;
  return `<div class="two-col">
  <div><h3>Most-linked articles</h3>${most}</div>
  <div><h3>Orphan articles (${orphans.length})</h3><p class="muted">No other article links to these.</p>${orphanList}</div>
</div>
<p>Dangling links: <strong data-figure-inline="danglingLinks">${esc(formatNumber(dangling))}</strong>${dangling ? ' (see <a href="#findings">findings</a>, rule <code>no-dangling-links</code>)' : ''}.</p>`;
}

function figuresTable(report: HealthReport): string {
  const c = report.comparison;
  const series = points(report);
  const rows = FIGURE_ORDER.map((name) => {
    const change = c?.figures[name];
    const cells = c
      ? `<td class="num">${esc(formatNumber(change?.previous ?? null))}</td><td class="num">${esc(report.summary[name] === null ? 'off' : formatNumber(report.summary[name]))}</td><td class="num"><span class="delta trend-${change?.trend ?? 'n/a'}">${esc(formatDelta(change) || '–')}</span></td><td>${esc(change?.trend ?? '')}</td><td>${sparkline(series.map((p) => p.figures[name] ?? null))}</td>`
      : `<td class="num">${esc(formatNumber(report.summary[name]))}</td>`;
    return `<tr data-figure-row="${name}"><th scope="row">${esc(FIGURE_LABELS[name])}</th>${cells}</tr>`;
  }).join('\n');
  const head = c
    ? '<th scope="col">Figure</th><th scope="col" class="num">Before</th><th scope="col" class="num">Now</th><th scope="col" class="num">Change</th><th scope="col">Trend</th><th scope="col">History</th>'
    : '<th scope="col">Figure</th><th scope="col" class="num">Value</th>';
  return `<div class="table-scroll" role="region" aria-labelledby="figures-caption" tabindex="0"><table id="figures-table">
<caption id="figures-caption">Every figure of the report${c ? ', with the change since the previous report' : ''}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function changesSection(report: HealthReport): string {
  const c = report.comparison;
  if (!c) return '';
  const list = (items: readonly Finding[], empty: string) =>
    items.length
      ? `<ul class="plain findings-list">${items.map((f) => `<li>${link(`${f.file}:${f.line}`, f.url)} <code>${esc(f.ruleId)}</code> ${formatMessage(f.message)}</li>`).join('')}</ul>`
      : `<p class="empty">${empty}</p>`;
  const categoryRows = c.categories
    .filter((row) => row.current !== null || row.previous !== null)
    .map(
      (row) =>
        `<tr><th scope="row">${esc(row.name)}</th><td class="num">${esc(formatNumber(row.previous))}</td><td class="num">${esc(formatNumber(row.current))}</td><td class="num">${esc(row.delta === null ? '–' : formatDelta({ previous: row.previous, current: row.current, delta: row.delta, trend: 'changed' }))}</td></tr>`,
    )
    .join('');
  return `<section id="changes" aria-labelledby="changes-h">
  <h2 id="changes-h">Changes since <time datetime="${esc(c.previous.generatedAt)}">${esc(c.previous.generatedAt.slice(0, 10))}</time></h2>
  <div class="two-col">
    <div><h3 id="new-h">New findings (<span data-figure-inline="newFindings">${c.newFindings.length}</span>)</h3>${list(c.newFindings, 'Nothing new.')}</div>
    <div><h3 id="fixed-h">Fixed (<span data-figure-inline="fixedFindings">${c.fixedFindings.length}</span>)</h3>${list(c.fixedFindings, 'Nothing fixed.')}</div>
  </div>
  ${c.newArticles.length || c.removedArticles.length ? `<p>Articles added: ${c.newArticles.length ? c.newArticles.map((p) => `<code>${esc(p)}</code>`).join(', ') : 'none'}. Removed: ${c.removedArticles.length ? c.removedArticles.map((p) => `<code>${esc(p)}</code>`).join(', ') : 'none'}.</p>` : ''}
  <div class="table-scroll" role="region" aria-labelledby="category-scores-caption" tabindex="0"><table>
  <caption id="category-scores-caption">Health score per category, then and now</caption>
  <thead><tr><th scope="col">Category</th><th scope="col" class="num">Before</th><th scope="col" class="num">Now</th><th scope="col" class="num">Change</th></tr></thead>
  <tbody>${categoryRows}</tbody></table></div>
</section>`;
}

/** Backticked names in messages render as code; everything else is escaped. */
function formatMessage(message: string): string {
  return esc(message).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function link(text: string, url: string | undefined): string {
  return url ? `<a href="${esc(url)}">${esc(text)}</a>` : esc(text);
}

function fix(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

// Text #1b1f24 on white is 16:1; muted #57606a is 6.4:1; links #0b5cad 6.6:1.
const CSS = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--accent:#0b5cad;--good:#1a7f37;--fair:#8a5a00;--poor:#b3261e}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
.wrap{max-width:1200px;margin:0 auto;padding:0 16px}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible,.table-scroll:focus-visible{outline:3px solid #1f6feb;outline-offset:2px}
code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:0 3px;border-radius:3px}
.skip{position:absolute;left:-9999px;top:0;background:var(--fg);color:#fff;padding:8px 12px;z-index:10}
.skip:focus{left:8px}
.top{background:var(--panel);border-bottom:1px solid var(--line)}
.top-inner{display:flex;flex-wrap:wrap;gap:16px;align-items:center;justify-content:space-between;padding-top:16px;padding-bottom:8px}
.eyebrow{margin:0;color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.04em}
h1{margin:.1em 0;font-size:1.6rem;line-height:1.2;word-break:break-word}
h2{font-size:1.3rem;margin:1.6em 0 .6em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1em 0 .4em}
.meta{margin:0;color:var(--muted);font-size:.9rem}
.score{margin:0;display:flex;align-items:baseline;gap:4px;flex-wrap:wrap;padding:8px 16px;border-radius:12px;background:#fff;border:2px solid currentColor}
.score .value{font-size:2.4rem;font-weight:700;line-height:1}
.score .out-of{color:var(--muted)}
.score .band{width:100%;font-size:.85rem;text-transform:uppercase;letter-spacing:.04em}
.score-good{color:var(--good)}.score-fair{color:var(--fair)}.score-poor{color:var(--poor)}.score-none{color:var(--muted)}
nav ul{list-style:none;margin:0;padding:4px 0 8px;display:flex;flex-wrap:wrap;gap:4px 16px}
nav a{display:inline-block;padding:6px 0;font-weight:500}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin:0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff}
.card dt{color:var(--muted);font-size:.85rem}
.card dd{margin:2px 0 0;font-size:1.5rem;font-weight:650}
.delta{font-size:.8rem;font-weight:600;white-space:nowrap}
.trend-better{color:var(--good)}.trend-worse{color:var(--poor)}.trend-same,.trend-changed,.trend-n\\/a{color:var(--muted)}
.lead{max-width:70ch}
.chart-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px;break-inside:avoid}
.chart figcaption{font-weight:650;margin-bottom:6px}
.chart-note{margin:0 0 6px;color:var(--muted);font-size:.85rem}
.legend{list-style:none;margin:0 0 8px;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px;font-size:.85rem}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
.swatch-dashed{background:repeating-linear-gradient(90deg,#a34700 0 5px,transparent 5px 8px);height:3px;vertical-align:3px}
.bar-row{display:grid;grid-template-columns:minmax(90px,34%) 1fr 3.5em;gap:8px;align-items:center;margin:4px 0;font-size:.9rem}
.bar-label{overflow-wrap:anywhere}
.bar{width:100%;height:16px;background:var(--panel);border-radius:2px}
.bar-value{text-align:right;font-variant-numeric:tabular-nums}
.trend{width:100%;height:160px;display:block;background:linear-gradient(var(--line) 1px,transparent 1px) 0 0/100% 25%}
.axis{display:flex;justify-content:space-between;margin:4px 0 0;color:var(--muted);font-size:.8rem}
.spark{width:60px;height:16px;display:block}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end;margin:0 0 8px}
.field{margin:0;display:flex;flex-direction:column;font-size:.85rem}
.field label{color:var(--muted);font-weight:500}
select,input[type=search]{font:inherit;font-size:1rem;padding:6px 8px;border:1px solid #8c959f;border-radius:6px;background:#fff;color:var(--fg);min-height:40px;max-width:100%}
.count{margin:0 0 0 auto;color:var(--muted);font-size:.9rem;align-self:center}
.table-scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;padding:8px 12px;color:var(--muted);font-size:.85rem}
th,td{padding:6px 10px;border-top:1px solid var(--line);text-align:left;vertical-align:top}
thead th{border-top:0;background:var(--panel);white-space:nowrap;padding:0}
thead th:not(:has(button)){padding:6px 10px}
th[scope=row]{font-weight:500}
.num{text-align:right;font-variant-numeric:tabular-nums}
thead th button{all:unset;box-sizing:border-box;display:block;width:100%;padding:8px 10px;cursor:pointer;font-weight:650;text-align:inherit}
thead th button:focus-visible{outline:3px solid #1f6feb;outline-offset:-3px}
.arrow::after{content:"↕";color:var(--muted);margin-left:4px;font-size:.8em}
th[aria-sort=ascending] .arrow::after{content:"▲";color:var(--fg)}
th[aria-sort=descending] .arrow::after{content:"▼";color:var(--fg)}
.path{display:block;color:var(--muted);font-size:.8rem;overflow-wrap:anywhere}
.pill{display:inline-block;min-width:3em;text-align:center;padding:0 6px;border-radius:10px;font-weight:650;color:#fff}
.pill-good{background:var(--good)}.pill-fair{background:var(--fair)}.pill-poor{background:var(--poor)}.pill-none{background:var(--muted)}
.sev{font-weight:600}.sev-error{color:var(--poor)}.sev-warning{color:var(--fair)}
.two-col{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px;margin-bottom:16px}
.ranked,.plain{margin:0;padding-left:1.4em}
.plain{list-style:disc}
.ranked li,.plain li{margin:4px 0;overflow-wrap:anywhere}
.muted{color:var(--muted);font-size:.85rem}
.count-badge{font-size:.8rem;background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:0 6px;white-space:nowrap}
.empty{color:var(--muted)}
footer{margin-top:32px;padding-top:8px;padding-bottom:24px;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
tr[hidden]{display:none}
@media (max-width:600px){h1{font-size:1.3rem}.score .value{font-size:2rem}.cards{grid-template-columns:repeat(2,1fr)}.card dd{font-size:1.25rem}th,td{padding:6px}.chart-grid{grid-template-columns:1fr}}
@media print{
  body{font-size:11pt}
  .skip,nav,.filters,.arrow{display:none}
  .top{background:none}
  .table-scroll{overflow:visible;border:0}
  thead th button{padding:4px 6px}
  a{color:inherit;text-decoration:none}
  section,.chart,tr{break-inside:avoid}
  h2{break-after:avoid}
  .pill{color:#000;border:1px solid #000;background:none}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;

// Plain ES2017 so any browser that opens the file can run it; no globals leak.
const SCRIPT = `
(function () {
  'use strict';
  function cellValue(row, index, type) {
    var cell = row.children[index];
    if (!cell) return '';
    var raw = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim();
    if (type === 'number') return raw === '' ? null : Number(raw);
    return raw.toLowerCase();
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var headers = table.querySelectorAll('thead th');
    var body = table.tBodies[0];
    headers.forEach(function (th, index) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var type = th.getAttribute('data-type');
        var current = th.getAttribute('aria-sort');
        var direction = current === 'ascending' ? 'descending' : current === 'descending' ? 'ascending' : type === 'number' ? 'descending' : 'ascending';
        headers.forEach(function (other) { other.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', direction);
        var sign = direction === 'ascending' ? 1 : -1;
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (row, i) { row._order = i; });
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type), y = cellValue(b, index, type);
          if (x === y) return a._order - b._order;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * sign;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  document.querySelectorAll('form.filters').forEach(function (form) {
    var table = document.getElementById(form.getAttribute('data-table'));
    if (!table) return;
    var noun = form.getAttribute('data-noun');
    var count = form.querySelector('.count');
    var controls = form.querySelectorAll('[data-filter]');
    function apply() {
      var shown = 0, total = 0;
      var text = '';
      var wanted = {};
      controls.forEach(function (control) {
        var key = control.getAttribute('data-filter');
        if (key === 'text') text = control.value.trim().toLowerCase();
        else if (control.value !== '*') wanted[key] = control.value;
      });
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        total++;
        var ok = Object.keys(wanted).every(function (key) { return row.getAttribute('data-' + key) === wanted[key]; });
        if (ok && text) ok = row.textContent.toLowerCase().indexOf(text) !== -1;
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown === total ? 'Showing all ' + total + ' ' + noun : 'Showing ' + shown + ' of ' + total + ' ' + noun;
    }
    form.addEventListener('input', apply);
    form.addEventListener('change', apply);
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    apply();
  });
})();
`;
