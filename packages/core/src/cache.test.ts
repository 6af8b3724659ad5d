import { defineRule, type KblintRule } from '@kblint/rule-kit';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, encode, encodeSmall, LintCache, textDigest } from './cache.js';
import { lint } from './runner.js';
import { seededRandom } from '../../../tests/helpers/random.js';

// Two small rules written for these tests, so that what is re-linted does not
// depend on the built-in rules: one reads the file's tree, one reads the index.
function linkRule(version = 1): KblintRule<object> {
  return defineRule<object>(
    { id: 'test-links', description: 'Links resolve.', scope: 'index', version, defaults: {} },
    ({ facts, index, report }) => {
      for (const link of facts.links) {
        const resolution = index?.resolveLink(facts, link);
        if (resolution && resolution.status !== 'ok') report({ message: `${resolution.status} ${link.raw}`, range: link.range });
      }
    },
  ) as unknown as KblintRule<object>;
}
const todoRule = defineRule<object>(
  { id: 'test-todo', description: 'No TODO.', scope: 'file', version: 1, defaults: {} },
  ({ source, report }) => {
    const at = source.indexOf('TODO');
    if (at !== -1) report({ message: 'Unexpected TODO', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 5 } } });
  },
) as unknown as KblintRule<object>;

const TAXONOMY = 'categories:\n  - { name: Reasoning, slug: reasoning }\n';
const page = (title: string, body: string) => `---\ntitle: ${title}\ncategory: Reasoning\n---\n\n# ${title}\n\n${body}\n`;

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A knowledge base whose files look untouched for a minute, so the stat table may vouch for them. */
function kb(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), 'kblint-cache-'));
  write({ 'taxonomy.yml': TAXONOMY, '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n', ...files });
  return dir;
}

function write(files: Record<string, string>, old = true): void {
  const past = new Date(Date.now() - 60_000);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    if (old) utimesSync(file, past, past);
  }
}

const base = {
  'content/reasoning/a.md': page('Alpha', 'See [b](b.md#how-it-works) and [[Gamma]].'),
  'content/reasoning/b.md': page('Beta', '## How It Works\n\nSteps.'),
  'content/reasoning/c.md': page('Gamma', 'TODO: write this.'),
  'content/reasoning/d.md': page('Delta', 'Stands alone.'),
};

async function run(rules: KblintRule<object>[] = [linkRule(), todoRule]) {
  const cache = new LintCache(path.join(dir, '.kblintcache'));
  const result = await lint({ cwd: dir, rules, cache });
  const rel = (files: string[]) => files.map((file) => path.relative(dir, file).split(path.sep).join('/')).sort();
  const uncached = await lint({ cwd: dir, rules });
  return {
    messages: result.diagnostics.map((d) => `${path.relative(dir, d.file)}:${d.line}:${d.column} ${d.ruleId} ${d.message}`),
    // A cached run reports exactly what a run without the cache reports.
    same: JSON.stringify(result.diagnostics) === JSON.stringify(uncached.diagnostics),
    runReused: cache.stats.runReused,
    // Answered from the graph of the last run (`LintCache.editBase`), not from every entry.
    edit: cache.stats.edit ?? false,
    read: cache.stats.read,
    parsed: rel(cache.stats.parsed),
    indexLinted: rel(cache.stats.indexLinted),
  };
}

const ALL = ['content/reasoning/a.md', 'content/reasoning/b.md', 'content/reasoning/c.md', 'content/reasoning/d.md'];

