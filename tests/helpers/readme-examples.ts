/**
 * Runs the examples in a rule's README as tests, so the docs cannot drift
 * from the behaviour (remark-lint's way). The format:
 *
 *   ### Invalid: a title for the example
 *
 *   ```yaml config                      (optional; merged over the default config)
 *   rules: { no-empty-sections: [error, { allHeadings: false }] }
 *   ```
 *
 *   ```md file=content/reasoning/a.md   (one or more files of the example)
 *   ...
 *   ```
 *
 *   ```text output                      (expected findings of this rule; absent = none)
 *   content/reasoning/a.md:3:1-3:12: Unexpected ...
 *   ```
 *
 * `text output all` compares the findings of every rule instead. Files that
 * are not `.md` (images) only need to exist. Every example also runs with
 * positions stripped from the tree and as empty documents: nothing may throw.
 */
import type { Code, Heading, Root } from 'mdast';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createParser, lint, MemoryWorkspace, resolveConfig, builtinRules } from '@kblint/core';
import type { KblintRule } from '@kblint/rule-kit';
import { removePosition } from 'unist-util-remove-position';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { TEN_CATEGORIES } from './taxonomy.js';

export const EXAMPLE_ROOT = path.resolve('/kb');

export interface ReadmeExample {
  title: string;
  config: Record<string, unknown>;
  files: Array<{ path: string; content: string }>;
  output: string[] | undefined;
  allRules: boolean;
}

export function parseReadmeExamples(readme: string): ReadmeExample[] {
  const tree = createParser().parse(readme) as Root;
  const examples: ReadmeExample[] = [];
  let current: ReadmeExample | undefined;
  let inExamples = false;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      const heading = node as Heading;
      const text = headingText(heading);
      if (heading.depth === 2) {
        inExamples = /^examples$/i.test(text);
        current = undefined;
      } else if (inExamples && heading.depth === 3) {
        current = { title: text, config: {}, files: [], output: undefined, allRules: false };
        examples.push(current);
      }
      continue;
    }
    if (!current || node.type !== 'code') continue;
    const code = node as Code;
    const meta = code.meta ?? '';
    if (code.lang === 'yaml' && /\bconfig\b/.test(meta)) {
      current.config = (parseYaml(code.value) as Record<string, unknown>) ?? {};
    } else if (/\bfile=/.test(meta)) {
      const file = /\bfile=("[^"]+"|\S+)/.exec(meta)?.[1]?.replace(/^"|"$/g, '') as string;
      current.files.push({ path: file, content: code.value.length ? `${code.value}\n` : '' });
    } else if (code.lang === 'text' && /\boutput\b/.test(meta)) {
      current.output = code.value.split('\n').filter((line) => line.trim() !== '');
      current.allRules = /\ball\b/.test(meta);
    }
  }
  return examples;
}

function headingText(heading: Heading): string {
  return heading.children.map((child) => ('value' in child ? child.value : '')).join('');
}

export interface RunOptions {
  rules?: readonly KblintRule<object>[];
  stripPositions?: boolean;
  emptyDocuments?: boolean;
}

/** Lints an example's files in memory; returns `path:line:col-line:col: message` lines. */
export async function runExample(example: ReadmeExample, ruleId: string | undefined, options: RunOptions = {}) {
  const rules = options.rules ?? builtinRules;
  const files = new Map<string, string>();
  for (const file of example.files) {
    files.set(path.join(EXAMPLE_ROOT, file.path), options.emptyDocuments && file.path.endsWith('.md') ? '' : file.content);
  }
  const input = { content: 'content', taxonomy: { categories: TEN_CATEGORIES }, ...example.config };
  const config = resolveConfig(input, { cwd: EXAMPLE_ROOT, configPath: path.join(EXAMPLE_ROOT, '.kblintrc.yml'), rules });
  const result = await lint({
    cwd: EXAMPLE_ROOT,
    config,
    rules,
    workspace: new MemoryWorkspace(files),
    paths: example.files.filter((f) => f.path.endsWith('.md')).map((f) => f.path),
    ...(options.stripPositions ? { engine: { transformTree: (tree: Root) => void removePosition(tree, { force: true }) } } : {}),
  });
  const lines = result.diagnostics
    .filter((d) => ruleId === undefined || d.ruleId === ruleId)
    .map((d) => `${path.relative(EXAMPLE_ROOT, d.file)}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}: ${d.message}`);
  return { lines, result };
}

/** Registers one test per README example of the rule in `ruleDir`. */
export function describeReadmeExamples(ruleDir: string): void {
  const ruleId = path.basename(ruleDir);
  const readme = readFileSync(path.join(ruleDir, 'README.md'), 'utf8');
  const examples = parseReadmeExamples(readme);
  describe(`${ruleId}: README examples`, () => {
    it('has valid and invalid examples', () => {
      expect(examples.some((e) => e.output?.length)).toBe(true);
      expect(examples.some((e) => !e.output?.length)).toBe(true);
      for (const example of examples) expect(example.files.length, example.title).toBeGreaterThan(0);
    });
    for (const example of examples) {
      it(example.title, async () => {
        const { lines, result } = await runExample(example, example.allRules ? undefined : ruleId);
        expect(result.summary.internalErrors).toBe(0);
        expect(lines).toEqual(example.output ?? []);
      });
    }
    it('never throws on the examples with positions stripped or emptied', async () => {
      for (const example of examples) {
        for (const variant of [{ stripPositions: true }, { emptyDocuments: true }]) {
          const { result } = await runExample(example, ruleId, variant);
          expect(result.diagnostics.filter((d) => d.ruleId === 'internal-error'), example.title).toEqual([]);
        }
      }
    });
  });
}
