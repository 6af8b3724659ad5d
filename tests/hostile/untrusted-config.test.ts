/**
 * With code configs off (the GitHub Action's default, for pull requests from
 * forks), a JavaScript or TypeScript config is refused without being run.
 */
import { builtinRules, loadConfig } from '@kblint/core';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { article, makeKb } from '../helpers/kb.js';

const CONFIGS: Record<string, (marker: string) => string> = {
  'kblint.config.cjs': (marker) => `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { content: 'content' };\n`,
  'kblint.config.mjs': (marker) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { content: 'content' };\n`,
  '.kblintrc.js': (marker) => `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { content: 'content' };\n`,
  'kblint.config.ts': (marker) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { content: 'content' };\n`,
};

describe('a code config when code configs are off', () => {
  it.each(Object.keys(CONFIGS))('%s is refused with a one-line error and never run', async (name) => {
    const dir = makeKb({ 'content/reasoning/ok.md': article('Ok', 'Reasoning') });
    const marker = path.join(dir, 'ran.txt');
    writeFileSync(path.join(dir, name), (CONFIGS[name] as (m: string) => string)(marker));
    await expect(loadConfig({ cwd: dir, allowCode: false, rules: builtinRules })).rejects.toThrow(
      `${name}: \`config\`: a JavaScript config is not allowed here (allow-js-config is off)`,
    );
    expect(existsSync(marker)).toBe(false);
    // The same file does run when code configs are allowed: the marker is a real witness.
    await loadConfig({ cwd: dir, allowCode: true, rules: builtinRules }).catch(() => undefined);
    expect(existsSync(marker)).toBe(true);
  });
});
