#!/usr/bin/env node
// Bundles the extension and the language server with everything they import,
// so the .vsix needs no node_modules and no network:
//
//   dist/extension.cjs     the extension (CommonJS, as VS Code loads it)
//   dist/server/server.js  the server (ES module; its own package.json says so)
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const common = { bundle: true, platform: 'node', target: 'node18', sourcemap: false, legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: [path.join(here, 'src/extension.ts')],
  outfile: path.join(dist, 'extension.cjs'),
  format: 'cjs',
  external: ['vscode'],
});

mkdirSync(path.join(dist, 'server'), { recursive: true });
writeFileSync(path.join(dist, 'server', 'package.json'), '{ "type": "module" }\n');
await build({
  ...common,
  entryPoints: [path.join(here, 'src/server.ts')],
  outfile: path.join(dist, 'server', 'server.js'),
  format: 'esm',
  // CommonJS dependencies (vscode-languageserver) call require() for Node's
  // built-ins, which an ES module bundle only has through createRequire.
  banner: { js: "import { createRequire as __kblintCreateRequire } from 'node:module'; const require = __kblintCreateRequire(import.meta.url);" },
  // cosmiconfig loads TypeScript only for `.ts` configs; the extension does
  // not ship a compiler, so those configs need `kblint` on the command line.
  external: ['typescript'],
});
