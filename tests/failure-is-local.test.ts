import { builtinRules, lint, MemoryWorkspace, resolveConfig } from '@kblint/core';
import { main } from '@kblint/cli';
import { defineRule, type KblintRule } from '@kblint/rule-kit';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { article, makeKb } from './helpers/kb.js';

/** A test-only rule that throws on any article whose text mentions "boom". */
const explodes = defineRule<object>(
  { id: 'test-explodes', description: 'Throws on purpose.', scope: 'file', version: 1, defaults: {} },
  ({ source }) => {
    if (source.includes('boom')) throw new Error('kaboom');
  },
) as unknown as KblintRule<object>;

const explodesOnIndex = defineRule<object>(
  { id: 'test-explodes-on-index', description: 'Throws on purpose.', scope: 'index', version: 1, defaults: {} },
  ({ facts }) => {
    if (facts.title === 'Boom') throw new TypeError('index kaboom');
  },
) as unknown as KblintRule<object>;

const rules = [...builtinRules, explodes, explodesOnIndex];
const root = path.resolve('/kb');

describe('a rule that throws', () => {
  it('becomes an internal-error diagnostic on that file; every other file and rule still runs', async () => {
    const workspace = new MemoryWorkspace({
      [path.join(root, 'content/reasoning/a.md')]: '# A without frontmatter\n\nText.\n',
      [path.join(root, 'content/reasoning/boom.md')]: '---\ntitle: Boom\ncategory: Reasoning\n---\n\n# Boom\n\nboom\n',
      [path.join(root, 'content/reasoning/c.md')]: '# C without frontmatter\n\nText.\n',
    });
    const config = resolveConfig({ content: 'content' }, { cwd: root, rules });
    const result = await lint({ cwd: root, config, rules, workspace });
    expect(result.diagnostics.map((d) => [path.relative(root, d.file), d.line, d.ruleId, d.severity, d.message])).toEqual([
      ['content/reasoning/a.md', 1, 'valid-frontmatter', 'error', expect.stringMatching(/^Unexpected missing frontmatter/)],
      ['content/reasoning/boom.md', 1, 'internal-error', 'error', 'Rule `test-explodes-on-index` failed on this file: index kaboom'],
      ['content/reasoning/boom.md', 1, 'internal-error', 'error', 'Rule `test-explodes` failed on this file: kaboom'],
      ['content/reasoning/c.md', 1, 'valid-frontmatter', 'error', expect.stringMatching(/^Unexpected missing frontmatter/)],
    ]);
    expect(result.summary.internalErrors).toBe(2);
  });

  it('makes the CLI finish the run and exit 2', async () => {
    const cwd = makeKb({
      '.kblintrc.yml': 'content: content\n',
      'content/reasoning/boom.md': article('Boom', 'Reasoning', 'boom'),
      'content/reasoning/fine.md': '# Fine\n\nNo frontmatter.\n',
    });
    let out = '';
    const stdout = new Writable({ write: (chunk, _encoding, done) => ((out += String(chunk)), done()) });
    const code = await main(['--format', 'json'], { cwd, stdout, stderr: stdout, rules });
    const json = JSON.parse(out) as { messages: Array<{ file: string; ruleId: string }> };
    expect(code).toBe(2);
    expect(json.messages.map((m) => [m.file, m.ruleId])).toEqual([
      ['content/reasoning/boom.md', 'internal-error'],
      ['content/reasoning/boom.md', 'internal-error'],
      ['content/reasoning/fine.md', 'valid-frontmatter'],
    ]);
  });
});
