import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { commitAll, git, initRepo } from './helpers/git.js';
import { article, makeKb, REPO_ROOT, TAXONOMY_YAML } from './helpers/kb.js';

const ACTION_ENTRY = path.join(REPO_ROOT, 'packages/action/dist/index.js');

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}
const ACTION = parseYaml(readFileSync(path.join(REPO_ROOT, 'packages/action/action.yml'), 'utf8')) as ActionYml;

/**
 * Runs the committed bundle exactly as a runner does: `node dist/index.js`
 * in the workspace, inputs as `INPUT_<NAME>` (hyphens kept), the event
 * payload in a file, the step summary and outputs as files.
 */
function runAction(workspace: string, inputs: Record<string, string>, event: object = { pull_request: {} }) {
  const eventPath = path.join(workspace, '..', `${path.basename(workspace)}-event.json`);
  const summaryPath = path.join(workspace, '..', `${path.basename(workspace)}-summary.md`);
  const outputPath = path.join(workspace, '..', `${path.basename(workspace)}-output.txt`);
  writeFileSync(eventPath, JSON.stringify(event));
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    // The defaults action.yml declares, set as the runner sets them.
    ...Object.fromEntries(Object.entries(ACTION.inputs).map(([name, input]) => [`INPUT_${name.toUpperCase()}`, input.default ?? ''])),
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  };
  const result = spawnSync(process.execPath, [ACTION_ENTRY], { cwd: workspace, env, encoding: 'utf8', timeout: 60_000 });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    summary: readFileSync(summaryPath, 'utf8'),
    outputs: readFileSync(outputPath, 'utf8'),
  };
}

/** A repository whose knowledge base lives in `docs/`; the head commit renames an article. */
function pullRequest() {
  const workspace = makeKb({
    'README.md': '# A project with docs\n',
    'docs/.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
    'docs/taxonomy.yml': TAXONOMY_YAML,
    'docs/content/reasoning/react.md': article('ReAct', 'Reasoning'),
    'docs/content/tools/relative.md': article('Relative', 'Tools', 'See [ReAct](../reasoning/react.md).'),
    'docs/content/safety/unrelated.md': 'No frontmatter, an error nobody touched.\n',
  });
  const base = initRepo(workspace);
  git(workspace, 'mv', 'docs/content/reasoning/react.md', 'docs/content/reasoning/react-prompting.md');
  const head = commitAll(workspace, 'rename react');
  return { workspace, base, head };
}

