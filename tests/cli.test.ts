import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { article, makeKb, REPO_ROOT, runCli, runJson, TAXONOMY_YAML } from './helpers/kb.js';

const CONFIG = 'content: content\ntaxonomy: taxonomy.yml\n';

function cleanKb(extra: Record<string, string> = {}) {
  return makeKb({
    '.kblintrc.yml': CONFIG,
    'taxonomy.yml': TAXONOMY_YAML,
    'content/reasoning/react.md': article('ReAct', 'Reasoning'),
    'content/tools/function-calling.md': article('Function Calling', 'Tools'),
    ...extra,
  });
}

describe('kblint CLI: the JSON contract and exit codes', () => {
  it('node_modules/.bin/kblint at the repository root is the CLI', () => {
    const cwd = cleanKb({ 'content/reasoning/broken.md': '# Broken\n\nText.\n' });
    const run = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/kblint'), ['--format', 'json'], { cwd, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { version: number; messages: Array<{ file: string; ruleId: string }> };
    expect(json.version).toBe(1);
    expect(json.messages.map((m) => [m.file, m.ruleId])).toEqual([['content/reasoning/broken.md', 'valid-frontmatter']]);
  });

  it('exits 0 and prints the contract JSON for a clean knowledge base', () => {
    const run = runJson(cleanKb());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json).toEqual({
      version: 1,
      messages: [],
      summary: { files: 2, filesWithProblems: 0, errors: 0, warnings: 0, internalErrors: 0, rules: {} },
    });
  });

  it('exits 1 with each message as {file, line, column, endLine, endColumn, ruleId, severity, message}', () => {
    const cwd = cleanKb({ 'content/reasoning/broken.md': '# Broken\n\nNo frontmatter here.\n' });
    const run = runJson(cwd);
    expect(run.code).toBe(1);
    expect(run.json?.messages).toEqual([
      {
        file: 'content/reasoning/broken.md',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        ruleId: 'valid-frontmatter',
        severity: 'error',
        message: 'Unexpected missing frontmatter, expected a `---` block with `title` and `category` at the start of the file',
        url: 'https://github.com/kblint/kblint/blob/main/rules/valid-frontmatter/README.md',
      },
    ]);
    expect(run.json?.summary).toMatchObject({ files: 3, errors: 1, warnings: 0, rules: { 'valid-frontmatter': 1 } });
  });

  it('writes file paths relative to the working directory with / separators', () => {
    const cwd = cleanKb({ 'content/reasoning/broken.md': '# Broken\n\nText.\n' });
    const run = runJson(path.join(cwd, 'content'), ['--config', '../.kblintrc.yml']);
    expect(run.json?.messages.map((m) => m.file)).toEqual(['reasoning/broken.md']);
  });

  it('downgrades to a warning with `warn` and honours --max-warnings', () => {
    const cwd = cleanKb({
      '.kblintrc.yml': `${CONFIG}rules:\n  valid-frontmatter: warn\n`,
      'content/reasoning/broken.md': '# Broken\n\nText.\n',
    });
    const lenient = runJson(cwd);
    expect(lenient.code).toBe(0);
    expect(lenient.json?.messages.map((m) => m.severity)).toEqual(['warning']);
    const strict = runJson(cwd, ['--max-warnings', '0']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('kblint: 1 warnings, more than --max-warnings 0\n');
    expect(runJson(cwd, ['--max-warnings', '1']).code).toBe(0);
  });

  it('--quiet drops warnings', () => {
    const cwd = cleanKb({
      '.kblintrc.yml': `${CONFIG}rules:\n  valid-frontmatter: warn\n`,
      'content/reasoning/broken.md': '# Broken\n\nText.\n',
    });
    expect(runJson(cwd, ['--quiet']).json?.messages).toEqual([]);
  });

  it('turns a rule off', () => {
    const cwd = cleanKb({
      '.kblintrc.yml': `${CONFIG}rules:\n  valid-frontmatter: off\n`,
      'content/reasoning/broken.md': '# Broken\n\nText.\n',
    });
    const run = runJson(cwd);
    expect(run.json?.messages.filter((m) => m.ruleId === 'valid-frontmatter')).toEqual([]);
  });
});

