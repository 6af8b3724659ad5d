import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, git, initRepo } from './helpers/git.js';
import { article, makeKb, runCli, TAXONOMY_YAML, type JsonOutput } from './helpers/kb.js';

/**
 * A knowledge base in a real git repository: `react.md` is linked to in three
 * ways (relative, site-absolute, wiki by title), `unrelated.md` links nowhere
 * and has a problem of its own that PR mode must not report.
 */
function repo() {
  const cwd = makeKb({
    '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
    'taxonomy.yml': TAXONOMY_YAML,
    'content/reasoning/react.md': article('ReAct', 'Reasoning', '## Acting\n\nReason, then act.'),
    'content/tools/relative.md': article('Relative', 'Tools', 'See [ReAct](../reasoning/react.md).'),
    'content/tools/absolute.md': article('Absolute', 'Tools', 'See [acting](/reasoning/react#acting).'),
    'content/tools/by-title.md': article('By Title', 'Tools', 'See [[ReAct]].'),
    'content/safety/unrelated.md': 'No frontmatter, an error nobody touched.\n',
  });
  const base = initRepo(cwd);
  return { cwd, base };
}

function lintChanged(cwd: string, ref: string) {
  const run = runCli(cwd, ['--format', 'json', '--changed-since', ref]);
  return { ...run, json: JSON.parse(run.stdout || 'null') as JsonOutput | null };
}

const brief = (json: JsonOutput | null) => json?.messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);

