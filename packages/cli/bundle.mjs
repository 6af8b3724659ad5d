// Bundles the compiled CLI (dist/) into dist/bundle/lib/, which bin/kblint.js
// runs when it is up to date. Node resolves and reads hundreds of module
// files otherwise: a run answered from the cache spent more time loading
// modules than linting. Code split: the parser, the report and each
// formatter stay in chunks that are loaded only when a run needs them.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const version = (name) => JSON.parse(readFileSync(path.join(here, name), 'utf8')).version;
const bundle = path.join(here, 'dist/bundle');
const outdir = path.join(bundle, 'lib');
rmSync(bundle, { recursive: true, force: true });

// cosmiconfig `require`s parse-json (with @babel/code-frame) and js-yaml
// on first use of its default JSON and YAML loaders. kblint reads YAML
// configs with `yaml` instead (core's config.ts), so cosmiconfig's loaders
// run only for a JSON config and for its own `cosmiconfig` key in a
// package.json or package.yaml in the working directory. Bundled into a
// chunk, the two libraries would be compiled on every run; instead each is
// its own CommonJS file beside the chunks, required when first called, and
// parse-json's stand-in tries `JSON.parse` first: parse-json returns exactly
// that when it succeeds and is needed only to describe a failure.
const lazyModules = new Map(); // 'js-yaml' → its file, as cosmiconfig resolves it
const lazyRequire = {
  name: 'lazy-require',
  setup(b) {
    b.onResolve({ filter: /^(?:js-yaml|parse-json)$/ }, async (args) => {
      if (args.pluginData?.lazy) return undefined;
      const real = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { lazy: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      lazyModules.set(args.path, real.path);
      return args.path === 'parse-json' ? { path: 'parse-json', namespace: 'lazy-require' } : { path: './js-yaml.cjs', external: true };
    });
    b.onResolve({ filter: /^\.\/parse-json\.cjs$/, namespace: 'lazy-require' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /^parse-json$/, namespace: 'lazy-require' }, () => ({
      loader: 'js',
      contents: [
        'let parseJson;',
        'module.exports = (string, reviver, filename) => {',
        "  if (typeof reviver !== 'function') {",
        '    try {',
        '      return JSON.parse(string);',
        '    } catch {}',
        '  }',
        "  parseJson ??= require('./parse-json.cjs');",
        '  return parseJson(string, reviver, filename);',
        '};',
      ].join('\n'),
    }));
  },
};

// The banner's lines, each with the name it defines and the lines it needs.
const BANNER = [
  ["import { createRequire as __kblintCreateRequire } from 'node:module';", '__kblintCreateRequire', []],
  ["import { fileURLToPath as __kblintFileURLToPath } from 'node:url';", '__kblintFileURLToPath', []],
  ['const require = __kblintCreateRequire(import.meta.url);', 'require', [0]],
  ['const __filename = __kblintFileURLToPath(import.meta.url);', '__filename', [1]],
  ["const __dirname = __kblintFileURLToPath(new URL('.', import.meta.url));", '__dirname', [1]],
];

/**
 * Drops the banner lines a chunk does not use: most chunks are kblint's own
 * ES modules, and making `__filename` and `__dirname` in each of them was
 * about 1.5 ms of a 80 ms run answered from the cache. A name counts as used
 * wherever it appears as an identifier, even in a string or comment: a line
 * kept for nothing costs little, a line missing breaks the chunk.
 */
function trimBanner(file) {
  const text = readFileSync(file, 'utf8');
  const head = `${BANNER.map(([line]) => line).join('\n')}\n`;
  if (!text.startsWith(head)) throw new Error(`bundle: ${file} does not start with the banner`);
  const body = text.slice(head.length);
  const keep = new Set();
  const use = (i) => {
    keep.add(i);
    for (const needed of BANNER[i][2]) use(needed);
  };
  BANNER.forEach(([, name], i) => {
    if (new RegExp(`(?<![\\w$.])${name.replace('$', '\\$')}(?![\\w$])`).test(body)) use(i);
  });
  writeFileSync(file, `${BANNER.filter((_, i) => keep.has(i)).map(([line]) => `${line}\n`).join('')}${body}`);
}

const result = await build({
  absWorkingDir: here,
  entryPoints: {
    main: 'dist/main.js',
    // pool.ts starts parser threads from `./worker.js` next to itself.
    worker: '../core/dist/worker.js',
  },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // CommonJS dependencies (cosmiconfig, ajv, write-file-atomic) use
  // `require`, `__filename` and `__dirname`; an ES module has none until it
  // makes them. Each chunk keeps only the lines it uses (`trimBanner`).
  banner: { js: BANNER.map(([line]) => line).join('\n') },
  // A TypeScript config needs the compiler, loaded from the project as before.
  external: ['typescript'],
  // The versions the unbundled modules read from their package.json.
  define: { KBLINT_VERSION: JSON.stringify(version('package.json')), KBLINT_CORE_VERSION: JSON.stringify(version('../core/package.json')) },
  plugins: [lazyRequire],
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

for (const output of Object.keys(result.metafile.outputs)) if (output.endsWith('.js')) trimBanner(path.resolve(here, output));

await build({
  entryPoints: Object.fromEntries(lazyModules),
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
});
// Which modules went into which chunk: tests/bundle.test.ts checks what a
// run answered from the cache loads.
writeFileSync(path.join(bundle, 'metafile.json'), JSON.stringify(result.metafile));

// The workspace files the bundle was built from: bin/kblint.js falls back to
// dist/ when any of them is newer (a `tsc -b` without a bundle).
const inputs = Object.keys(result.metafile.inputs)
  .filter((input) => !input.includes('node_modules') && !input.startsWith('lazy-require:'))
  .map((input) => path.resolve(here, input));
writeFileSync(path.join(bundle, 'inputs.json'), JSON.stringify(inputs));
// Modules that read `../package.json` beside themselves (the report's
// version) find this one; it also keeps the bundle an ES module scope.
writeFileSync(path.join(bundle, 'package.json'), `${JSON.stringify({ private: true, type: 'module', version: version('package.json') }, null, 2)}\n`);
