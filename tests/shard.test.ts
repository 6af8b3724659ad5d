import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { article, makeKb, runCli, TAXONOMY_YAML, type JsonOutput } from './helpers/kb.js';

const CATEGORIES = [
  ['Reasoning', 'reasoning'],
  ['Tools', 'tools'],
  ['Memory & Retrieval', 'memory-retrieval'],
  ['Safety', 'safety'],
] as const;

/** 24 articles over four folders; every third has no frontmatter (an error). */
function bigKb() {
  const files: Record<string, string> = { '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n', 'taxonomy.yml': TAXONOMY_YAML };
  for (let i = 0; i < 24; i++) {
    const [name, slug] = CATEGORIES[i % CATEGORIES.length] as (typeof CATEGORIES)[number];
    files[`content/${slug}/article-${i}.md`] = i % 3 === 0 ? `# Article ${i}\n\nNo frontmatter.\n` : article(`Article ${i}`, name);
  }
  return makeKb(files);
}

function json(run: { stdout: string }): JsonOutput {
  return JSON.parse(run.stdout) as JsonOutput;
}

// Each case runs the CLI up to a dozen times; on a loaded 2-core CI machine
// that can pass the 30 s default.
describe('--shard i/n and kblint merge', { timeout: 180_000 }, () => {
  it('the merged shards 1/4 … 4/4 equal the unsharded run: same JSON, same stylish output, same exit code', () => {
    const cwd = bigKb();
    const whole = runCli(cwd, ['--format', 'json']);
    expect(whole.code).toBe(1);
    expect(json(whole).summary.files).toBe(24);
    expect(json(whole).summary.errors).toBeGreaterThanOrEqual(8);

    const shardFiles: string[] = [];
    const seen = new Map<string, number>();
    let filesInShards = 0;
    for (let i = 1; i <= 4; i++) {
      const run = runCli(cwd, ['--format', 'json', '--shard', `${i}/4`]);
      expect(run.stderr).toBe('');
      const result = json(run);
      expect(result.summary.shard).toEqual({ index: i, count: 4 });
      filesInShards += result.summary.files;
      for (const message of result.messages) {
        // A file's findings all come from one shard.
        expect(seen.get(message.file) ?? i).toBe(i);
        seen.set(message.file, i);
      }
      const file = path.join(cwd, `shard-${i}.json`);
      writeFileSync(file, run.stdout);
      shardFiles.push(path.basename(file));
    }
    expect(filesInShards).toBe(24);
    // The split is spread out, not everything in one shard.
    expect(new Set(seen.values()).size).toBeGreaterThan(1);

    const merged = runCli(cwd, ['merge', '--format', 'json', ...shardFiles]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.code);
    expect(json(merged)).toEqual(json(whole));
    expect(merged.stdout).toBe(whole.stdout);

    const mergedStylish = runCli(cwd, ['merge', ...shardFiles]);
    expect(mergedStylish.stdout).toBe(runCli(cwd).stdout);
    expect(mergedStylish.code).toBe(1);
  });

  it('is stable: adding articles does not move existing ones to another shard', () => {
    const cwd = bigKb();
    const before = runCli(cwd, ['--format', 'json', '--shard', '2/3']);
    const filesBefore = json(before).messages.map((m) => m.file);
    for (let i = 100; i < 110; i++) writeFileSync(path.join(cwd, `content/tools/extra-${i}.md`), `# Extra ${i}\n`);
    const after = json(runCli(cwd, ['--format', 'json', '--shard', '2/3'])).messages.map((m) => m.file);
    expect(after.filter((file) => !file.includes('/extra-'))).toEqual(filesBefore);
  });

  it('merge exits 0 for clean shards, honours --max-warnings, and rejects files that are not JSON results', () => {
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  valid-frontmatter: warn\n',
      'taxonomy.yml': TAXONOMY_YAML,
      'content/reasoning/a.md': article('A', 'Reasoning'),
      'content/reasoning/b.md': 'Just text, no frontmatter.\n',
    });
    for (let i = 1; i <= 2; i++) writeFileSync(path.join(cwd, `s${i}.json`), runCli(cwd, ['--format', 'json', '--shard', `${i}/2`]).stdout);
    const merged = runCli(cwd, ['merge', '--format', 'json', 's1.json', 's2.json']);
    expect(merged.code).toBe(0);
    expect(json(merged).summary.warnings).toBeGreaterThanOrEqual(1);
    expect(json(merged).summary.files).toBe(2);

    const strict = runCli(cwd, ['merge', '--max-warnings', '0', 's1.json', 's2.json']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^kblint merge: \d+ warnings?, more than --max-warnings 0\n$/);

    writeFileSync(path.join(cwd, 'bad.json'), '{"messages": []}');
    expect(runCli(cwd, ['merge', 's1.json', 'bad.json'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kblint merge: bad.json: not a `kblint --format json` result (expected `"version": 1` with `messages` and `summary`)\n',
    });
    expect(runCli(cwd, ['merge']).stderr).toBe('kblint merge: expected one or more result files from `kblint --format json`\n');
  });

  it('rejects a malformed --shard with exit code 2', () => {
    const cwd = bigKb();
    for (const value of ['5/4', '0/4', '1/0', 'a/b', '2']) {
      expect(runCli(cwd, ['--shard', value])).toEqual({
        code: 2,
        stdout: '',
        stderr: `kblint: --shard expects \`i/n\` with 1 ≤ i ≤ n, e.g. \`--shard 2/4\`; got \`${value}\`\n`,
      });
    }
  });
});