// Each case makes a repository and runs the CLI a few times: room for a loaded CI machine.
describe('--changed-since <ref> (PR mode) in a real git repository', { timeout: 120_000 }, () => {
  it('renaming an article makes the untouched articles that link to its old path fail; an unrelated article is not linted', () => {
    const { cwd, base } = repo();
    git(cwd, 'mv', 'content/reasoning/react.md', 'content/reasoning/react-prompting.md');
    commitAll(cwd, 'rename react');

    const run = lintChanged(cwd, base);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(brief(run.json)).toEqual([
      'content/tools/absolute.md:8:14 no-dangling-links: Unexpected missing article `/reasoning/react`, expected the path of an existing article',
      'content/tools/relative.md:8:13 no-dangling-links: Unexpected missing article `../reasoning/react.md`, expected the path of an existing article',
    ]);
    // The renamed article, the two broken links' articles, and the wiki link
    // by title (it still resolves, to the renamed article, so it is linted and clean).
    expect(run.json?.summary.files).toBe(4);

    // The whole knowledge base has the unrelated error too: the index was whole, the targets were not.
    const full = runCli(cwd, ['--format', 'json']);
    expect(brief(JSON.parse(full.stdout) as JsonOutput)).toContain(
      'content/safety/unrelated.md:1:1 valid-frontmatter: Unexpected missing frontmatter, expected a `---` block with `title` and `category` at the start of the file',
    );
  });

  it('deleting an article makes the articles linking to it fail', () => {
    const { cwd, base } = repo();
    git(cwd, 'rm', '-q', 'content/reasoning/react.md');
    commitAll(cwd, 'delete react');
    const run = lintChanged(cwd, base);
    expect(run.code).toBe(1);
    expect(run.json?.messages.map((m) => [m.file, m.ruleId])).toEqual([
      ['content/tools/absolute.md', 'no-dangling-links'],
      ['content/tools/by-title.md', 'no-dangling-links'],
      ['content/tools/relative.md', 'no-dangling-links'],
    ]);
    expect(run.json?.summary.files).toBe(3);
  });

  it('deleting an article fails the wiki links by its old title or alias, which name no path', () => {
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
      'taxonomy.yml': TAXONOMY_YAML,
      'content/memory-retrieval/rag.md': '---\ntitle: Retrieval-Augmented Generation\ncategory: Memory & Retrieval\naliases: [Grounded Generation]\n---\n\n# RAG\n\nText.\n',
      'content/tools/by-title.md': article('By Title', 'Tools', 'See [[Retrieval-Augmented Generation]].'),
      'content/tools/by-alias.md': article('By Alias', 'Tools', 'See [[grounded  generation]].'),
      'content/tools/elsewhere.md': article('Elsewhere', 'Tools', 'See [[By Title]].'),
    });
    const base = initRepo(cwd);
    git(cwd, 'rm', '-q', 'content/memory-retrieval/rag.md');
    commitAll(cwd, 'delete rag');
    const run = lintChanged(cwd, base);
    expect(run.code).toBe(1);
    expect(run.json?.messages.map((m) => [m.file, m.ruleId])).toEqual([
      ['content/tools/by-alias.md', 'no-dangling-links'],
      ['content/tools/by-title.md', 'no-dangling-links'],
    ]);
    expect(run.json?.summary.files).toBe(2);
  });

  it('changing an article\'s title fails the wiki links by the old title', () => {
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
      'taxonomy.yml': TAXONOMY_YAML,
      'content/memory-retrieval/rag.md': article('Retrieval-Augmented Generation', 'Memory & Retrieval'),
      'content/tools/by-title.md': article('By Title', 'Tools', 'See [[Retrieval-Augmented Generation]].'),
      'content/tools/by-stem.md': article('By Stem', 'Tools', 'See [[rag]].'),
    });
    const base = initRepo(cwd);
    writeFileSync(path.join(cwd, 'content/memory-retrieval/rag.md'), article('RAG Pipelines', 'Memory & Retrieval'));
    commitAll(cwd, 'retitle rag');
    const run = lintChanged(cwd, base);
    expect(run.code).toBe(1);
    expect(run.json?.messages.map((m) => [m.file, m.ruleId])).toEqual([['content/tools/by-title.md', 'no-dangling-links']]);
    // rag.md itself, the broken link's article, and by-stem.md (its link still resolves to the changed article).
    expect(run.json?.summary.files).toBe(3);
  });

  it('renaming a heading makes the article linking to its anchor fail, and uncommitted edits count as changes', () => {
    const { cwd, base } = repo();
    writeFileSync(path.join(cwd, 'content/reasoning/react.md'), article('ReAct', 'Reasoning', '## Acting loop\n\nReason, then act.'));
    const run = lintChanged(cwd, base);
    expect(run.code).toBe(1);
    expect(run.json?.messages.map((m) => [m.file, m.ruleId])).toEqual([['content/tools/absolute.md', 'no-dangling-links']]);
    expect(run.json?.summary.files).toBe(4);
  });

  it('lints nothing when nothing changed, and everything when the config or taxonomy changed', () => {
    const { cwd, base } = repo();
    const none = lintChanged(cwd, base);
    expect(none.code).toBe(0);
    expect(none.json?.summary.files).toBe(0);

    writeFileSync(path.join(cwd, 'taxonomy.yml'), `${TAXONOMY_YAML}# reordered later\n`);
    const all = lintChanged(cwd, base);
    expect(all.code).toBe(1);
    expect(all.json?.summary.files).toBe(5);
  });

  it('a new, untracked article is linted', () => {
    const { cwd, base } = repo();
    writeFileSync(path.join(cwd, 'content/tools/new.md'), 'No frontmatter.\n');
    const run = lintChanged(cwd, base);
    expect(run.json?.messages.map((m) => [m.file, m.ruleId])).toEqual([['content/tools/new.md', 'valid-frontmatter']]);
  });

  it('an unknown ref is a usage error (exit 2) that says what to fetch', () => {
    const { cwd } = repo();
    rmSync(path.join(cwd, 'content/safety/unrelated.md'));
    const run = runCli(cwd, ['--changed-since', 'no-such-ref']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'kblint: --changed-since: cannot find a common ancestor of `no-such-ref` and HEAD; is the ref fetched? (actions/checkout needs `fetch-depth: 0`)\n',
    });
  });
});
