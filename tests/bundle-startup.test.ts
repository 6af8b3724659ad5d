/**
 * What the bundled CLI loads. A run answered from the cache is mostly
 * start-up, so the libraries only some configs need stay out of the chunks
 * it imports: ajv (rule options), js-yaml and parse-json (cosmiconfig's own
 * loaders, with @babel/code-frame). The chunks' contents come from the
 * esbuild metafile that packages/cli/bundle.mjs writes beside them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { article, KBLINT_BIN, makeKb, REPO_ROOT, TAXONOMY_YAML } from './helpers/kb.js';

const LIB = path.join(REPO_ROOT, 'packages/cli/dist/bundle/lib');
const UNBUNDLED = path.join(REPO_ROOT, 'packages/cli/dist/main.js');
const OPTIONAL = ['ajv', 'fast-uri', 'js-yaml', 'parse-json', '@babel/code-frame', '@babel/helper-validator-identifier'];

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}
const metafile = JSON.parse(readFileSync(path.join(LIB, '../metafile.json'), 'utf8')) as Metafile;

/** The npm packages bundled into a chunk of lib/, by file name. */
function packagesIn(chunk: string): string[] {
  const output = Object.entries(metafile.outputs).find(([file]) => path.basename(file) === chunk);
  if (!output) throw new Error(`${chunk} is not in the metafile`);
  const names = Object.keys(output[1].inputs).map((input) => /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]);
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

// Logs every ES module Node loads (a load hook) and, at exit, every
// CommonJS file in the require cache: the lazily required .cjs files.
const HOOK = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const log = process.env.KBLINT_TEST_LOAD_LOG;
register('data:text/javascript,' + encodeURIComponent(\`
  import { appendFileSync } from 'node:fs';
  export async function load(url, context, next) {
    if (url.startsWith('file:')) appendFileSync(\${JSON.stringify(log)}, url + '\\\\n');
    return next(url, context);
  }
\`));
process.on('exit', () => {
  for (const file of Object.keys(createRequire(import.meta.url).cache)) appendFileSync(log, file + '\\n');
});
`;

interface Traced {
  code: number;
  stdout: string;
  stderr: string;
  /** Files of the bundle's lib/ that were loaded, by name. */
  loaded: string[];
  /** The npm packages in the chunks that were loaded. */
  packages: string[];
}

function traced(cwd: string, args: string[] = ['--format', 'json']): Traced {
  const hook = path.join(cwd, '.load-hook.mjs');
  const log = path.join(cwd, '.load-log');
  writeFileSync(hook, HOOK);
  writeFileSync(log, '');
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, KBLINT_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', KBLINT_TEST_LOAD_LOG: log },
    timeout: 60_000,
  });
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((entry) => (entry.startsWith('file:') ? new URL(entry).pathname : entry));
  const loaded = [...new Set(files.filter((file) => path.dirname(file) === LIB).map((file) => path.basename(file)))].sort();
  const packages = [...new Set(loaded.filter((file) => file.endsWith('.js')).flatMap(packagesIn))].sort();
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr, loaded, packages };
}

/** The same command run from the compiled modules instead of the bundle. */
function unbundled(cwd: string, args: string[] = []) {
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(pathToFileURL(UNBUNDLED).href)}); process.exitCode = await main(${JSON.stringify(args)});`],
    { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
  );
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

const KB = { 'taxonomy.yml': TAXONOMY_YAML, 'content/reasoning/react.md': article('ReAct', 'Reasoning') };
const NO_MESSAGES = { version: 1, messages: [], summary: { files: 1, filesWithProblems: 0, errors: 0, warnings: 0, internalErrors: 0, rules: {} } };

describe('the bundled CLI loads only what the run needs', () => {
  const configs: Record<string, Record<string, string>> = {
    '.kblintrc.yml': { '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n' },
    '.kblintrc.json beside a package.json': {
      '.kblintrc.json': '{"content": "content", "taxonomy": "taxonomy.yml"}',
      // cosmiconfig reads its own `cosmiconfig` key from here with its default JSON loader.
      'package.json': '{"name": "kb", "private": true}',
    },
  };
  for (const [name, files] of Object.entries(configs)) {
    it(`a cold and a warm run with ${name} and no rule options load no ajv, js-yaml, parse-json or code frame`, () => {
      const cwd = makeKb({ ...KB, ...files });
      for (const run of [traced(cwd), traced(cwd)]) {
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout)).toEqual(NO_MESSAGES);
        expect(run.loaded).toContain('main.js');
        expect(run.loaded.filter((file) => file.endsWith('.cjs'))).toEqual([]);
        expect(run.packages.filter((name) => OPTIONAL.includes(name))).toEqual([]);
        // The run did load the libraries it needs: the check above can see packages.
        expect(run.packages).toEqual(expect.arrayContaining(['cosmiconfig', 'yaml']));
      }
    });
  }

  it('a config that gives a rule options loads ajv, and it validates them', () => {
    const cwd = makeKb({ ...KB, '.kblintrc.yml': 'taxonomy: taxonomy.yml\nrules:\n  valid-taxonomy: [error, { enforceFolders: false }]\n' });
    const good = traced(cwd);
    expect(JSON.parse(good.stdout)).toEqual(NO_MESSAGES);
    expect(good.packages).toEqual(expect.arrayContaining(['ajv', 'fast-uri']));
    writeFileSync(path.join(cwd, '.kblintrc.yml'), 'taxonomy: taxonomy.yml\nrules:\n  valid-taxonomy: [error, { enforceFolders: no }]\n');
    const bad = traced(cwd);
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: 'kblint: .kblintrc.yml: `rules.valid-taxonomy.enforceFolders`: invalid option; must be boolean\n' });
  });

  const broken: Array<[string, Record<string, string>, string, string]> = [
    [
      'a JSON config that does not parse',
      // Cut short: "Unexpected end of JSON input" reads the same in every Node version.
      { '.kblintrc.json': '{"content":' },
      'parse-json.cjs',
      'kblint: .kblintrc.json: `config`: could not be loaded: Unexpected end of JSON input while parsing "{\\"content\\":"\n',
    ],
    [
      'a package.yaml that does not parse (cosmiconfig reads its `cosmiconfig` key)',
      { '.kblintrc.yml': 'content: content\n', 'package.yaml': 'name: [\n' },
      'js-yaml.cjs',
      'kblint: package.yaml: `config`: could not be loaded: unexpected end of the stream within a flow collection (2:1)\n',
    ],
  ];
  for (const [name, files, lazy, stderr] of broken) {
    it(`${name}: the bundle loads ${lazy} and says what the compiled modules say`, () => {
      const cwd = makeKb({ ...KB, ...files });
      const run = traced(cwd, []);
      expect(run).toMatchObject({ code: 2, stdout: '', stderr });
      expect(run.loaded).toContain(lazy);
      expect(unbundled(cwd)).toEqual({ code: 2, stdout: '', stderr });
    });
  }
});