// Each case makes a repository and runs the action once or twice: room for a loaded CI machine.
describe('the GitHub Action, run as a runner runs it', { timeout: 120_000 }, () => {
  it('declares the documented inputs, outputs and a node20 entry point that is committed', () => {
    expect(ACTION.runs).toEqual({ using: 'node20', main: 'dist/index.js' });
    expect(existsSync(ACTION_ENTRY)).toBe(true);
    expect(Object.fromEntries(Object.entries(ACTION.inputs).map(([name, input]) => [name, input.default]))).toEqual({
      path: '.',
      config: '',
      'only-changed': 'false',
      'fail-on': 'error',
      'sarif-file': '',
      summary: 'true',
      'allow-js-config': 'false',
    });
    expect(Object.keys(ACTION.outputs)).toEqual(['errors', 'warnings', 'sarif-file']);
  });

  it('on a pull request with only-changed: annotations relative to the workspace, a job summary, SARIF, outputs, exit 1', () => {
    const { workspace, base, head } = pullRequest();
    const run = runAction(
      workspace,
      { path: 'docs', 'only-changed': 'true', 'sarif-file': 'reports/kblint.sarif' },
      { pull_request: { number: 7, base: { sha: base }, head: { sha: head } } },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        '::error file=docs/content/tools/relative.md,line=8,col=13,endLine=8,endColumn=34,title=no-dangling-links::Unexpected missing article `../reasoning/react.md`, expected the path of an existing article',
        `kblint: 1 error, 0 warnings in 2 files (articles changed since \`${base.slice(0, 7)}\` and the articles linking to them)`,
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(1);
    const sarifFile = path.join(workspace, 'reports/kblint.sarif');
    expect(run.outputs).toBe(`errors=1\nwarnings=0\nsarif-file=${sarifFile}\n`);
    expect(run.summary).toBe(
      [
        '## kblint',
        '',
        '**1 error, 0 warnings** in 1 of 2 files checked.',
        '',
        '| Rule | Errors | Warnings |',
        '| --- | ---: | ---: |',
        '| [`no-dangling-links`](https://github.com/kblint/kblint/blob/main/rules/no-dangling-links/README.md) | 1 | 0 |',
        '',
        '### Files',
        '',
        '| File | Errors | Warnings |',
        '| --- | ---: | ---: |',
        '| `docs/content/tools/relative.md` | 1 | 0 |',
        '',
        '### Findings',
        '',
        '- `docs/content/tools/relative.md:8:13` error: Unexpected missing article `../reasoning/react.md`, expected the path of an existing article (`no-dangling-links`)',
        '',
        `_Linted articles changed since \`${base.slice(0, 7)}\` and the articles linking to them._`,
        '',
      ].join('\n'),
    );
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    expect(sarif.runs[0]?.results.map((r) => [r.ruleId, r.locations[0]?.physicalLocation.artifactLocation.uri])).toEqual([
      ['no-dangling-links', 'docs/content/tools/relative.md'],
    ]);
  });

  it('only-changed works on a shallow checkout (actions/checkout\'s default depth 1) by fetching the base commit', () => {
    const { workspace: origin, base, head } = pullRequest();
    const workspace = path.join(makeKb({}), 'checkout');
    git(path.dirname(workspace), 'clone', '-q', '--depth=1', `file://${origin}`, workspace);
    expect(git(workspace, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const run = runAction(
      workspace,
      { path: 'docs', 'only-changed': 'true' },
      { pull_request: { number: 7, base: { sha: base }, head: { sha: head } } },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        '::error file=docs/content/tools/relative.md,line=8,col=13,endLine=8,endColumn=34,title=no-dangling-links::Unexpected missing article `../reasoning/react.md`, expected the path of an existing article',
        `kblint: 1 error, 0 warnings in 2 files (articles changed since \`${base.slice(0, 7)}\` and the articles linking to them)`,
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(1);
  });

  it('without only-changed lints every article; fail-on never passes the step but keeps the annotations', () => {
    const { workspace } = pullRequest();
    const run = runAction(workspace, { path: 'docs', 'fail-on': 'never', summary: 'false' });
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::')).map((line) => line.split('::')[1])).toEqual([
      'error file=docs/content/safety/unrelated.md,line=1,col=1,endLine=1,endColumn=1,title=valid-frontmatter',
      'error file=docs/content/tools/relative.md,line=8,col=13,endLine=8,endColumn=34,title=no-dangling-links',
    ]);
    expect(run.code).toBe(0);
    expect(run.summary).toBe('');
    expect(run.outputs).toBe('errors=2\nwarnings=0\nsarif-file=\n');
  });

  it('only-changed on an event without a pull request lints every article and says so', () => {
    const { workspace } = pullRequest();
    const run = runAction(workspace, { path: 'docs', 'only-changed': 'true' }, { ref: 'refs/heads/main' });
    expect(run.stdout.split('\n')[0]).toBe('::notice title=kblint::only-changed applies to pull_request events; linting every article');
    expect(run.stdout).toContain('kblint: 2 errors, 0 warnings in 3 files (every article)\n');
    expect(run.code).toBe(1);
  });

  it('keeps warnings as ::warning; fail-on warning fails on them, fail-on error does not', () => {
    const workspace = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  valid-frontmatter: warn\n',
      'taxonomy.yml': TAXONOMY_YAML,
      'content/reasoning/a.md': 'Text without frontmatter.\n',
    });
    initRepo(workspace);
    const lenient = runAction(workspace, {});
    expect(lenient.stdout.split('\n')[0]).toBe(
      '::warning file=content/reasoning/a.md,line=1,col=1,endLine=1,endColumn=1,title=valid-frontmatter::Unexpected missing frontmatter, expected a `---` block with `title` and `category` at the start of the file',
    );
    expect(lenient.code).toBe(0);
    expect(lenient.outputs).toBe('errors=0\nwarnings=1\nsarif-file=\n');
    expect(runAction(workspace, { 'fail-on': 'warning' }).code).toBe(1);
  });

  it('never runs a JavaScript config unless allow-js-config is set', () => {
    const workspace = makeKb({
      // Running this config leaves a marker file: the test can see whether it ran.
      'kblint.config.mjs': `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran.txt', import.meta.url), 'ran');\nexport default { content: 'content', taxonomy: 'taxonomy.yml' };\n`,
      'taxonomy.yml': TAXONOMY_YAML,
      'content/reasoning/a.md': article('A', 'Reasoning'),
    });
    initRepo(workspace);
    const refused = runAction(workspace, { config: 'kblint.config.mjs' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe(
      '::error title=kblint::kblint.config.mjs: `--config`: a JavaScript config is not allowed here (allow-js-config is off)\n',
    );
    expect(existsSync(path.join(workspace, 'ran.txt'))).toBe(false);

    const allowed = runAction(workspace, { config: 'kblint.config.mjs', 'allow-js-config': 'true' });
    expect(allowed.code).toBe(0);
    expect(existsSync(path.join(workspace, 'ran.txt'))).toBe(true);
  });

  it('rejects a bad input with exit 2 whatever fail-on says', () => {
    const workspace = makeKb({ '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n', 'taxonomy.yml': TAXONOMY_YAML });
    const run = runAction(workspace, { 'fail-on': 'sometimes' });
    expect(run).toMatchObject({ code: 2, stdout: '::error title=kblint::Unexpected `fail-on: sometimes`, expected `error`, `warning` or `never`\n' });
  });
});
