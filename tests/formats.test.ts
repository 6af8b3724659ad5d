import { formatters, type FormatContext } from '@kblint/cli';
import { builtinRules, type LintResult } from '@kblint/core';
import type { Options as AjvOptions, ValidateFunction } from 'ajv-draft-04';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { article, makeKb, REPO_ROOT, runCli, TAXONOMY_YAML } from './helpers/kb.js';

type Diagnostic = LintResult['diagnostics'][number];

// ajv-draft-04 is CommonJS with `exports.default`; require sees it as written.
const AjvDraft04 = (
  createRequire(import.meta.url)('ajv-draft-04') as { default: new (options: AjvOptions) => { compile(schema: object): ValidateFunction } }
).default;

const CWD = path.resolve('/repo');
const context: FormatContext = { cwd: CWD, color: false, quiet: false, version: '9.9.9' };

const A = path.join(CWD, 'content/reasoning/react.md');
const B = path.join(CWD, 'content/tools/a,b:c.md');

function diagnostic(fields: Partial<Diagnostic> & Pick<Diagnostic, 'file' | 'line' | 'ruleId' | 'message'>): Diagnostic {
  return { column: 1, endLine: fields.line, endColumn: 5, severity: 'error', ...fields };
}

const DIAGNOSTICS: Diagnostic[] = [
  diagnostic({
    file: A,
    line: 3,
    column: 7,
    endLine: 3,
    endColumn: 12,
    ruleId: 'no-dangling-links',
    message: 'Unexpected missing article `c.md`, did you mean `b.md`?',
    url: 'https://github.com/kblint/kblint/blob/main/rules/no-dangling-links/README.md',
  }),
  diagnostic({
    file: A,
    line: 9,
    ruleId: 'no-duplicate-titles',
    severity: 'warning',
    message: 'Unexpected duplicate title `ReAct`, expected a unique title\n100% sure',
    url: 'https://github.com/kblint/kblint/blob/main/rules/no-duplicate-titles/README.md',
    related: [{ file: B, range: { start: { line: 2, column: 8 }, end: { line: 2, column: 13 } }, message: 'The first `ReAct`' }],
  }),
  diagnostic({ file: B, line: 1, ruleId: 'internal-error', message: 'Rule `x` failed: <boom> & "quotes"' }),
];

function result(diagnostics: Diagnostic[], files = [A, B, path.join(CWD, 'content/meta/clean.md')]): Pick<LintResult, 'files' | 'diagnostics' | 'summary'> {
  const rules: Record<string, number> = {};
  for (const d of diagnostics) rules[d.ruleId] = (rules[d.ruleId] ?? 0) + 1;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    files,
    diagnostics,
    summary: {
      files: files.length,
      filesWithProblems: new Set(diagnostics.map((d) => d.file)).size,
      errors,
      warnings: diagnostics.length - errors,
      internalErrors: diagnostics.filter((d) => d.ruleId === 'internal-error').length,
      rules,
    },
  };
}