describe('kblint CLI: configuration errors exit 2 with one line naming file and key', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    [
      'unknown rule id',
      { '.kblintrc.yml': `${CONFIG}rules:\n  no-such-rule: error\n` },
      'kblint: .kblintrc.yml: `rules.no-such-rule`: unknown rule; expected one of ',
    ],
    [
      'bad severity',
      { '.kblintrc.yml': `${CONFIG}rules:\n  valid-frontmatter: loud\n` },
      'kblint: .kblintrc.yml: `rules.valid-frontmatter`: unexpected severity "loud"; expected `off`, `warn` or `error`\n',
    ],
    [
      'bad rule options',
      { '.kblintrc.yml': `${CONFIG}rules:\n  valid-frontmatter: [error, { required: title }]\n` },
      'kblint: .kblintrc.yml: `rules.valid-frontmatter.required`: invalid option; must be array\n',
    ],
    [
      'unknown option',
      { '.kblintrc.yml': `${CONFIG}rules:\n  valid-frontmatter: [error, { requried: [title] }]\n` },
      'kblint: .kblintrc.yml: `rules.valid-frontmatter`: invalid option: `requried`; must NOT have additional properties\n',
    ],
    [
      'missing taxonomy file',
      { '.kblintrc.yml': 'content: content\ntaxonomy: missing.yml\n' },
      'kblint: .kblintrc.yml: `taxonomy`: expected a YAML or JSON file, but `missing.yml` does not exist\n',
    ],
    [
      'broken taxonomy file',
      { '.kblintrc.yml': CONFIG, 'taxonomy.yml': 'categories:\n  - { name: Reasoning }\n' },
      'kblint: taxonomy.yml: `categories[0].slug`: expected a folder-safe slug like `memory-retrieval`\n',
    ],
    [
      'unknown top-level key',
      { '.kblintrc.yml': `${CONFIG}rulez: {}\n` },
      'kblint: .kblintrc.yml: `rulez`: unknown key; expected one of `content`, `taxonomy`, `rules`, `ignore`\n',
    ],
    [
      'YAML that does not parse',
      { '.kblintrc.yml': 'rules: [\n' },
      'kblint: ',
    ],
    [
      'a JavaScript config that throws',
      { '.kblintrc.yml': '', 'kblint.config.mjs': 'throw new Error("boom");\n' },
      'kblint: ',
    ],
  ];
  for (const [name, files, expected] of cases) {
    it(name, () => {
      const cwd = makeKb({
        'taxonomy.yml': TAXONOMY_YAML,
        'content/reasoning/react.md': article('ReAct', 'Reasoning'),
        ...files,
      });
      if (name === 'a JavaScript config that throws') {
        // Only the JavaScript config: cosmiconfig would find the YAML first.
        runCli(cwd, ['--version']);
      }
      const run = runCli(cwd, name === 'a JavaScript config that throws' ? ['--config', 'kblint.config.mjs'] : []);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(run.stderr.startsWith(expected)).toBe(true);
    });
  }

  it('names the config file and the problem for YAML and throwing JavaScript configs', () => {
    const yaml = runCli(makeKb({ '.kblintrc.yml': 'rules: [\n' }));
    expect(yaml.stderr).toMatch(/^kblint: .*\.kblintrc\.yml: `config`: could not be loaded: /);
    const js = runCli(makeKb({ 'kblint.config.mjs': 'throw new Error("boom");\n' }));
    expect(js.stderr).toMatch(/^kblint: .*kblint\.config\.mjs: `config`: could not be loaded: boom\n$/);
  });

  it('usage errors exit 2', () => {
    const cwd = cleanKb();
    expect(runCli(cwd, ['--format', 'xml'])).toMatchObject({ code: 2, stdout: '' });
    expect(runCli(cwd, ['--bogus']).code).toBe(2);
    expect(runCli(cwd, ['--max-warnings', 'many']).code).toBe(2);
    expect(runCli(cwd, ['content/nope.md'])).toMatchObject({ code: 2, stderr: 'kblint: No such file or folder: `content/nope.md`\n' });
  });
});

