import type { LintResult } from '@kblint/core';
import { displayPath } from '@kblint/core';
import type { ArticleFacts, Diagnostic, Taxonomy } from '@kblint/rule-kit';
import { trimEnd } from '@kblint/rule-kit';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The JSON report format this package writes. `--compare` reads this and every older version it lists in `readReport`. */
export const REPORT_VERSION = 1;

/**
 * The figures whose counts come from one rule each. A rule that is turned
 * off (or not installed) was not measured: its figure is `null`, not 0.
 */
export const RULE_FIGURES = {
  unresolvedCitations: 'no-unresolved-citations',
  unusedCitations: 'no-unused-citations',
  sourcelessCitations: 'citation-has-source',
  duplicateCitations: 'no-duplicate-citations',
  emptySections: 'no-empty-sections',
  taxonomyViolations: 'valid-taxonomy',
  frontmatterProblems: 'valid-frontmatter',
  danglingLinks: 'no-dangling-links',
  duplicateTitles: 'no-duplicate-titles',
} as const;

export type RuleFigure = keyof typeof RULE_FIGURES;

export interface Figures {
  articles: number;
  words: number;
  /** Footnote references in the text (`[^x]` markers that resolve to a definition). */
  citations: number;
  citationsPerArticle: number;
  citationsPer1000Words: number;
  articlesWithoutCitations: number;
  unresolvedCitations: number | null;
  unusedCitations: number | null;
  sourcelessCitations: number | null;
  duplicateCitations: number | null;
  emptySections: number | null;
  taxonomyViolations: number | null;
  frontmatterProblems: number | null;
  danglingLinks: number | null;
  duplicateTitles: number | null;
  /** Articles no other article links to. */
  orphanArticles: number;
  /** Every finding, of every rule. */
  problems: number;
  errors: number;
  warnings: number;
  /** Mean of the article scores, 0–100; null without articles. */
  healthScore: number | null;
}

export type FigureName = keyof Figures;

export interface CategoryReport {
  /** Taxonomy slug; null for articles that name no known category. */
  slug: string | null;
  name: string;
  figures: Figures;
  /** Findings per rule id. */
  problemsByRule: Record<string, number>;
}

export interface ArticleReport {
  /** Relative to the working directory, `/` separators. */
  path: string;
  /** Link to the source when `--repo-url` is given. */
  url?: string;
  id: string;
  title: string;
  category: string | null;
  words: number;
  citations: number;
  citationsPer1000Words: number;
  /** Distinct articles that link here. */
  inboundLinks: number;
  /** Distinct articles this one links to. */
  outboundLinks: number;
  orphan: boolean;
  problems: number;
  problemsByRule: Record<string, number>;
  healthScore: number;
}

export interface Finding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
  category: string | null;
  url?: string;
}

export interface HistoryPoint {
  generatedAt: string;
  figures: Figures;
}

export type Trend = 'better' | 'worse' | 'same' | 'changed' | 'n/a';

export interface FigureChange {
  previous: number | null;
  current: number | null;
  /** current − previous; null when either was not measured. */
  delta: number | null;
  trend: Trend;
}

export interface Comparison {
  previous: { version: number; generatedAt: string };
  figures: Record<FigureName, FigureChange>;
  /** Per category slug ('' for uncategorised): the health score then and now. */
  categories: Array<{ slug: string | null; name: string; previous: number | null; current: number | null; delta: number | null }>;
  newFindings: Finding[];
  fixedFindings: Finding[];
  newArticles: string[];
  removedArticles: string[];
}

export interface HealthReport {
  version: typeof REPORT_VERSION;
  tool: { name: 'kblint'; version: string };
  generatedAt: string;
  /** The content root, relative to the working directory ('.' when it is the working directory). */
  contentRoot: string;
  repoUrl?: string;
  /** Every rule the run knew, with its configured severity. */
  rules: Record<string, 'error' | 'warn' | 'off'>;
  summary: Figures;
  categories: CategoryReport[];
  articles: ArticleReport[];
  /** Up to ten articles with the most inbound links. */
  mostLinked: Array<{ path: string; title: string; inboundLinks: number }>;
  findings: Finding[];
  /** Summaries of earlier reports, oldest first (from `--compare`), at most `HISTORY_LIMIT`. */
  history: HistoryPoint[];
  comparison?: Comparison;
}

export const HISTORY_LIMIT = 50;

/**
 * Health score penalties. An article starts at 100 and loses the weight of
 * each finding (half for a warning), and the fixed penalties below; the score
 * never drops under 0. Documented in the package README; a test keeps the
 * two in step.
 */
