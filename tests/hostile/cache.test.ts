/**
 * The persistent cache under abuse: two runs writing it at once, and cache
 * files cut short (a full disk, a killed run). Neither may change a finding.
 */
import { spawn } from 'node:child_process';
import { readFileSync, truncateSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { article, KBLINT_BIN, makeKb, runCli } from '../helpers/kb.js';

function knowledgeBase(): string {
  const files: Record<string, string> = { '.kblintrc.yml': 'content: content\n' };
  for (let i = 0; i < 30; i++) {
    files[`content/reasoning/article-${i}.md`] = article(`Article ${i}`, 'Reasoning', `Links to [[Article ${(i + 1) % 30}]] and [[Missing ${i}]].`);
  }
  files['content/reasoning/broken.md'] = '# Broken\n\nNo frontmatter[^1].\n';
  return makeKb(files);
}

function runAsync(cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KBLINT_BIN, '--format', 'json'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cacheFiles = (dir: string) => ['run.json', 'files.json'].map((name) => path.join(dir, '.kblintcache', name));

describe('the cache under abuse', () => {
  it('two concurrent runs both report what an uncached run reports, and leave a cache that gives the same answer', async () => {
    const dir = knowledgeBase();
    const expected = runCli(dir, ['--format', 'json', '--no-cache']);
    expect(expected.code).toBe(1);
    expect(JSON.parse(expected.stdout).messages.length).toBe(32);

    const [a, b] = await Promise.all([runAsync(dir), runAsync(dir)]);
    expect(a).toEqual({ code: 1, stdout: expected.stdout, stderr: '' });
    expect(b).toEqual({ code: 1, stdout: expected.stdout, stderr: '' });
    expect(() => JSON.parse(readFileSync(cacheFiles(dir)[0] as string, 'utf8')) as unknown).not.toThrow();
    // And the cache they left gives the same answer.
    expect(runCli(dir, ['--format', 'json'])).toEqual({ code: 1, stdout: expected.stdout, stderr: '' });
  }, 120_000);

  it('a truncated cache file is ignored and rewritten, and the findings are unchanged', () => {
    const dir = knowledgeBase();
    const first = runCli(dir, ['--format', 'json']);
    expect(first.code).toBe(1);
    for (const cut of [(size: number) => Math.floor(size / 2), () => 0]) {
      for (const file of cacheFiles(dir)) truncateSync(file, cut(statSync(file).size));
      expect(runCli(dir, ['--format', 'json'])).toEqual({ code: 1, stdout: first.stdout, stderr: '' });
      // Rewritten whole: the next run reads it and still agrees.
      expect(() => JSON.parse(readFileSync(cacheFiles(dir)[0] as string, 'utf8')) as unknown).not.toThrow();
      expect(runCli(dir, ['--format', 'json'])).toEqual({ code: 1, stdout: first.stdout, stderr: '' });
    }
  }, 120_000);
});
