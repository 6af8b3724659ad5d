import { builtinRules, configSchema } from '@kblint/core';
import { docsUrl } from '@kblint/rule-kit';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/kb.js';

const folders = readdirSync(path.join(REPO_ROOT, 'rules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** The README's first paragraph after the `# id` heading, joined into one line. */
function firstParagraph(readme: string): string {
  const afterTitle = readme.replace(/^# .*\n+/, '');
  return (afterTitle.split(/\n\s*\n/)[0] ?? '').replace(/\s*\n\s*/g, ' ').trim();
}

describe('the rule list', () => {
  it('registers exactly the folders in rules/', () => {
    expect(builtinRules.map((rule) => rule.meta.id).sort()).toEqual(folders);
  });

  for (const rule of builtinRules) {
    const id = rule.meta.id;
    describe(id, () => {
      const dir = path.join(REPO_ROOT, 'rules', id);

      it('is documented: README with the description as its first paragraph and examples', () => {
        const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
        expect(readme.startsWith(`# ${id}\n`)).toBe(true);
        expect(firstParagraph(readme)).toBe(rule.meta.description);
        expect(readme).toMatch(/^## Examples$/m);
      });

      it('links its docs URL to its own folder', () => {
        expect(docsUrl(id)).toBe(`https://github.com/kblint/kblint/blob/main/rules/${id}/README.md`);
        expect(existsSync(path.join(dir, 'src', 'index.ts'))).toBe(true);
      });

      it('has a package named after it and a test file', () => {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string };
        expect(pkg.name).toBe(`@kblint/rule-${id}`);
        expect(readdirSync(path.join(dir, 'src')).some((name) => name.endsWith('.test.ts'))).toBe(true);
      });

      it('declares defaults that match its options schema', () => {
        const schema = rule.meta.optionsSchema as { properties?: Record<string, { default?: unknown }> } | undefined;
        const defaults = rule.meta.defaults as Record<string, unknown>;
        for (const [key, value] of Object.entries(defaults)) {
          expect(schema?.properties?.[key], `option ${key} is in the schema`).toBeDefined();
          if (schema?.properties?.[key]?.default !== undefined) expect(schema.properties[key].default).toEqual(value);
        }
        expect(Number.isInteger(rule.meta.version) && rule.meta.version > 0).toBe(true);
      });
    });
  }
});

describe('generated files', () => {
  it('the committed config schema equals the one built from the rules', () => {
    const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages/core/schema/kblintrc.schema.json'), 'utf8'));
    expect(committed).toEqual(configSchema(builtinRules));
  });

  it('scripts/generate.mjs --check finds nothing stale', () => {
    const run = spawnSync(process.execPath, ['scripts/generate.mjs', '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