export const FINDING_WEIGHTS: Record<string, number> = {
  'no-unresolved-citations': 15,
  'valid-frontmatter': 15,
  'citation-has-source': 10,
  'no-empty-sections': 10,
  'no-dangling-links': 10,
  'valid-taxonomy': 10,
  'no-duplicate-titles': 10,
  'no-unused-citations': 5,
  'no-duplicate-citations': 5,
  'unreadable-file': 100,
  // A rule that crashed says nothing about the content.
  'internal-error': 0,
};
/** Weight of a finding of any rule not listed above. */
export const DEFAULT_FINDING_WEIGHT = 10;
export const NO_CITATION_PENALTY = 20;
export const ORPHAN_PENALTY = 10;

export interface BuildOptions {
  /** Paths are written relative to this; default `process.cwd()`. */
  cwd?: string;
  /** Base URL of the source tree, e.g. `https://github.com/o/r/blob/main`. */
  repoUrl?: string;
  /** Default: `SOURCE_DATE_EPOCH` when set (reproducible output), else now. */
  generatedAt?: Date;
  toolVersion?: string;
}

export function buildReport(result: LintResult, options: BuildOptions = {}): HealthReport {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const repoUrl = (options.repoUrl === undefined ? undefined : trimEnd(options.repoUrl));
  const repoRoot = repoUrl ? findRepoRoot(result.config.projectRoot, cwd) : cwd;
  const index = result.index;
  const taxonomy = result.config.taxonomy;
  const rules: Record<string, 'error' | 'warn' | 'off'> = {};
  for (const [id, setting] of [...result.config.rules].sort(([a], [b]) => compare(a, b))) rules[id] = setting.severity;

  const sourceUrl = (file: string, line?: number) =>
    repoUrl ? `${repoUrl}/${path.relative(repoRoot, file).split(path.sep).join('/')}${line ? `#L${line}` : ''}` : undefined;

  const articles = [...index.articles()].filter((a) => a.inContent).sort((a, b) => compare(a.path, b.path));
  const categoryOf = categoryResolver(taxonomy);
  const articleCategory = new Map<string, string | null>(articles.map((a) => [a.path, categoryOf(a)]));

  const findings: Finding[] = result.diagnostics.map((d) => toFinding(d, cwd, articleCategory.get(d.file) ?? null, sourceUrl(d.file, d.line)));
  const byFile = groupBy(result.diagnostics, (d) => d.file);

  const articleReports: ArticleReport[] = articles.map((article) => {
    const inbound = new Set(index.backlinks(article.path).map((b) => b.from.path));
    const outbound = new Set<string>();
    for (const link of article.links) {
      const resolution = index.resolveLink(article, link);
      if (resolution.status === 'ok' && resolution.target && resolution.target !== article) outbound.add(resolution.target.path);
    }
    const diagnostics = byFile.get(article.path) ?? [];
    const citations = article.footnotes.references.length;
    const orphan = inbound.size === 0;
    const url = sourceUrl(article.path);
    return {
      path: displayPath(article.path, cwd),
      ...(url ? { url } : {}),
      id: article.id,
      title: article.title ?? article.stem,
      category: articleCategory.get(article.path) ?? null,
      words: article.words,
      citations,
      citationsPer1000Words: per1000(citations, article.words),
      inboundLinks: inbound.size,
      outboundLinks: outbound.size,
      orphan,
      problems: diagnostics.length,
      problemsByRule: countBy(diagnostics, (d) => d.ruleId),
      healthScore: articleScore(diagnostics, citations, orphan),
    };
  });

  const categories = categoryList(taxonomy, articleReports).map(({ slug, name }) => {
    const members = articleReports.filter((a) => a.category === slug);
    const own = findings.filter((f) => f.category === slug && articleCategory.has(absolute(cwd, f.file)));
    return { slug, name, figures: figuresOf(members, own, rules), problemsByRule: countBy(own, (f) => f.ruleId) };
  });

  const mostLinked = articleReports
    .filter((a) => a.inboundLinks > 0)
    .sort((a, b) => b.inboundLinks - a.inboundLinks || compare(a.path, b.path))
    .slice(0, 10)
    .map((a) => ({ path: a.path, title: a.title, inboundLinks: a.inboundLinks }));

  return {
    version: REPORT_VERSION,
    tool: { name: 'kblint', version: options.toolVersion ?? packageVersion() },
    generatedAt: (options.generatedAt ?? defaultDate()).toISOString(),
    contentRoot: displayPath(result.config.contentRoot, cwd) || '.',
    ...(repoUrl ? { repoUrl } : {}),
    rules,
    summary: figuresOf(articleReports, findings, rules),
    categories,
    articles: articleReports,
    mostLinked,
    findings,
    history: [],
  };
}

