import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedSince, GitStagedWorkspace, parseShard, shardOf } from './git.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@kblint.invalid',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@kblint.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });
}

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kblint-git-'));
  dirs.push(dir);
  write(dir, files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

describe('shardOf', () => {
  it('hashes the path relative to the project root, so the shard does not depend on where the project is', () => {
    const a = shardOf(path.resolve('/one/content/reasoning/react.md'), path.resolve('/one'), 4);
    const b = shardOf(path.resolve('/elsewhere/two/content/reasoning/react.md'), path.resolve('/elsewhere/two'), 4);
    expect(a).toBe(b);
  });

  it('is FNV-1a 32-bit modulo n, 1-based: a fixed value for a fixed path', () => {
    // Checked against an independent FNV-1a: a change to the hash would move
    // files between shards, so it must be deliberate.
    const root = path.resolve('/p');
    expect(['content/a.md', 'content/b.md', 'content/c.md', 'content/d.md'].map((f) => shardOf(path.join(root, f), root, 3))).toEqual(
      ['content/a.md', 'content/b.md', 'content/c.md', 'content/d.md'].map((f) => (fnv1a(f) % 3) + 1),
    );
  });

  it('spreads files over every shard', () => {
    const root = path.resolve('/p');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) counts[shardOf(path.join(root, `content/x/article-${i}.md`), root, 4) - 1]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(60);
  });
});

// An independent FNV-1a, written from the published constants.
function fnv1a(text: string): number {
  let hash = 2166136261;
  for (const char of text) {
    hash = (hash ^ char.charCodeAt(0)) >>> 0;
    hash = Number((BigInt(hash) * 16777619n) % 4294967296n);
  }
  return hash;
}

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1/1 ')).toEqual({ index: 1, count: 1 });
  });

  it('rejects what is not 1 ≤ i ≤ n', () => {
    for (const bad of ['0/4', '5/4', '1/0', '-1/2', '1.5/2', '2', '']) {
      expect(() => parseShard(bad)).toThrow(`--shard expects \`i/n\` with 1 ≤ i ≤ n, e.g. \`--shard 2/4\`; got \`${bad}\``);
    }
  });
});

describe('changedSince', () => {
  it('reports additions, edits, renames (both sides), deletions and untracked files, with odd names intact', () => {
    const dir = repo({ 'a.md': 'a\n'.repeat(20), 'b.md': 'b\n', 'c d é.md': 'c\n', 'keep.md': 'k\n' });
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    mkdirSync(path.join(dir, 'sub'));
    git(dir, 'mv', 'a.md', 'sub/renamed.md');
    git(dir, 'rm', '-q', 'b.md');
    write(dir, { 'c d é.md': 'changed\n', 'new tracked.md': 'n\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'head');
    write(dir, { 'untracked.md': 'u\n' });
    expect(changedSince(base, dir)).toEqual({
      changed: [path.join(dir, 'c d é.md'), path.join(dir, 'new tracked.md'), path.join(dir, 'sub/renamed.md'), path.join(dir, 'untracked.md')].sort(),
      removed: [path.join(dir, 'a.md'), path.join(dir, 'b.md')],
    });
  });

  it('compares with the merge base, so commits on the base branch since are not changes', () => {
    const dir = repo({ 'a.md': 'a\n', 'b.md': 'b\n' });
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, { 'a.md': 'a2\n' });
    git(dir, 'commit', '-q', '-am', 'feature');
    git(dir, 'checkout', '-q', 'main');
    write(dir, { 'b.md': 'b2\n' });
    git(dir, 'commit', '-q', '-am', 'main moves on');
    git(dir, 'checkout', '-q', 'feature');
    expect(changedSince('main', dir)).toEqual({ changed: [path.join(dir, 'a.md')], removed: [] });
  });
});

describe('GitStagedWorkspace', () => {
  it('serves staged bytes for files changed since staging, disk bytes otherwise, and lists index-only files', async () => {
    const dir = repo({ 'kb/a.md': 'committed a\n', 'kb/b ü.md': 'committed b\n', 'kb/img.png': 'png' });
    write(dir, { 'kb/a.md': 'staged a\n', 'kb/b ü.md': 'staged b\n', 'kb/only-staged.md': 'only in the index\n' });
    git(dir, 'add', '-A');
    write(dir, { 'kb/a.md': 'working a\n', 'kb/untracked.md': 'untracked\n' });
    rmSync(path.join(dir, 'kb/only-staged.md'));

    const workspace = new GitStagedWorkspace(path.join(dir, 'kb'));
    const text = async (name: string) => new TextDecoder().decode(await workspace.readFile(path.join(dir, name)));
    expect(await text('kb/a.md')).toBe('staged a\n');
    expect(await text('kb/b ü.md')).toBe('staged b\n');
    expect(await text('kb/only-staged.md')).toBe('only in the index\n');
    expect(await text('kb/untracked.md')).toBe('untracked\n');
    expect((await workspace.listMarkdown(path.join(dir, 'kb'))).sort()).toEqual(
      ['kb/a.md', 'kb/b ü.md', 'kb/only-staged.md', 'kb/untracked.md'].map((f) => path.join(dir, f)).sort(),
    );
    expect(workspace.exists(path.join(dir, 'kb/only-staged.md'))).toBe(true);
    expect(workspace.exists(path.join(dir, 'kb/img.png'))).toBe(true);
    expect(workspace.exists(path.join(dir, 'kb/missing.png'))).toBe(false);
    expect(workspace.stagedMarkdown()).toEqual(['kb/a.md', 'kb/b ü.md', 'kb/only-staged.md'].map((f) => path.join(dir, f)));
  });
});
