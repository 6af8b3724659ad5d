/**
 * `kblint report` on tests/fixtures/report-kb, a knowledge base with one
 * planted defect of every kind. Every figure below was counted by hand from
 * the fixture files; the comments say where each comes from.
 */
import { lint } from '@kblint/core';
import {
  buildReport,
  compareReports,
  DEFAULT_FINDING_WEIGHT,
  FINDING_WEIGHTS,
  NO_CITATION_PENALTY,
  ORPHAN_PENALTY,
  readReport,
  renderMarkdown,
  type HealthReport,
} from '@kblint/report';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, REPO_ROOT, runCli } from './helpers/kb.js';

const FIXTURE = path.join(REPO_ROOT, 'tests/fixtures/report-kb');
const EPOCH = '1700000000'; // 2023-11-14T22:13:20Z
const AT = new Date(Number(EPOCH) * 1000);

/** A private copy of the fixture, so tests can change it. */
function copyFixture(): string {
  const dir = makeKb({});
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

async function fixtureReport(cwd = FIXTURE): Promise<HealthReport> {
  return buildReport(await lint({ cwd }), { cwd, generatedAt: AT, toolVersion: '0.0.0-test' });
}

describe('figures of the fixture knowledge base', () => {
  it('counts the whole knowledge base', async () => {
    const report = await fixtureReport();
    expect(report.version).toBe(1);
    expect(report.contentRoot).toBe('content');
    expect(report.summary).toEqual({
      articles: 6,
      // Words of the body text, headings and footnote definitions (not frontmatter), as core counts them.
      words: 242,
      // chain-of-thought 2, react 1 ([^missing] has no definition, so it is no citation), tree-search 0,
      // function-calling 3, web-browsing 1, misfiled 1.
      citations: 8,
      citationsPerArticle: 1.33, // 8 / 6
      citationsPer1000Words: 33.06, // 8 / 242 × 1000
      articlesWithoutCitations: 1, // tree-search
      unresolvedCitations: 1, // react: [^missing]
      unusedCitations: 1, // react: [^unused]
      sourcelessCitations: 1, // function-calling: [^vague]: TODO
      duplicateCitations: 1, // function-calling: [^dup] defined twice
      emptySections: 1, // react: ## Advantages
      taxonomyViolations: 2, // tree-search: tag `search`; misfiled: category Reasoning in tools/
      frontmatterProblems: 1, // web-browsing: no `category`
      danglingLinks: 2, // react: ../tools/code-execution.md; web-browsing: [[Function Calling]] is ambiguous
      duplicateTitles: 2, // function-calling and web-browsing are both titled "Function Calling"
      // Only chain-of-thought and react are linked to; [[Function Calling]] is ambiguous, so it links nowhere.
      orphanArticles: 4,
      problems: 12,
      errors: 11,
      warnings: 1, // no-unused-citations defaults to warn
      healthScore: 70.4, // (100 + 62.5 + 60 + 65 + 80 + 55) / 6
    });
  });

  it('scores and counts every article', async () => {
    const report = await fixtureReport();
    const rows = report.articles.map((a) => [a.path, a.category, a.words, a.citations, a.inboundLinks, a.outboundLinks, a.orphan, a.problems, a.healthScore]);
    expect(rows).toEqual([
      // No findings, cited, linked from react, function-calling and misfiled.
      ['content/reasoning/chain-of-thought.md', 'reasoning', 59, 2, 3, 1, false, 0, 100],
      // 100 − unresolved 15 − empty section 10 − dangling link 10 − unused citation (a warning) 5/2.
      ['content/reasoning/react.md', 'reasoning', 57, 1, 2, 1, false, 4, 62.5],
      // 100 − taxonomy 10 − no citation 20 − orphan 10.
      ['content/reasoning/tree-search.md', 'reasoning', 23, 0, 0, 0, true, 1, 60],
      // 100 − duplicate title 10 − placeholder source 10 − duplicate citation 5 − orphan 10.
      ['content/tools/function-calling.md', 'tools', 57, 3, 0, 2, true, 3, 65],
      // Filed under tools/ but its frontmatter says Reasoning: it counts for Reasoning. 100 − taxonomy 10 − orphan 10.
      ['content/tools/misfiled.md', 'reasoning', 27, 1, 0, 1, true, 1, 80],
      // No category: it counts for its folder. 100 − frontmatter 15 − duplicate title 10 − dangling 10 − orphan 10.
      ['content/tools/web-browsing.md', 'tools', 19, 1, 0, 0, true, 3, 55],
    ]);
    expect(report.articles.find((a) => a.path === 'content/reasoning/react.md')?.problemsByRule).toEqual({
      'no-dangling-links': 1,
      'no-empty-sections': 1,
      'no-unresolved-citations': 1,
      'no-unused-citations': 1,
    });
    expect(report.mostLinked).toEqual([
      { path: 'content/reasoning/chain-of-thought.md', title: 'Chain of Thought', inboundLinks: 3 },
      { path: 'content/reasoning/react.md', title: 'ReAct', inboundLinks: 2 },
    ]);
  });

  it('counts per category, empty categories included', async () => {
    const report = await fixtureReport();
    const rows = report.categories.map((c) => [
      c.slug,
      c.name,
      c.figures.articles,
      c.figures.words,
      c.figures.citations,
      c.figures.citationsPer1000Words,
      c.figures.articlesWithoutCitations,
      c.figures.orphanArticles,
      c.figures.problems,
      c.figures.healthScore,
    ]);
    expect(rows).toEqual([
      // chain-of-thought, react, tree-search, misfiled: 59 + 57 + 23 + 27 words, 2 + 1 + 0 + 1 citations.
      ['reasoning', 'Reasoning', 4, 166, 4, 24.1, 1, 2, 6, 75.6],
      // function-calling, web-browsing.
      ['tools', 'Tools', 2, 76, 4, 52.63, 0, 2, 6, 60],
      ['safety', 'Safety', 0, 0, 0, 0, 0, 0, 0, null],
    ]);
    expect(report.categories[1]?.problemsByRule).toEqual({
      'citation-has-source': 1,
      'no-dangling-links': 1,
      'no-duplicate-citations': 1,
      'no-duplicate-titles': 2,
      'valid-frontmatter': 1,
    });
  });

  it('lists every finding with its category', async () => {
    const report = await fixtureReport();
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.category}`)).toEqual([
      'content/reasoning/react.md:10:63 no-unresolved-citations reasoning',
      'content/reasoning/react.md:12:1 no-empty-sections reasoning',
      'content/reasoning/react.md:17:17 no-dangling-links reasoning',
      'content/reasoning/react.md:20:1 no-unused-citations reasoning',
      'content/reasoning/tree-search.md:4:18 valid-taxonomy reasoning',
      'content/tools/function-calling.md:2:8 no-duplicate-titles tools',
      'content/tools/function-calling.md:14:11 citation-has-source tools',
      'content/tools/function-calling.md:16:1 no-duplicate-citations tools',
      'content/tools/misfiled.md:3:11 valid-taxonomy reasoning',
      'content/tools/web-browsing.md:1:1 valid-frontmatter tools',
      'content/tools/web-browsing.md:2:8 no-duplicate-titles tools',
      'content/tools/web-browsing.md:8:53 no-dangling-links tools',
    ]);
  });

  it('reports a rule that is turned off as not measured (null), not as 0', async () => {
    const dir = copyFixture();
    const config = readFileSync(path.join(dir, '.kblintrc.yml'), 'utf8');
    writeFileSync(path.join(dir, '.kblintrc.yml'), `${config}rules:\n  no-empty-sections: off\n`);
    const report = await fixtureReport(dir);
    expect(report.rules['no-empty-sections']).toBe('off');
    expect(report.summary.emptySections).toBeNull();
    expect(report.summary.problems).toBe(11);
    expect(renderMarkdown(report)).toContain('| Empty sections | off |');
  });

  it('links paths to the source with --repo-url', async () => {
    const dir = copyFixture();
    const report = buildReport(await lint({ cwd: dir }), { cwd: dir, generatedAt: AT, repoUrl: 'https://example.org/kb/blob/main/' });
    // The temp copy is no git checkout, so paths are relative to the working directory.
    expect(report.findings[0]?.url).toBe('https://example.org/kb/blob/main/content/reasoning/react.md#L10');
    expect(report.articles[0]?.url).toBe('https://example.org/kb/blob/main/content/reasoning/chain-of-thought.md');
    expect(report.repoUrl).toBe('https://example.org/kb/blob/main');
  });
});

describe('health score formula', () => {
  it('is the one documented in packages/report/README.md', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'packages/report/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- weights:start -->'), readme.indexOf('<!-- weights:end -->'));
    const documented = Object.fromEntries(
      [...table.matchAll(/^\| (?:`([^`]+)`|(.+?)) \| (\d+) \|$/gm)].map((m) => [m[1] ?? m[2], Number(m[3])]),
    );
    expect(documented).toEqual({
      ...FINDING_WEIGHTS,
      'any other rule': DEFAULT_FINDING_WEIGHT,
      'no citation in the article': NO_CITATION_PENALTY,
      'no inbound link (orphan)': ORPHAN_PENALTY,
    });
  });
});