/** The figures of a set of articles and the findings about them. */
export function figuresOf(articles: readonly ArticleReport[], findings: readonly Finding[], rules: Record<string, string>): Figures {
  const words = sum(articles.map((a) => a.words));
  const citations = sum(articles.map((a) => a.citations));
  const byRule = countBy(findings, (f) => f.ruleId);
  const ruleFigure = (ruleId: string) => (rules[ruleId] === undefined || rules[ruleId] === 'off' ? null : (byRule[ruleId] ?? 0));
  return {
    articles: articles.length,
    words,
    citations,
    citationsPerArticle: articles.length ? round(citations / articles.length, 2) : 0,
    citationsPer1000Words: per1000(citations, words),
    articlesWithoutCitations: articles.filter((a) => a.citations === 0).length,
    unresolvedCitations: ruleFigure(RULE_FIGURES.unresolvedCitations),
    unusedCitations: ruleFigure(RULE_FIGURES.unusedCitations),
    sourcelessCitations: ruleFigure(RULE_FIGURES.sourcelessCitations),
    duplicateCitations: ruleFigure(RULE_FIGURES.duplicateCitations),
    emptySections: ruleFigure(RULE_FIGURES.emptySections),
    taxonomyViolations: ruleFigure(RULE_FIGURES.taxonomyViolations),
    frontmatterProblems: ruleFigure(RULE_FIGURES.frontmatterProblems),
    danglingLinks: ruleFigure(RULE_FIGURES.danglingLinks),
    duplicateTitles: ruleFigure(RULE_FIGURES.duplicateTitles),
    orphanArticles: articles.filter((a) => a.orphan).length,
    problems: findings.length,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    healthScore: articles.length ? round(sum(articles.map((a) => a.healthScore)) / articles.length, 1) : null,
  };
}

export function articleScore(diagnostics: ReadonlyArray<Pick<Diagnostic, 'ruleId' | 'severity'>>, citations: number, orphan: boolean): number {
  let penalty = 0;
  for (const d of diagnostics) {
    const weight = FINDING_WEIGHTS[d.ruleId] ?? DEFAULT_FINDING_WEIGHT;
    penalty += d.severity === 'warning' ? weight / 2 : weight;
  }
  if (citations === 0) penalty += NO_CITATION_PENALTY;
  if (orphan) penalty += ORPHAN_PENALTY;
  return Math.max(0, round(100 - penalty, 1));
}

/**
 * An article belongs to the category its frontmatter names (by name or slug),
 * else to the category whose folder it is in, else to none. Without a
 * taxonomy, the category is what the frontmatter says, else the folder.
 */
function categoryResolver(taxonomy: Taxonomy | undefined): (article: ArticleFacts) => string | null {
  if (!taxonomy) return (article) => article.category?.trim() || article.folder || null;
  const keys = new Map<string, string>();
  for (const category of taxonomy.categories) {
    keys.set(category.slug.toLowerCase(), category.slug);
    keys.set(category.name.toLowerCase(), category.slug);
  }
  return (article) =>
    (article.category !== undefined ? keys.get(article.category.trim().toLowerCase()) : undefined) ??
    keys.get(article.folder.toLowerCase()) ??
    null;
}

/** Taxonomy categories in taxonomy order (empty ones too), then any others, then "Uncategorised". */
function categoryList(taxonomy: Taxonomy | undefined, articles: readonly ArticleReport[]): Array<{ slug: string | null; name: string }> {
  const list: Array<{ slug: string | null; name: string }> = (taxonomy?.categories ?? []).map((c) => ({ slug: c.slug, name: c.name }));
  const known = new Set(list.map((c) => c.slug));
  const others = [...new Set(articles.map((a) => a.category).filter((c): c is string => c !== null && !known.has(c)))].sort(compare);
  list.push(...others.map((slug) => ({ slug, name: slug })));
  if (articles.some((a) => a.category === null)) list.push({ slug: null, name: 'Uncategorised' });
  return list;
}

function toFinding(d: Diagnostic, cwd: string, category: string | null, url: string | undefined): Finding {
  return {
    file: displayPath(d.file, cwd),
    line: d.line,
    column: d.column,
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    category,
    ...(url ? { url } : {}),
  };
}

/** The folder holding `.git` at or above the project root; links to the source are relative to it. */
function findRepoRoot(projectRoot: string, fallback: string): string {
  let dir = projectRoot;
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return fallback;
    dir = parent;
  }
}

function defaultDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}

let cachedVersion: string | undefined;
function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedVersion;
}

function absolute(cwd: string, file: string): string {
  return path.resolve(cwd, file);
}

export function per1000(count: number, words: number): number {
  return words ? round((count * 1000) / words, 2) : 0;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => compare(a, b)));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
