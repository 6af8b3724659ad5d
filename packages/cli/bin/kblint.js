#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';

// The bundle (bundle.mjs) starts several times faster than the compiled
// modules; it is used unless a module it was built from has changed since.
// A module that is not there (an installed copy has no workspace beside it)
// has not changed.
function bundleIsCurrent() {
  try {
    const built = statSync(new URL('../dist/bundle/lib/main.js', import.meta.url)).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL('../dist/bundle/inputs.json', import.meta.url), 'utf8'));
    return inputs.every((file) => {
      const input = statSync(file, { throwIfNoEntry: false });
      return input === undefined || input.mtimeMs <= built;
    });
  } catch {
    return false;
  }
}

const { main } = await (bundleIsCurrent() ? import('../dist/bundle/lib/main.js') : import('../dist/main.js'));
process.exitCode = await main(process.argv.slice(2));
