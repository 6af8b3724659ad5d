import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, initRepo } from './helpers/git.js';
import { article, makeKb, runCli, TAXONOMY_YAML, type JsonOutput } from './helpers/kb.js';

function repo() {
  const cwd = makeKb({
    '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
    'taxonomy.yml': TAXONOMY_YAML,
    'content/reasoning/a.md': article('A', 'Reasoning'),
    'content/reasoning/other.md': article('Other', 'Reasoning'),
  });
  initRepo(cwd);
  return cwd;
}

function lintStaged(cwd: string, extra: string[] = []) {
  const run = runCli(cwd, ['--format', 'json', '--staged', ...extra]);
  return { ...run, json: JSON.parse(run.stdout || 'null') as JsonOutput | null };
}

const brief = (json: JsonOutput | null) => json?.messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);

// Each case makes a repository and runs the CLI a few times: room for a loaded CI machine.
describe('--staged in a real git repository', { timeout: 120_000 }, () => {
  it('lints what is staged, not the working tree', () => {
    const cwd = repo();
    const a = path.join(cwd, 'content/reasoning/a.md');

    // Broken in the working tree only: nothing is staged, nothing is linted.
    writeFileSync(a, 'No frontmatter.\n');
    expect(brief(JSON.parse(runCli(cwd, ['--format', 'json']).stdout) as JsonOutput)).toEqual([
      'content/reasoning/a.md:1:1 valid-frontmatter',
    ]);
    const nothing = lintStaged(cwd);
    expect(nothing.code).toBe(0);
    expect(nothing.json?.summary.files).toBe(0);

    // A clean version is staged, linking to an article that exists only in
    // the index (added, then deleted from disk); the working tree stays broken.
    writeFileSync(a, article('A', 'Reasoning', 'See [New](new.md).'));
    writeFileSync(path.join(cwd, 'content/reasoning/new.md'), article('New', 'Reasoning'));
    git(cwd, 'add', 'content/reasoning/a.md', 'content/reasoning/new.md');
    rmSync(path.join(cwd, 'content/reasoning/new.md'));
    writeFileSync(a, 'No frontmatter. See [New](new.md).\n');
    const clean = lintStaged(cwd);
    expect(clean.stderr).toBe('');
    expect(clean.json?.messages).toEqual([]);
    expect(clean.json?.summary.files).toBe(2);
    expect(clean.code).toBe(0);

    // Staging the broken working copy makes the staged lint fail.
    git(cwd, 'add', 'content/reasoning/a.md');
    const broken = lintStaged(cwd);
    expect(broken.code).toBe(1);
    expect(brief(broken.json)).toEqual(['content/reasoning/a.md:1:1 valid-frontmatter']);
  });

  it('with paths (as lint-staged passes them) lints those files as staged', () => {
    const cwd = repo();
    const other = path.join(cwd, 'content/reasoning/other.md');
    writeFileSync(other, 'No frontmatter.\n');
    git(cwd, 'add', 'content/reasoning/other.md');
    writeFileSync(other, article('Other', 'Reasoning'));
    const run = lintStaged(cwd, ['content/reasoning/other.md']);
    expect(run.code).toBe(1);
    expect(brief(run.json)).toEqual(['content/reasoning/other.md:1:1 valid-frontmatter']);
    // The working tree itself is clean.
    expect(runCli(cwd, ['content/reasoning/other.md']).code).toBe(0);
  });

  it('refuses --fix with --staged, and outside a git repository says so', () => {
    const cwd = repo();
    expect(runCli(cwd, ['--staged', '--fix'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kblint: --fix cannot be combined with --staged: fixes are written to the working tree, not to what is staged\n',
    });
    const outside = makeKb({ '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n', 'taxonomy.yml': TAXONOMY_YAML });
    const run = runCli(outside, ['--staged'], { GIT_CEILING_DIRECTORIES: path.dirname(outside) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^kblint: `git rev-parse --show-toplevel` failed: fatal: not a git repository/);
  });
});