describe('kblint report (the built CLI)', () => {
  it('writes the JSON report and says what it wrote', () => {
    const dir = copyFixture();
    const run = runCli(dir, ['report', '--out', 'out/report.json'], { SOURCE_DATE_EPOCH: EPOCH });
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: 'Wrote out/report.json: health 70.4/100, 6 articles, 12 problems\n' });
    const json = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8')) as HealthReport;
    expect(json.version).toBe(1);
    expect(json.generatedAt).toBe('2023-11-14T22:13:20.000Z');
    expect(json.summary.healthScore).toBe(70.4);
    expect(json.summary.orphanArticles).toBe(4);
    expect(json.history).toEqual([]);
    expect(json.comparison).toBeUndefined();
  });

  it('prints the Markdown summary on stdout by default', () => {
    const run = runCli(FIXTURE, ['report'], { SOURCE_DATE_EPOCH: EPOCH });
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/kblint \S+ · /, 'kblint VERSION · ')).toBe(`## 🟡 Content health: 70.4/100

6 articles, 242 words in \`content\`. 12 problems (11 errors, 1 warning).

| Figure | Now |
| --- | ---: |
| Citations | 8 |
| Citations per article | 1.33 |
| Citations per 1,000 words | 33.06 |
| Articles with no citation | 1 |
| Unresolved citations | 1 |
| Unused citations | 1 |
| Citations without a source | 1 |
| Duplicate citations | 1 |
| Empty sections | 1 |
| Taxonomy violations | 2 |
| Frontmatter problems | 1 |
| Dangling links | 2 |
| Duplicate titles | 2 |
| Orphan articles | 4 |
| Errors | 11 |
| Warnings | 1 |

| Category | Articles | Citations / 1k words | Problems | Score |
| --- | ---: | ---: | ---: | ---: |
| Reasoning | 4 | 24.1 | 6 | 🟡 75.6 |
| Tools | 2 | 52.63 | 6 | 🔴 60 |

Empty categories: Safety.

<sub>kblint VERSION · report format 1 · 2023-11-14T22:13:20.000Z</sub>
`);
  });

  it('writes one self-contained HTML file', () => {
    const dir = copyFixture();
    const run = runCli(dir, ['report', '-o', 'report.html'], { SOURCE_DATE_EPOCH: EPOCH });
    expect(run.code).toBe(0);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    // Nothing to fetch: no external stylesheet, script, image or font, and a CSP that forbids it anyway.
    expect(html).not.toMatch(/<link\b|<script[^>]+src=|<img\b|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).toMatch(/<header[^>]*>[^]*<nav aria-label="Report sections"[^]*<main id="main"/);
  });

  it('compares with a previous report: new, fixed and the trend of each figure', () => {
    const dir = copyFixture();
    expect(runCli(dir, ['report', '-o', 'before.json'], { SOURCE_DATE_EPOCH: EPOCH }).code).toBe(0);
    // Fill the empty section, and break a link that worked.
    const react = path.join(dir, 'content/reasoning/react.md');
    writeFileSync(react, readFileSync(react, 'utf8').replace('## Advantages\n', '## Advantages\n\nActions ground the reasoning.\n'));
    const cot = path.join(dir, 'content/reasoning/chain-of-thought.md');
    writeFileSync(cot, readFileSync(cot, 'utf8').replace('[[ReAct]]', '[[ReAkt]]'));

    const run = runCli(dir, ['report', '--compare', 'before.json', '-o', 'after.json'], { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 86_400) });
    expect(run.code).toBe(0);
    const after = JSON.parse(readFileSync(path.join(dir, 'after.json'), 'utf8')) as HealthReport;
    const c = after.comparison;
    expect(c?.previous).toEqual({ version: 1, generatedAt: '2023-11-14T22:13:20.000Z' });
    expect(c?.newFindings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['content/reasoning/chain-of-thought.md:13 no-dangling-links']);
    expect(c?.fixedFindings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['content/reasoning/react.md:12 no-empty-sections']);
    expect(c?.figures.emptySections).toEqual({ previous: 1, current: 0, delta: -1, trend: 'better' });
    expect(c?.figures.danglingLinks).toEqual({ previous: 2, current: 3, delta: 1, trend: 'worse' });
    expect(c?.figures.problems).toEqual({ previous: 12, current: 12, delta: 0, trend: 'same' });
    // react lost its only inbound link besides function-calling's; no orphan changes. Words: +4.
    expect(c?.figures.words).toEqual({ previous: 242, current: 246, delta: 4, trend: 'changed' });
    // react: 62.5 → 62.5 + 10 (section) = 72.5; chain-of-thought: 100 → 90 (dangling link). Mean 422.5/6 → 422.5/6.
    expect(c?.figures.healthScore).toEqual({ previous: 70.4, current: 70.4, delta: 0, trend: 'same' });
    expect(c?.newArticles).toEqual([]);
    expect(c?.removedArticles).toEqual([]);
    expect(after.history).toHaveLength(1);
    expect(after.history[0]?.generatedAt).toBe('2023-11-14T22:13:20.000Z');

    // The Markdown says the same, briefly.
    const md = runCli(dir, ['report', '--compare', 'before.json'], { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 86_400) }).stdout;
    expect(md).toContain('| Empty sections | 0 | −1 ✅ |');
    expect(md).toContain('| Dangling links | 3 | +1 ⚠️ |');
    expect(md).toContain('**Since 2023-11-14:** 1 new, 1 fixed.');
    expect(md).toContain(
      '- `content/reasoning/chain-of-thought.md:13` no-dangling-links: Unexpected wiki link to missing article `ReAkt`, did you mean `ReAct`?',
    );

    // Comparing with that report carries the history on.
    const third = runCli(dir, ['report', '--compare', 'after.json', '--format', 'json'], { SOURCE_DATE_EPOCH: String(Number(EPOCH) + 2 * 86_400) });
    const json = JSON.parse(third.stdout) as HealthReport;
    expect(json.history.map((h) => h.generatedAt)).toEqual(['2023-11-14T22:13:20.000Z', '2023-11-15T22:13:20.000Z']);
    expect(json.comparison?.newFindings).toEqual([]);
  });

  it('refuses a previous report it cannot read, naming the problem', () => {
    const dir = copyFixture();
    writeFileSync(path.join(dir, 'future.json'), JSON.stringify({ version: 99, summary: {} }));
    writeFileSync(path.join(dir, 'broken.json'), '{"version": 1,');
    writeFileSync(path.join(dir, 'lint.json'), JSON.stringify({ version: 1, messages: [], summary: {} }));
    expect(runCli(dir, ['report', '--compare', 'future.json'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'kblint report: --compare future.json: Unexpected report version 99, expected version 1 or older: compare with a report written by this kblint version or an older one, or upgrade kblint\n',
    });
    const broken = runCli(dir, ['report', '--compare', 'broken.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^kblint report: --compare broken\.json: Unexpected invalid JSON \(.+\), expected a report written by `kblint report --format json`\n$/);
    // A `kblint --format json` lint result is not a report.
    expect(runCli(dir, ['report', '--compare', 'lint.json'])).toMatchObject({
      code: 2,
      stderr:
        'kblint report: --compare lint.json: Unexpected version 1 report without `summary`, `categories`, `articles` and `findings`, expected a complete report\n',
    });
    expect(runCli(dir, ['report', '--compare', 'missing.json'])).toMatchObject({ code: 2, stderr: 'kblint report: --compare missing.json: no such file\n' });
  });

  it('rejects bad usage with exit code 2', () => {
    expect(runCli(FIXTURE, ['report', 'content/reasoning'])).toMatchObject({
      code: 2,
      stderr: 'kblint report: unexpected argument `content/reasoning`: a report covers the whole knowledge base; set `content` in the config to choose it\n',
    });
    expect(runCli(FIXTURE, ['report', '--out', '/tmp/report.txt'])).toMatchObject({
      code: 2,
      stderr: 'kblint report: cannot tell the format from `/tmp/report.txt`; expected --format html, md or json, or an .html, .md or .json file\n',
    });
    expect(runCli(FIXTURE, ['report', '--format', 'pdf'])).toMatchObject({ code: 2, stderr: 'kblint report: unknown format `pdf`; expected one of html, md, json\n' });
    expect(runCli(FIXTURE, ['report', '--repo-url', 'github.com/x/y'])).toMatchObject({
      code: 2,
      stderr: 'kblint report: --repo-url `github.com/x/y` is not an http(s) URL; expected e.g. https://github.com/owner/repo/blob/main\n',
    });
    // A folder where the file should go.
    expect(runCli(FIXTURE, ['report', '--out', 'content'])).toMatchObject({ code: 2, stderr: 'kblint report: cannot tell the format from `content`; expected --format html, md or json, or an .html, .md or .json file\n' });
    expect(runCli(FIXTURE, ['report', '--format', 'md', '--out', 'content'])).toMatchObject({ code: 2, stdout: '', stderr: 'kblint report: cannot write `content` (EISDIR); expected a writable file path\n' });
    const help = runCli(FIXTURE, ['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kblint report \[options\]\n/);
  });
});

describe('edge cases', () => {
  it('reports an empty knowledge base without inventing a score', async () => {
    const dir = makeKb({ '.kblintrc.yml': 'content: content\n', 'content/.keep': '' });
    const report = await fixtureReport(dir);
    expect(report.summary).toMatchObject({ articles: 0, words: 0, citations: 0, citationsPerArticle: 0, citationsPer1000Words: 0, healthScore: null });
    expect(report.categories).toEqual([]);
    expect(renderMarkdown(report).split('\n')[0]).toBe('## ⚪ Content health: no articles');
    const run = runCli(dir, ['report', '-o', 'r.html']);
    expect(run).toMatchObject({ code: 0, stdout: 'Wrote r.html: health n/a, 0 articles, 0 problems\n' });
  });

  it('escapes what authors wrote: titles and messages cannot inject markup', async () => {
    const dir = makeKb({
      '.kblintrc.yml': 'content: content\n',
      'content/a.md': '---\ntitle: "<img src=x onerror=alert(1)>"\ncategory: "x|y"\n---\n\nText[^a].\n\n[^a]: Source. https://example.org\n',
    });
    const run = runCli(dir, ['report', '-o', 'r.html']);
    expect(run.code).toBe(0);
    const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    // A `|` in a category name does not break the Markdown table.
    expect(runCli(dir, ['report']).stdout).toContain('| x\\|y | 1 |');
  });
});

describe('comparing reports (API)', () => {
  it('matches findings by file, rule and message, one to one, ignoring moved lines', async () => {
    const current = await fixtureReport();
    const moved = current.findings.map((f) => ({ ...f, line: f.line + 3 }));
    const previous = readReport({ ...JSON.parse(JSON.stringify(current)), findings: [...moved, moved[0]] });
    const compared = compareReports(current, previous);
    expect(compared.comparison?.newFindings).toEqual([]);
    // The previous report had the first finding twice; one copy is gone now.
    expect(compared.comparison?.fixedFindings.map((f) => f.ruleId)).toEqual(['no-unresolved-citations']);
    expect(compared.comparison?.figures.healthScore.trend).toBe('same');
  });
});
