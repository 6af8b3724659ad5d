import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// These spawn the CLI several times each; the timeouts leave room for a loaded 2-core machine.
import { makeKb, REPO_ROOT, runCli } from './helpers/kb.js';

/** A generated knowledge base (the benchmark's generator) with planted defects of every rule. */
function generated(articles: number): string {
  const dir = makeKb({});
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/generate.mjs'), dir, '--articles', String(articles)], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  return dir;
}

describe('worker pool and cache, end to end', () => {
  it('reports exactly the same on worker threads as on one thread, in the same order', () => {
    const dir = generated(60);
    const single = runCli(dir, ['--format', 'json', '--no-cache', '--workers', '1']);
    const pooled = runCli(dir, ['--format', 'json', '--no-cache', '--workers', '2']);
    expect(single.code).toBe(1);
    const report = JSON.parse(single.stdout) as { summary: { files: number; rules: Record<string, number> } };
    expect(report.summary.files).toBe(60);
    expect(Object.keys(report.summary.rules).length).toBeGreaterThan(3);
    expect(pooled.stdout).toBe(single.stdout);
    expect(pooled.code).toBe(single.code);
  }, 120_000);

  it('caches by default in .kblintcache, reports the same from the cache, and does not with --no-cache', () => {
    const dir = generated(30);
    const first = runCli(dir, ['--format', 'json']);
    expect(existsSync(path.join(dir, '.kblintcache/run.json'))).toBe(true);
    expect(existsSync(path.join(dir, '.kblintcache/files.json'))).toBe(true);
    const second = runCli(dir, ['--format', 'json']);
    expect(second).toEqual(first);

    const other = generated(30);
    const uncached = runCli(other, ['--format', 'json', '--no-cache']);
    expect(existsSync(path.join(other, '.kblintcache'))).toBe(false);
    expect(uncached.stdout).toBe(first.stdout.replaceAll(dir, other));
    runCli(other, ['--format', 'json', '--cache-location', 'elsewhere/cache']);
    expect(existsSync(path.join(other, 'elsewhere/cache/run.json'))).toBe(true);
  }, 120_000);

  it('rejects a --workers that is not a whole number of 1 or more', () => {
    const dir = generated(2);
    expect(runCli(dir, ['--workers', '0'])).toEqual({ code: 2, stdout: '', stderr: 'kblint: --workers expects a whole number of 1 or more\n' });
  });

  it('keeps the generator deterministic: the same seed gives the same bytes', () => {
    const a = generated(20);
    const b = generated(20);
    const file = 'content/reasoning/goal-directed-orchestration-protocols.md';
    const list = (dir: string) => spawnSync('find', ['.', '-type', 'f', '-name', '*.md'], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').sort();
    expect(list(a)).toEqual(list(b));
    for (const name of list(a).filter(Boolean)) expect(readFileSync(path.join(b, name), 'utf8')).toBe(readFileSync(path.join(a, name), 'utf8'));
    expect(list(a)).toContain(`./${file}`);
  });

  // The bench measures each tool with /usr/bin/time (Debian's `time`, which .ci/run installs).
  const hasTime = existsSync('/usr/bin/time');
  if (!hasTime && !process.env.CI) console.warn('skipping the bench smoke test: /usr/bin/time is missing (apt-get install time)');
  it.skipIf(!hasTime && !process.env.CI)('runs pnpm bench end to end on a tiny knowledge base (a smoke test; nothing is timed)', () => {
    const out = path.join(makeKb({}), 'bench.json');
    // With a variable that slows every Node.js start (set to a file that
    // holds no certificate, so Node has nothing to warn about): the bench
    // removes it, and shows what it costs in rows of their own.
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/dev/null' };
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/run.mjs'), '--articles', '40', '--out', out], { encoding: 'utf8', env, timeout: 280_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('environment: NODE_EXTRA_CA_CERTS removed for every tool');
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      environmentRemoved: string[];
      rows: Array<{ name: string; findings: number; exitCode: number; wallSeconds: number; runs: number[]; pairRatios?: number[] }>;
      remarkSpeedup: { rows: number; pairs: number[]; pairedMedian: number };
      targets: Array<{ target: string }>;
      languageServer?: { articles: number; edited: { p95: number }; dependent: { p95: number } };
    };
    expect(result.environmentRemoved).toEqual(['NODE_EXTRA_CA_CERTS']);
    expect(result.rows.map((row) => row.name)).toEqual([
      'node -e 0 (starting Node.js)',
      'node -e 0 with NODE_EXTRA_CA_CERTS (not removed)',
      'parse floor (remark-parse, kblint syntax, 1 core)',
      'parse only, fast path + remark-parse fallback (1 core)',
      'kblint cold',
      'kblint warm (nothing changed)',
      'kblint warm, NODE_EXTRA_CA_CERTS not removed',
      'kblint one article edited',
      'remark-cli + validate-links + 2 reference rules',
      'kblint cold, right after each remark-cli run',
      'markdownlint-cli2 MD051/MD052/MD053',
    ]);
    const kblint = result.rows.filter((row) => row.name.startsWith('kblint'));
    // Every kblint run finds the same planted defects, cached or not.
    expect(new Set(kblint.map((row) => row.findings)).size).toBe(1);
    expect(kblint[0]?.findings).toBeGreaterThan(0);
    expect(result.targets.map((t) => t.target)).toEqual([
      'cold wall ≤ 0.5 × markdownlint-cli2',
      'cold ≥ 15 × faster than remark-cli, paired runs (ratio ≤ 1/15)',
      'warm ≤ 0.05 × cold',
      'one edited article ≤ 0.1 × cold',
      'peak memory ≤ 1.5 × markdownlint-cli2',
      'language server: didChange → edited file p95 (ms) ≤ 50',
      'language server: didChange → dependent file p95 (ms) ≤ 150',
    ]);
    // One cold run after each remark-cli run, and the target judged on their ratios.
    const remark = result.rows.find((row) => row.name.startsWith('remark-cli'));
    const paired = result.rows.find((row) => row.name === 'kblint cold, right after each remark-cli run');
    expect(paired?.runs).toHaveLength(3);
    const ratios = remark?.runs.map((wall, i) => Math.round((wall / (paired?.runs[i] ?? NaN)) * 100) / 100);
    expect(paired?.pairRatios).toEqual(ratios);
    expect(result.remarkSpeedup.pairs).toEqual(ratios);
    expect(result.remarkSpeedup.pairedMedian).toBe([...(ratios ?? [])].sort((x, y) => x - y)[1]);
    expect(run.stdout).toContain(`in the pairs (median ${result.remarkSpeedup.pairedMedian} ×)`);
    // The language-server benchmark ran on the same size of knowledge base.
    expect(result.languageServer?.articles).toBe(40);
  }, 300_000);
});