describe('--format github', () => {
  it('writes one workflow command per finding, warnings as ::warning, with escaped properties and message', () => {
    expect(formatters.github?.(result(DIAGNOSTICS), context)).toBe(
      [
        '::error file=content/reasoning/react.md,line=3,col=7,endLine=3,endColumn=12,title=no-dangling-links::Unexpected missing article `c.md`, did you mean `b.md`?',
        '::warning file=content/reasoning/react.md,line=9,col=1,endLine=9,endColumn=5,title=no-duplicate-titles::Unexpected duplicate title `ReAct`, expected a unique title%0A100%25 sure',
        '::error file=content/tools/a%2Cb%3Ac.md,line=1,col=1,endLine=1,endColumn=5,title=internal-error::Rule `x` failed: <boom> & "quotes"',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for a clean run', () => {
    expect(formatters.github?.(result([]), context)).toBe('');
  });

  it('in a GitHub Actions job, writes paths relative to GITHUB_WORKSPACE when kblint runs in a subfolder', () => {
    const workspace = makeKb({
      'docs/.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
      'docs/taxonomy.yml': TAXONOMY_YAML,
      'docs/content/reasoning/broken.md': 'No frontmatter here.\n',
    });
    const docs = path.join(workspace, 'docs');
    const annotation =
      '::error file=%s,line=1,col=1,endLine=1,endColumn=1,title=valid-frontmatter::Unexpected missing frontmatter, expected a `---` block with `title` and `category` at the start of the file\n';
    expect(runCli(docs, ['--format', 'github'], { GITHUB_WORKSPACE: workspace }).stdout).toBe(
      annotation.replace('%s', 'docs/content/reasoning/broken.md'),
    );
    // Outside the workspace (or outside Actions) paths stay relative to the working directory.
    expect(runCli(docs, ['--format', 'github'], { GITHUB_WORKSPACE: path.join(workspace, 'elsewhere') }).stdout).toBe(
      annotation.replace('%s', 'content/reasoning/broken.md'),
    );
  });
});

describe('--format sarif', () => {
  // Every built-in rule has an entry, plus any other rule id a finding carries.
  const ruleIds = [...builtinRules.map((rule) => rule.meta.id), 'internal-error'].sort();
  const ruleEntries = ruleIds.map((id) => {
    const rule = builtinRules.find((r) => r.meta.id === id);
    return rule
      ? { id, shortDescription: { text: rule.meta.description }, helpUri: `https://github.com/kblint/kblint/blob/main/rules/${id}/README.md` }
      : { id };
  });

  // The SARIF 2.1.0 schema (the final 2.1.0-rtm.5 text, JSON Schema draft-04)
  // as shipped in the npm package @microsoft/jest-sarif@1.0.0-beta.0 (MIT),
  // file lib/schemas/sarif-2.1.0-rtm.5.json; vendored so the test needs no
  // network. draft-04 needs Ajv's draft-04 build. The schema's `language`
  // pattern has a stray `]` that is an error under the `u` flag Ajv uses by
  // default, hence `unicodeRegExp: false`.
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(schema);

  it('is SARIF 2.1.0 with one rule entry per rule id and its help URL, results with regions and related locations', () => {
    const log = JSON.parse(formatters.sarif?.(result(DIAGNOSTICS), context) ?? '') as Record<string, unknown>;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log).toEqual({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'kblint',
              version: '9.9.9',
              informationUri: 'https://github.com/kblint/kblint',
              rules: ruleEntries,
            },
          },
          columnKind: 'utf16CodeUnits',
          results: [
            {
              ruleId: 'no-dangling-links',
              ruleIndex: ruleIds.indexOf('no-dangling-links'),
              level: 'error',
              message: { text: 'Unexpected missing article `c.md`, did you mean `b.md`?' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'content/reasoning/react.md' },
                    region: { startLine: 3, startColumn: 7, endLine: 3, endColumn: 12 },
                  },
                },
              ],
            },
            {
              ruleId: 'no-duplicate-titles',
              ruleIndex: ruleIds.indexOf('no-duplicate-titles'),
              level: 'warning',
              message: { text: 'Unexpected duplicate title `ReAct`, expected a unique title\n100% sure' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'content/reasoning/react.md' },
                    region: { startLine: 9, startColumn: 1, endLine: 9, endColumn: 5 },
                  },
                },
              ],
              relatedLocations: [
                {
                  id: 0,
                  message: { text: 'The first `ReAct`' },
                  physicalLocation: {
                    artifactLocation: { uri: 'content/tools/a,b:c.md' },
                    region: { startLine: 2, startColumn: 8, endLine: 2, endColumn: 13 },
                  },
                },
              ],
            },
            {
              ruleId: 'internal-error',
              ruleIndex: ruleIds.indexOf('internal-error'),
              level: 'error',
              message: { text: 'Rule `x` failed: <boom> & "quotes"' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'content/tools/a,b:c.md' },
                    region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 5 },
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const log = JSON.parse(formatters.sarif?.(result(DIAGNOSTICS), context) ?? '') as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    delete log.runs[0]?.results[0]?.message;
    expect(validate(log)).toBe(false);
  });

  it('the real CLI prints valid SARIF for a knowledge base with findings', () => {
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
      'taxonomy.yml': TAXONOMY_YAML,
      'content/reasoning/react.md': article('ReAct', 'Reasoning'),
      'content/reasoning/broken.md': '# Broken\n\nNo frontmatter here.\n',
    });
    const run = runCli(cwd, ['--format', 'sarif']);
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } }; results: Array<{ ruleId: string; locations: unknown[] }> }> };
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run0 = log.runs[0];
    expect(run0?.tool.driver.rules).toEqual(ruleEntries.filter((entry) => entry.id !== 'internal-error'));
    expect(run0?.results.map((r) => [r.ruleId, r.locations])).toEqual([
      [
        'valid-frontmatter',
        [{ physicalLocation: { artifactLocation: { uri: 'content/reasoning/broken.md' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } } }],
      ],
    ]);
  });
});

