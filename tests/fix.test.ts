import { builtinRules, fix } from '@kblint/core';
import { main } from '@kblint/cli';
import { defineRule, type KblintRule } from '@kblint/rule-kit';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { article, makeKb } from './helpers/kb.js';

/**
 * A test-only rule offering certain fixes (`teh` → `the`), an uncertain one
 * (`colour` → `color`), and an overlapping pair (`aa` twice over `aaa`) of
 * which only one may be applied.
 */
const typos = defineRule<object>(
  { id: 'test-typos', description: 'Typos.', scope: 'file', version: 1, defaults: {} },
  ({ source, report }) => {
    for (const match of source.matchAll(/\bteh\b/g)) {
      const start = match.index;
      report({
        message: 'Unexpected `teh`, expected `the`',
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
        suggestions: [{ title: 'Replace with `the`', certain: true, edits: [{ start, end: start + 3, text: 'the' }] }],
      });
    }
    for (const match of source.matchAll(/\bcolour\b/g)) {
      const start = match.index;
      report({
        message: 'Unexpected `colour`',
        suggestions: [{ title: 'Use `color`', certain: false, edits: [{ start, end: start + 6, text: 'color' }] }],
      });
    }
    for (const match of source.matchAll(/\baaa\b/g)) {
      const start = match.index;
      for (const offset of [0, 1]) {
        report({
          message: 'Unexpected `aa`',
          suggestions: [{ title: 'Shorten', certain: true, edits: [{ start: start + offset, end: start + offset + 2, text: 'b' }] }],
        });
      }
    }
  },
) as unknown as KblintRule<object>;

const rules = [...builtinRules, typos];

function kb() {
  const cwd = makeKb({
    '.kblintrc.yml': 'content: content\nrules:\n  valid-frontmatter: off\n',
    'content/reasoning/a.md': article('A', 'Reasoning', 'teh cat and teh dog, colour, aaa.'),
    'content/reasoning/broken-yaml.md': '---\ntitle: [\n---\n\nteh broken file\n',
    'content/reasoning/clean.md': article('Clean', 'Reasoning', 'Nothing to fix.'),
  });
  return cwd;
}

describe('fix()', () => {
  it('applies certain fixes only, one of two overlapping edits, and never touches a file that did not parse', async () => {
    const cwd = kb();
    const file = path.join(cwd, 'content/reasoning/a.md');
    chmodSync(file, 0o640);
    const { fixes, result } = await fix({ cwd, rules });
    expect(fixes.map((f) => path.relative(cwd, f.file))).toEqual(['content/reasoning/a.md']);
    expect(readFileSync(file, 'utf8')).toBe(article('A', 'Reasoning', 'the cat and the dog, colour, ba.'));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readFileSync(path.join(cwd, 'content/reasoning/broken-yaml.md'), 'utf8')).toBe('---\ntitle: [\n---\n\nteh broken file\n');
    // What is left: the uncertain suggestion and the broken file's finding.
    expect(result.diagnostics.filter((d) => d.ruleId === 'test-typos').map((d) => [path.basename(d.file), d.message])).toEqual([
      ['a.md', 'Unexpected `colour`'],
      ['broken-yaml.md', 'Unexpected `teh`, expected `the`'],
    ]);
    // No temporary files are left behind.
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['a.md', 'broken-yaml.md', 'clean.md']);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const cwd = kb();
    await fix({ cwd, rules });
    const once = readFileSync(path.join(cwd, 'content/reasoning/a.md'), 'utf8');
    const second = await fix({ cwd, rules });
    expect(second.fixes).toEqual([]);
    expect(readFileSync(path.join(cwd, 'content/reasoning/a.md'), 'utf8')).toBe(once);
  });

  it('dry run changes nothing on disk', async () => {
    const cwd = kb();
    const before = readFileSync(path.join(cwd, 'content/reasoning/a.md'), 'utf8');
    const { fixes } = await fix({ cwd, rules, dryRun: true });
    expect(fixes).toHaveLength(1);
    expect(readFileSync(path.join(cwd, 'content/reasoning/a.md'), 'utf8')).toBe(before);
  });


  it('keeps a byte order mark', async () => {
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\n',
      'content/reasoning/bom.md': `\uFEFF${article('Bom', 'Reasoning', 'teh end.')}`,
    });
    await fix({ cwd, rules });
    expect(readFileSync(path.join(cwd, 'content/reasoning/bom.md'), 'utf8')).toBe(`\uFEFF${article('Bom', 'Reasoning', 'the end.')}`);
  });
});

describe('kblint --fix-dry-run', () => {
  it('prints a unified diff of the certain fixes', async () => {
    const cwd = kb();
    let out = '';
    const stdout = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
    const code = await main(['--fix-dry-run'], { cwd, stdout, stderr: stdout, rules });
    expect(out).toBe(
      [
        '===================================================================',
        '--- a/content/reasoning/a.md',
        '+++ b/content/reasoning/a.md',
        '@@ -5,4 +5,4 @@',
        ' ',
        ' # A',
        ' ',
        '-teh cat and teh dog, colour, aaa.',
        '+the cat and the dog, colour, ba.',
        '',
      ].join('\n'),
    );
    expect(code).toBe(1);
  });
});
