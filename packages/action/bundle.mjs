// Bundles the action into dist/index.js, which is committed: a runner runs
// it as is, with no `npm install`. CI rebuilds it and fails on any diff.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../cli/package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // CommonJS dependencies (cosmiconfig, ajv) call `require` for Node's own
  // modules; an ES module has none until it makes one.
  banner: { js: "import { createRequire as __kblintCreateRequire } from 'node:module';\nconst require = __kblintCreateRequire(import.meta.url);" },
  // TypeScript configs need the TypeScript compiler, which an action does
  // not carry; such a config is refused unless allow-js-config is set, and
  // then it fails with a clear error instead of bloating the bundle.
  external: ['typescript'],
  define: { KBLINT_VERSION: JSON.stringify(version) },
  legalComments: 'eof',
  logLevel: 'warning',
});