describe('kblint CLI: finding the config', () => {
  const body = { 'taxonomy.yml': TAXONOMY_YAML, 'content/reasoning/broken.md': '# Broken\n\nText.\n' };
  const forms: Record<string, Record<string, string>> = {
    '.kblintrc.json': { '.kblintrc.json': '{"taxonomy": "taxonomy.yml", "rules": {"valid-frontmatter": "warn"}}' },
    '.kblintrc (YAML)': { '.kblintrc': 'taxonomy: taxonomy.yml\nrules:\n  valid-frontmatter: warn\n' },
    'package.json#kblint': { 'package.json': '{"name": "kb", "kblint": {"rules": {"valid-frontmatter": "warn"}}}' },
    'kblint.config.mjs': { 'kblint.config.mjs': 'export default { rules: { "valid-frontmatter": "warn" } };\n' },
    'kblint.config.cjs': { 'kblint.config.cjs': 'module.exports = { rules: { "valid-frontmatter": "warn" } };\n' },
  };
  for (const [name, files] of Object.entries(forms)) {
    it(`reads ${name}`, () => {
      const run = runJson(makeKb({ ...body, ...files }));
      expect(run.json?.messages.filter((m) => m.ruleId === 'valid-frontmatter').map((m) => m.severity)).toEqual(['warning']);
    });
  }

  it('finds the config from a subfolder of the project', () => {
    const cwd = makeKb({ ...body, '.kblintrc.yml': 'rules:\n  valid-frontmatter: warn\n', 'package.json': '{"name":"kb"}' });
    const run = runJson(path.join(cwd, 'content/reasoning'));
    expect(run.json?.messages.map((m) => [m.file, m.severity])).toEqual([['broken.md', 'warning']]);
  });
});

describe('kblint CLI: which files are linted', () => {
  it('honours .gitignore, .kblintignore and the config `ignore`', () => {
    const broken = '# Broken\n\nText.\n';
    const cwd = cleanKb({
      '.kblintrc.yml': `${CONFIG}ignore:\n  - content/drafts/**\n`,
      '.gitignore': 'content/generated/\n',
      '.kblintignore': 'content/archive/*.md\n',
      'content/drafts/a.md': broken,
      'content/generated/b.md': broken,
      'content/archive/c.md': broken,
      'content/reasoning/d.md': broken,
    });
    const run = runJson(cwd);
    expect(run.json?.messages.map((m) => m.file)).toEqual(['content/reasoning/d.md']);
    expect(run.json?.summary.files).toBe(3);
  });

  it('lints only the given paths, and files outside the content root too', () => {
    const cwd = cleanKb({
      'content/reasoning/broken.md': '# Broken\n\nText.\n',
      'content/tools/broken-too.md': '# Broken too\n\nText.\n',
      'notes/outside.md': '# Outside\n\nText.\n',
    });
    const one = runJson(cwd, ['content/tools']);
    expect(one.json?.messages.map((m) => m.file)).toEqual(['content/tools/broken-too.md']);
    const outside = runJson(cwd, ['notes/outside.md']);
    expect(outside.json?.messages.map((m) => [m.file, m.ruleId])).toEqual([['notes/outside.md', 'valid-frontmatter']]);
    const glob = runJson(cwd, ['content/**/broken*.md']);
    expect(glob.json?.messages.map((m) => m.file)).toEqual(['content/reasoning/broken.md', 'content/tools/broken-too.md']);
  });

  it('honours kblint-disable comments', () => {
    const cwd = cleanKb({
      'content/reasoning/quiet.md': '<!-- kblint-disable valid-frontmatter -->\n# Quiet\n\nText.\n',
      'content/reasoning/other.md': '<!-- kblint-disable-next-line no-such-thing -->\n# Other\n\nText.\n',
    });
    const run = runJson(cwd);
    expect(run.json?.messages.filter((m) => m.ruleId === 'valid-frontmatter').map((m) => m.file)).toEqual([
      'content/reasoning/other.md',
    ]);
  });
});

describe('kblint CLI: output', () => {
  it('prints stylish output through vfile-reporter without colour when not a TTY', () => {
    const cwd = cleanKb({ 'content/reasoning/broken.md': '# Broken\n\nText.\n' });
    const run = runCli(cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/\u001B\[/);
    expect(run.stdout).toContain('content/reasoning/broken.md\n');
    expect(run.stdout).toMatch(/1:1(-1:1)?\s+error\s+Unexpected missing frontmatter, .*\s+valid-frontmatter\s+kblint/);
    expect(run.stdout).toContain('3 files checked');
  });

  it('says so when there is nothing to report', () => {
    expect(runCli(cleanKb()).stdout).toBe('✔ 2 files checked, no problems\n');
  });

  it('--version prints the CLI package version, --help the usage', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string };
    expect(runCli(REPO_ROOT, ['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = runCli(REPO_ROOT, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: kblint [options] [paths...]');
  });
});