describe('--format junit', () => {
  it('has a suite per file, errors as failures, warnings as passing cases with their text, clean files as one passing case', () => {
    expect(formatters.junit?.(result(DIAGNOSTICS), context)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="kblint" tests="4" failures="2" errors="0">',
        '  <testsuite name="content/meta/clean.md" tests="1" failures="0" errors="0">',
        '    <testcase classname="content/meta/clean.md" name="kblint"/>',
        '  </testsuite>',
        '  <testsuite name="content/reasoning/react.md" tests="2" failures="1" errors="0">',
        '    <testcase classname="content/reasoning/react.md" name="3:7 no-dangling-links"><failure type="no-dangling-links" message="Unexpected missing article `c.md`, did you mean `b.md`?">content/reasoning/react.md:3:7-3:12: Unexpected missing article `c.md`, did you mean `b.md`? (no-dangling-links)</failure></testcase>',
        '    <testcase classname="content/reasoning/react.md" name="9:1 no-duplicate-titles"><system-out>warning: content/reasoning/react.md:9:1-9:5: Unexpected duplicate title `ReAct`, expected a unique title\n100% sure (no-duplicate-titles)</system-out></testcase>',
        '  </testsuite>',
        '  <testsuite name="content/tools/a,b:c.md" tests="1" failures="1" errors="0">',
        '    <testcase classname="content/tools/a,b:c.md" name="1:1 internal-error"><failure type="internal-error" message="Rule `x` failed: &lt;boom&gt; &amp; &quot;quotes&quot;">content/tools/a,b:c.md:1:1-1:5: Rule `x` failed: &lt;boom&gt; &amp; &quot;quotes&quot; (internal-error)</failure></testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });
});

describe('--format markdown', () => {
  it('gives totals, findings per rule, the worst files and the first findings', () => {
    expect(formatters.markdown?.(result(DIAGNOSTICS), context)).toBe(
      [
        '## kblint',
        '',
        '**2 errors, 1 warning** in 2 of 3 files checked.',
        '',
        '| Rule | Errors | Warnings |',
        '| --- | ---: | ---: |',
        '| `internal-error` | 1 | 0 |',
        '| [`no-dangling-links`](https://github.com/kblint/kblint/blob/main/rules/no-dangling-links/README.md) | 1 | 0 |',
        '| [`no-duplicate-titles`](https://github.com/kblint/kblint/blob/main/rules/no-duplicate-titles/README.md) | 0 | 1 |',
        '',
        '### Files',
        '',
        '| File | Errors | Warnings |',
        '| --- | ---: | ---: |',
        '| `content/reasoning/react.md` | 1 | 1 |',
        '| `content/tools/a,b:c.md` | 1 | 0 |',
        '',
        '### Findings',
        '',
        '- `content/reasoning/react.md:3:7` error: Unexpected missing article `c.md`, did you mean `b.md`? (`no-dangling-links`)',
        '- `content/reasoning/react.md:9:1` warning: Unexpected duplicate title `ReAct`, expected a unique title 100% sure (`no-duplicate-titles`)',
        '- `content/tools/a,b:c.md:1:1` error: Rule `x` failed: &lt;boom> & "quotes" (`internal-error`)',
        '',
      ].join('\n'),
    );
  });

  it('caps the worst files at 10 and the findings at 20, and says so', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      diagnostic({ file: path.join(CWD, `content/meta/f${String(i).padStart(2, '0')}.md`), line: 1, ruleId: 'valid-frontmatter', message: `m${i}` }),
    );
    const text = formatters.markdown?.(result(many, many.map((d) => d.file)), context) ?? '';
    expect(text).toContain('**30 errors, 0 warnings** in 30 of 30 files checked.');
    expect(text).toContain('### The 10 files with the most problems');
    expect(text).toContain('### The first 20 of 30 findings');
    expect(text.split('\n').filter((line) => line.startsWith('| `content/')).length).toBe(10);
    expect(text.split('\n').filter((line) => line.startsWith('- `')).length).toBe(20);
  });

  it('says a clean run is clean', () => {
    expect(formatters.markdown?.(result([]), context)).toBe('## kblint\n\n✔ 3 files checked, no problems.\n');
  });
});