describe('the cache', () => {
  it('answers an unchanged knowledge base without reading or parsing a file', async () => {
    kb(base);
    const cold = await run();
    expect(cold).toEqual({
      messages: ['content/reasoning/c.md:1:1 test-todo Unexpected TODO'],
      same: true,
      runReused: false,
      edit: false,
      // With nothing cached, each file is read once, to parse it, and hashed then.
      read: 0,
      parsed: ALL,
      indexLinted: ALL,
    });
    expect(await run()).toEqual({ ...cold, runReused: true, read: 0, parsed: [], indexLinted: [] });
  });

  it('re-lints an edited article and the articles whose links point into it, nothing else', async () => {
    kb(base);
    await run();
    write({ 'content/reasoning/b.md': page('Beta', '## How It Works\n\nMore steps.') }, false);
    expect(await run()).toEqual({
      messages: ['content/reasoning/c.md:1:1 test-todo Unexpected TODO'],
      same: true,
      runReused: false,
      edit: true,
      read: 1,
      parsed: ['content/reasoning/b.md'],
      indexLinted: ['content/reasoning/a.md', 'content/reasoning/b.md'],
    });
  });

  it('re-lints the linking article when a heading it links to is renamed', async () => {
    kb(base);
    await run();
    write({ 'content/reasoning/b.md': page('Beta', '## How it worked\n\nSteps.') });
    expect(await run()).toEqual({
      messages: ['content/reasoning/a.md:8:9 test-links missing-anchor b.md#how-it-works', 'content/reasoning/c.md:1:1 test-todo Unexpected TODO'],
      same: true,
      runReused: false,
      edit: true,
      read: 1,
      parsed: ['content/reasoning/b.md'],
      indexLinted: ['content/reasoning/a.md', 'content/reasoning/b.md'],
    });
  });

  it('re-lints the linking article when its target is deleted, and parses nothing', async () => {
    kb(base);
    await run();
    rmSync(path.join(dir, 'content/reasoning/c.md'));
    expect(await run()).toEqual({
      messages: ['content/reasoning/a.md:8:32 test-links missing-target Gamma'],
      same: true,
      runReused: false,
      edit: false,
      read: 0,
      parsed: [],
      indexLinted: ['content/reasoning/a.md'],
    });
  });

  it('re-lints a link that an added article now resolves', async () => {
    kb({ ...base, 'content/reasoning/c.md': page('Not Gamma', 'Text.') });
    expect((await run()).messages).toEqual(['content/reasoning/a.md:8:32 test-links missing-target Gamma']);
    write({ 'content/reasoning/e.md': page('Gamma', 'Found.') });
    expect(await run()).toMatchObject({ messages: [], same: true, parsed: ['content/reasoning/e.md'], indexLinted: ['content/reasoning/a.md', 'content/reasoning/e.md'] });
  });

  it('re-lints the article linking to an image when the image is deleted', async () => {
    kb({ ...base, 'content/reasoning/d.md': page('Delta', '![loop](../assets/loop.svg)'), 'content/assets/loop.svg': '<svg/>' });
    expect((await run()).messages).toEqual(['content/reasoning/c.md:1:1 test-todo Unexpected TODO']);
    rmSync(path.join(dir, 'content/assets/loop.svg'));
    expect(await run()).toMatchObject({
      messages: ['content/reasoning/c.md:1:1 test-todo Unexpected TODO', 'content/reasoning/d.md:8:9 test-links missing-target ../assets/loop.svg'],
      same: true,
      parsed: [],
      indexLinted: ['content/reasoning/d.md'],
    });
  });

  it('does not trust findings confirmed before a run that linted only some files', async () => {
    kb(base);
    await run();
    write({ 'content/reasoning/b.md': page('Beta', '## How it worked\n\nSteps.') });
    const cache = new LintCache(path.join(dir, '.kblintcache'));
    await lint({ cwd: dir, rules: [linkRule(), todoRule], cache, paths: ['content/reasoning/d.md'] });
    // d depends on nothing that changed; b was only indexed (its facts changed, it was not a target).
    expect(cache.stats.indexLinted).toEqual([]);
    expect(cache.stats.parsed).toEqual([path.join(dir, 'content/reasoning/b.md')]);
    // a's findings were confirmed two runs ago, before b changed: they are
    // checked again, not taken on the word of a run that did not look at a.
    expect(await run()).toMatchObject({
      messages: ['content/reasoning/a.md:8:9 test-links missing-anchor b.md#how-it-works', 'content/reasoning/c.md:1:1 test-todo Unexpected TODO'],
      same: true,
      parsed: ['content/reasoning/b.md'],
      indexLinted: ['content/reasoning/a.md', 'content/reasoning/b.md'],
    });
  });

  it('starts over when the config changes', async () => {
    kb(base);
    await run();
    write({ '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  test-todo: warn\n' });
    expect(await run()).toMatchObject({ same: true, runReused: false, parsed: ALL, indexLinted: ALL });
  });

  it('starts over when a rule version changes', async () => {
    kb(base);
    await run();
    expect(await run([linkRule(2), todoRule])).toMatchObject({ same: true, runReused: false, parsed: ALL, indexLinted: ALL });
  });

  it('ignores a truncated or foreign cache and rebuilds it', async () => {
    kb(base);
    await run();
    for (const name of ['files.json', 'index.json']) {
      const file = path.join(dir, '.kblintcache', name);
      writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    }
    write({ 'content/reasoning/d.md': page('Delta', 'Changed.') });
    expect(await run()).toMatchObject({ same: true, runReused: false, edit: false, parsed: ALL, indexLinted: ALL });
    writeFileSync(path.join(dir, '.kblintcache/run.json'), '{"format":1,"key":"someone else"}');
    expect(await run()).toMatchObject({ same: true, runReused: false, read: 4, parsed: [], indexLinted: [] });
    expect(await run()).toMatchObject({ same: true, runReused: true, read: 0 });
  });

  it('survives two runs writing it at once', async () => {
    kb(base);
    const rules = [linkRule(), todoRule];
    const location = path.join(dir, '.kblintcache');
    const [first, second] = await Promise.all([
      lint({ cwd: dir, rules, cache: new LintCache(location) }),
      lint({ cwd: dir, rules, cache: new LintCache(location) }),
    ]);
    expect(second.diagnostics).toEqual(first.diagnostics);
    expect(await run()).toMatchObject({ same: true, runReused: true, parsed: [] });
  });

  it('gives back cached facts exactly as parsed', async () => {
    kb({
      ...base,
      // Frontmatter data that looks like the compact encoding must survive it.
      'content/reasoning/d.md': `---\ntitle: Delta\ncategory: Reasoning\nodd: ["\\u0001", "\\u0002x", "\\u0003"]\nspan: { start: { line: 1, column: 2 }, end: { line: 3, column: 4 } }\n---\n\n# Delta\n\nSee [[Alpha]][^1].\n\n[^1]: A source.\n`,
    });
    const facts = (result: Awaited<ReturnType<typeof lint>>) => JSON.stringify([...result.index.articles()].sort((a, b) => (a.path < b.path ? -1 : 1)));
    const uncached = facts(await lint({ cwd: dir, rules: [linkRule(), todoRule] }));
    const cache = new LintCache(path.join(dir, '.kblintcache'));
    await lint({ cwd: dir, rules: [linkRule(), todoRule], cache });
    // A reused run builds its index from the cached facts.
    const reused = await lint({ cwd: dir, rules: [linkRule(), todoRule], cache });
    expect(cache.stats).toMatchObject({ runReused: true, parsed: [] });
    expect(facts(reused)).toBe(uncached);
    // An edit run builds it from cached facts plus the one file parsed again.
    write({ 'content/reasoning/a.md': page('Alpha', 'See [b](b.md#how-it-works) and [[Gamma]], again.') });
    const edited = await lint({ cwd: dir, rules: [linkRule(), todoRule], cache });
    expect(cache.stats).toMatchObject({ edit: true, parsed: [path.join(dir, 'content/reasoning/a.md')] });
    expect(facts(edited)).toBe(facts(await lint({ cwd: dir, rules: [linkRule(), todoRule] })));
  });

  it('answers from the stats alone only after a run over every file, with the same files unchanged', async () => {
    kb(base);
    const location = path.join(dir, '.kblintcache');
    const rules = [linkRule(), todoRule];
    const files = ALL.map((file) => path.join(dir, file));
    const opened = async (options: { paths?: string[] } = {}) => {
      const cache = new LintCache(location);
      await lint({ cwd: dir, rules, cache, ...options });
      return cache;
    };
    // A run over one file is not a whole run: its findings are not every file's.
    const partial = await opened({ paths: ['content/reasoning/a.md'] });
    expect(partial.unchangedRun(files)).toBe(false);
    const whole = await opened();
    expect(whole.unchangedRun(files)).toBe(true);
    // The same files in another order are the same list; a file the last run did not see is not.
    expect(whole.unchangedRun([...files].reverse())).toBe(true);
    expect(whole.unchangedRun(files.slice(1))).toBe(false);
    expect(whole.unchangedRun([...files.slice(1), path.join(dir, 'content/reasoning/e.md')])).toBe(false);
    // A new mtime (the content may have changed), or one too close to the run to trust.
    write({ 'content/reasoning/d.md': page('Delta', 'Stands alone.') }, false);
    expect(whole.unchangedRun(files)).toBe(false);
    expect(await run()).toMatchObject({ same: true, runReused: true, read: 1, parsed: [] });
  });

  it('trusts the last list of articles only while no folder it listed and no ignore file has changed', async () => {
    kb(base);
    // Folders whose mtimes are a minute old: recent ones may not yet show a change.
    const age = (...folders: string[]) => {
      const past = new Date(Date.now() - 60_000);
      for (const folder of folders) utimesSync(path.join(dir, folder), past, past);
    };
    age('content', 'content/reasoning');
    const listedRun = async () => {
      const cache = new LintCache(path.join(dir, '.kblintcache'));
      const result = await lint({ cwd: dir, rules: [linkRule(), todoRule], cache });
      return { files: result.files.map((file) => path.relative(dir, file).split(path.sep).join('/')), listed: cache.stats.listed ?? false };
    };
    expect(await listedRun()).toEqual({ files: ALL, listed: false });
    expect(await listedRun()).toEqual({ files: ALL, listed: true });
    // A new article changes its folder's mtime.
    write({ 'content/reasoning/e.md': page('Epsilon', 'New.') });
    age('content/reasoning');
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md'], listed: false });
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md'], listed: true });
    // So does a new folder, in the folder that holds it.
    write({ 'content/tools/f.md': page('Phi', 'Newer.') });
    age('content', 'content/tools');
    expect(await listedRun()).toMatchObject({ listed: false });
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md', 'content/tools/f.md'], listed: true });
    // An ignore file that changes changes the list, whatever the folders say.
    write({ '.kblintignore': 'content/tools/\n' });
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md'], listed: false });
    // A folder changed a moment ago is not trusted yet: the next change may not show in its mtime.
    utimesSync(path.join(dir, 'content/reasoning'), new Date(), new Date());
    expect(await listedRun()).toMatchObject({ listed: false });
    expect(await listedRun()).toMatchObject({ listed: false });
    // A folder whose mtime changed while no article did (an editor's swap
    // file came and went) is listed once; the run after trusts the new list.
    const earlier = new Date(Date.now() - 120_000);
    utimesSync(path.join(dir, 'content/reasoning'), earlier, earlier);
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md'], listed: false });
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md'], listed: true });
    // A table in another order than a listing gives is not taken for one.
    const runJson = path.join(dir, '.kblintcache/run.json');
    const stored = JSON.parse(readFileSync(runJson, 'utf8')) as { files: string; hashes: string; mtimes: number[]; sizes: number[] };
    const reversed = (text: string) => text.split('\n').reverse().join('\n');
    writeFileSync(runJson, JSON.stringify({ ...stored, files: reversed(stored.files), hashes: reversed(stored.hashes), mtimes: [...stored.mtimes].reverse(), sizes: [...stored.sizes].reverse() }));
    expect(await listedRun()).toEqual({ files: [...ALL, 'content/reasoning/e.md'], listed: false });
  });

  it('keeps the paths in run.json a list when one holds a line break', async () => {
    kb({ ...base, 'content/reasoning/two\nlines.md': page('Two Lines', 'Text.') });
    const cold = await run();
    expect(cold).toMatchObject({ same: true, runReused: false });
    expect(cold.parsed).toContain('content/reasoning/two\nlines.md');
    const stored = JSON.parse(readFileSync(path.join(dir, '.kblintcache/run.json'), 'utf8')) as { files: unknown; hashes: unknown };
    expect(Array.isArray(stored.files)).toBe(true);
    expect(typeof stored.hashes).toBe('string');
    expect(await run()).toMatchObject({ same: true, runReused: true, parsed: [] });
  });

  it('answers from the stats alone after an edit run, which records the file it read last', async () => {
    kb(base);
    await run();
    write({ 'content/reasoning/a.md': page('Alpha', 'See [b](b.md#how-it-works) and [[Gamma]], again.') });
    expect(await run()).toMatchObject({ same: true, edit: true, parsed: ['content/reasoning/a.md'] });
    // The table is stored in the order of the files, which the next run walks without lookups.
    expect((JSON.parse(readFileSync(path.join(dir, '.kblintcache/run.json'), 'utf8')) as { files: string }).files.split('\n')).toEqual(ALL.map((file) => file.split('/').join(path.sep)));
    const cache = new LintCache(path.join(dir, '.kblintcache'));
    await lint({ cwd: dir, rules: [linkRule(), todoRule], cache });
    expect(cache.unchangedRun(ALL.map((file) => path.join(dir, file)))).toBe(true);
  });

  it('takes the full run when an edit renames an article (the names links resolve by)', async () => {
    kb(base);
    await run();
    write({ 'content/reasoning/c.md': page('Gamma Two', 'TODO: write this.') });
    expect(await run()).toMatchObject({
      messages: ['content/reasoning/a.md:8:32 test-links missing-target Gamma', 'content/reasoning/c.md:1:1 test-todo Unexpected TODO'],
      same: true,
      edit: false,
      parsed: ['content/reasoning/c.md'],
    });
  });

  it('takes the full run when a line of files.json the edit run needs does not match the graph', async () => {
    kb(base);
    await run();
    // a.md links into b.md, so editing b.md re-checks a.md from its line; damage that line's hash.
    const files = path.join(dir, '.kblintcache/files.json');
    const text = readFileSync(files, 'utf8');
    const start = text.indexOf('"content/reasoning/a.md"\t') + '"content/reasoning/a.md"\t'.length;
    writeFileSync(files, `${text.slice(0, start)}${text[start] === 'A' ? 'B' : 'A'}${text.slice(start + 1)}`);
    write({ 'content/reasoning/b.md': page('Beta', '## How It Works\n\nMore steps.') });
    expect(await run()).toMatchObject({ same: true, edit: false, parsed: ['content/reasoning/a.md', 'content/reasoning/b.md'] });
  });

  it('takes the full run when the graph was cut short', async () => {
    kb(base);
    await run();
    const graph = path.join(dir, '.kblintcache/index.json');
    writeFileSync(graph, readFileSync(graph, 'utf8').slice(0, -20));
    write({ 'content/reasoning/d.md': page('Delta', 'Edited.') });
    expect(await run()).toMatchObject({ same: true, edit: false, parsed: ['content/reasoning/d.md'] });
    // That full run wrote the graph again.
    write({ 'content/reasoning/d.md': page('Delta', 'Edited again.') });
    expect(await run()).toMatchObject({ same: true, edit: true, parsed: ['content/reasoning/d.md'] });
  });

  it('answers edit after edit from the graph, appending to files.json and the graph', async () => {
    kb(base);
    await run();
    const files = path.join(dir, '.kblintcache/files.json');
    const graph = path.join(dir, '.kblintcache/index.json');
    const header = readFileSync(files, 'utf8').split('\n')[0];
    const lines = (file: string) => readFileSync(file, 'utf8').split('\n').length;
    const firstLines = lines(files);
    const graphLines: number[] = [];
    for (let i = 1; i <= 12; i++) {
      const edited = i % 2 ? 'content/reasoning/b.md' : 'content/reasoning/d.md';
      write({ [edited]: i % 2 ? page('Beta', `## How It Works\n\nStep ${i}.${i % 3 ? '' : ' TODO'}`) : page('Delta', `Edit ${i}, see [b](b.md#how-it-works).`) });
      const result = await run();
      expect(result).toMatchObject({ same: true, edit: true, parsed: [edited] });
      // Appended, never rewritten: the header is the first run's, and each edit added its lines and a mark.
      expect(readFileSync(files, 'utf8').split('\n')[0]).toBe(header);
      expect(lines(files)).toBeGreaterThan(firstLines + i);
      graphLines.push(lines(graph));
    }
    // The graph's changes are appended too (a line each), until they outweigh it and it is written whole again.
    // Its first line, four heads and the closing newline make 6 lines; each edit adds one.
    expect(graphLines).toEqual([7, 8, 9, 10, 6, 7, 8, 9, 6, 7, 8, 9]);
    // The last edit of b.md (step 11) has no TODO; c.md's stays.
    expect((await run()).messages).toEqual(['content/reasoning/c.md:1:1 test-todo Unexpected TODO']);
    // files.json ends with the last edit run's mark, so a reused run finds its facts there.
    const cache = new LintCache(path.join(dir, '.kblintcache'));
    const reused = await lint({ cwd: dir, rules: [linkRule(), todoRule], cache });
    expect(cache.stats.runReused).toBe(true);
    expect(cache.filesMatchRun()).toBe(true);
    const facts = (result: Awaited<ReturnType<typeof lint>>) => JSON.stringify([...result.index.articles()].sort((a, b) => (a.path < b.path ? -1 : 1)));
    expect(facts(reused)).toBe(facts(await lint({ cwd: dir, rules: [linkRule(), todoRule] })));
  });

  it('finds the entries of files whose names need escaping', async () => {
    const odd = ['content/reasoning/qu"ote.md', 'content/reasoning/back\\slash.md', 'content/reasoning/tab\there.md'];
    kb({ ...base, [odd[0] as string]: page('Quote', 'Text.'), [odd[1] as string]: page('Backslash', 'Text.'), [odd[2] as string]: page('Tab', 'Text.') });
    await run();
    write({ 'content/reasoning/d.md': page('Delta', 'Edited.') });
    expect(await run()).toMatchObject({ same: true, runReused: false, parsed: ['content/reasoning/d.md'] });
  });

  it('on parser threads, hashes what they read, so the next run reuses it', async () => {
    // Parser threads run the built worker, so this test runs the built runner.
    const built = (await import(new URL('../dist/index.js', import.meta.url).href)) as { lint: typeof lint; LintCache: typeof LintCache };
    kb(base);
    const location = path.join(dir, '.kblintcache');
    const uncached = await built.lint({ cwd: dir, workers: 1 });
    const first = new built.LintCache(location);
    const pooled = await built.lint({ cwd: dir, workers: 2, cache: first });
    expect(pooled.diagnostics).toEqual(uncached.diagnostics);
    expect(first.stats).toMatchObject({ runReused: false, read: 0, parsed: ALL.map((file) => path.join(dir, file)) });
    const second = new built.LintCache(location);
    expect((await built.lint({ cwd: dir, workers: 2, cache: second })).diagnostics).toEqual(uncached.diagnostics);
    expect(second.stats).toMatchObject({ runReused: true, read: 0, parsed: [] });
    write({ 'content/reasoning/d.md': page('Delta', 'Stands alone, edited.') });
    const third = new built.LintCache(location);
    expect((await built.lint({ cwd: dir, workers: 2, cache: third })).diagnostics).toEqual(uncached.diagnostics);
    expect(third.stats).toMatchObject({ runReused: false, read: 1, parsed: [path.join(dir, 'content/reasoning/d.md')] });
  });
});

