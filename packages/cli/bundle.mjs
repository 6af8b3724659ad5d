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
  // makes them.
  banner: {
    js: [
      "import { createRequire as __kblintCreateRequire } from 'node:module';",
      "import { fileURLToPath as __kblintFileURLToPath } from 'node:url';",
      'const require = __kblintCreateRequire(import.meta.url);',
      'const __filename = __kblintFileURLToPath(import.meta.url);',
      "const __dirname = __kblintFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  // A TypeScript config needs the compiler, loaded from the project as before.
  external: ['typescript'],
  // The versions the unbundled modules read from their package.json.
  define: { KBLINT_VERSION: JSON.stringify(version('package.json')), KBLINT_CORE_VERSION: JSON.stringify(version('../core/package.json')) },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The workspace files the bundle was built from: bin/kblint.js falls back to
// dist/ when any of them is newer (a `tsc -b` without a bundle).
const inputs = Object.keys(result.metafile.inputs)
  .filter((input) => !input.includes('node_modules'))
  .map((input) => path.resolve(here, input));
writeFileSync(path.join(bundle, 'inputs.json'), JSON.stringify(inputs));
// Modules that read `../package.json` beside themselves (the report's
// version) find this one; it also keeps the bundle an ES module scope.
writeFileSync(path.join(bundle, 'package.json'), `${JSON.stringify({ private: true, type: 'module', version: version('package.json') }, null, 2)}\n`);