describe('the compact encoding of facts and findings', () => {
  const file = '/kb/content/a.md';
  const range = (a: number, b: number) => ({ start: { line: a, column: b, offset: a + b }, end: { line: a, column: b + 1, offset: a + b + 1 } });
  it('writes ranges as short lists and the file itself as one character', () => {
    expect(encode({ path: file, range: range(1, 2), related: [{ file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } }] }, file)).toBe(
      '{"path":"\\u0003","range":["\\u0001",1,2,3,1,3,4],"related":[{"file":"\\u0003","range":["\\u0001",1,1,1,2]}]}',
    );
  });

  it('round-trips any value exactly, markers in the input included', () => {
    const values: unknown[] = [
      { path: file, range: range(3, 4), items: [range(1, 1), range(2, 2)] },
      { data: ['\u0001', 1, 2, 3, 4, 5, 6], text: '\u0002x', self: '\u0003', other: '\u0003\u0003', path: `${file}x` },
      // Not ranges: extra keys, other key orders, non-numbers.
      { start: { line: 1, column: 2 }, end: { line: 1, column: 3 }, extra: true },
      { end: { line: 1, column: 3 }, start: { line: 1, column: 2 } },
      { start: { column: 2, line: 1 }, end: { line: 1, column: 3 } },
      { start: { line: '1', column: 2 }, end: { line: 1, column: 3 } },
      { start: { line: 1, column: 2, offset: 0 }, end: { line: 1, column: 3 } },
      [['\u0001'], [], null, 0, '', 'plain'],
      // Text that looks like the encoding inside strings, and a path inside a longer string.
      { text: '{"start":{"line":1,"column":2,"offset":3},"end":{"line":1,"column":3,"offset":4}}', quoted: '"\u0001', raw: `see ${file}`, quote: `"${file}"` },
      { range: { start: { line: 1.5, column: -2, offset: 1e21 }, end: { line: 0, column: 0, offset: 0 } }, keys: { '\u0003': '\u0002' } },
    ];
    const odd = '/kb/$&$1 "x"\\.md';
    const value = { path: odd, range: range(1, 1), links: [{ raw: odd }] };
    expect(decode(JSON.parse(encode(value, odd)), odd)).toEqual(value);
    for (const value of values) expect(decode(JSON.parse(encode(value, file)), file)).toEqual(value);
    // The plain JSON that encodeSmall writes when it can round-trips too; with a marker inside, it is the compact encoding.
    for (const item of values) expect(decode(JSON.parse(encodeSmall(item, file)), file)).toEqual(item);
    expect(decode(JSON.parse(encodeSmall(value, odd)), odd)).toEqual(value);
    expect(encodeSmall(values[0], file)).toBe(JSON.stringify(values[0]));
    expect(encodeSmall(values[1], file)).toBe(encode(values[1], file));
  });
});

describe('textDigest (the cache key)', () => {
  it('is 32 hex digits, the same for the same text, and different for 50,000 texts that differ in one character', () => {
    const random = seededRandom(11);
    const base = JSON.stringify({ format: 7, kblint: '0.1.0', node: '20.20.2', config: 'a'.repeat(64), rules: ['citation-has-source@2', 'no-dangling-links@3'] });
    expect(textDigest(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(textDigest(base)).toBe(textDigest(`${base}`));
    const seen = new Map<string, string>([[textDigest(base), base]]);
    for (let i = 0; i < 50_000; i++) {
      const at = Math.floor(random() * base.length);
      const text = `${base.slice(0, at)}${String.fromCharCode(32 + Math.floor(random() * 95))}${base.slice(at + 1)}`;
      const digest = textDigest(text);
      const earlier = seen.get(digest);
      if (earlier !== undefined) expect(earlier).toBe(text);
      seen.set(digest, text);
    }
    // Most variations are new texts: the check above compared real pairs.
    expect(seen.size).toBeGreaterThan(5_000);
  });
});
