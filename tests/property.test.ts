/**
 * Property tests over generated knowledge bases: Markdown with frontmatter,
 * footnotes, links and wiki links, plus arbitrary text. kblint never throws,
 * every position lies inside its file, the result does not depend on the run,
 * the file order or the number of workers, JSON output always parses, and
 * `--fix` is idempotent and only touches the ranges it fixes.
 */
import { applyEdits, builtinRules, fix, lint, MemoryWorkspace, planFixes, resolveConfig, toJsonReport, type LintResult } from '@kblint/core';
import type { Diagnostic, Range } from '@kblint/rule-kit';
import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, runJson } from './helpers/kb.js';

const root = path.resolve('/kb');
const CATEGORIES = ['Reasoning', 'Tools', 'Memory & Retrieval'] as const;
const FOLDERS: Record<string, string> = { Reasoning: 'reasoning', Tools: 'tools', 'Memory & Retrieval': 'memory-retrieval' };
const TITLES = ['ReAct', 'Tree of Thoughts', 'Function Calling', 'RAG', 'Vector Stores'];
const LABELS = ['1', '2', 'a', 'smith-2020', 'B'];
const HEADINGS = ['Overview', 'Advantages', 'Disadvantages', 'How it works', 'See also'];
const TAXONOMY = {
  categories: CATEGORIES.map((name) => ({ name, slug: FOLDERS[name] as string })),
  tags: ['agents', 'planning', 'retrieval'],
  deprecatedTags: { agent: 'agents', plan: 'planning' },
};

const word = fc.constantFrom('agents', 'reason', 'about', 'tools', 'and', 'the', 'memory', 'café', '日本', '🙂', 'x');
const title = fc.constantFrom(...TITLES, 'Reactt', 'Unknown Page');
const label = fc.constantFrom(...LABELS);
const heading = fc.constantFrom(...HEADINGS);
const slugOf = (text: string) => text.toLowerCase().replace(/\s+/g, '-');

/** Inline pieces: text, citations, every link form, emphasis, and arbitrary text. */
const inline = fc.oneof(
  { weight: 4, arbitrary: fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(' ')) },
  { weight: 2, arbitrary: label.map((l) => `[^${l}]`) },
  { weight: 2, arbitrary: fc.tuple(title, fc.option(heading), fc.option(word)).map(([t, h, l]) => `[[${t}${h ? `#${h}` : ''}${l ? `|${l}` : ''}]]`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('reasoning', 'tools', 'resoning', '..'), fc.constantFrom(...TITLES.map(slugOf), 'missing'), fc.option(heading))
      .map(([folder, file, h]) => `[link](../${folder}/${file}.md${h ? `#${slugOf(h)}` : ''})`),
  },
  { weight: 1, arbitrary: fc.option(heading).map((h) => `[here](#${h ? slugOf(h) : 'nowhere'})`) },
  { weight: 1, arbitrary: word.map((w) => `*${w}* **${w}** \`${w}\``) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('[', ']', '(', ')', '^', '#', '|', '\\', '*', '<', '>', '!', ' ', '\n', 'a'), maxLength: 30 }) },
);
const paragraph = fc.array(inline, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(' '));

const block = fc.oneof(
  { weight: 4, arbitrary: paragraph },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), heading).map(([depth, h]) => `${'#'.repeat(depth)} ${h}`) },
  { weight: 2, arbitrary: fc.tuple(label, fc.option(paragraph)).map(([l, text]) => `[^${l}]: ${text ?? ''}`) },
  { weight: 1, arbitrary: fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((items) => items.map((item) => `- ${item}`).join('\n')) },
  { weight: 1, arbitrary: paragraph.map((text) => `> ${text}`) },
  { weight: 1, arbitrary: paragraph.map((text) => '```\n' + text + '\n```') },
  { weight: 1, arbitrary: fc.constantFrom('Advantages:', '<!-- kblint-disable-next-line -->', '<a id="anchor"></a>', '| a | b |\n| - | - |\n| [[RAG\\|x]] | y |') },
);

const frontmatter = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        title,
        category: fc.constantFrom(...CATEGORIES, 'Reasonng', 'Nope'),
        tags: fc.array(fc.constantFrom('agents', 'agent', 'plan', 'planning', 'unknown'), { maxLength: 3 }),
        aliases: fc.array(fc.constantFrom('RAG', 'ToT', 'Tools'), { maxLength: 2 }),
      })
      .map(({ title: t, category, tags, aliases }) => `---\ntitle: ${t}\ncategory: ${category}\ntags: [${tags.join(', ')}]\naliases: [${aliases.join(', ')}]\n---\n\n`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '---\n- a list\n---\n\n', '---\ntitle: [unclosed\n---\n\n', '---\n', '---\ntitle: x\n') },
);

const articleText = fc
  .tuple(frontmatter, fc.array(block, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([fm, blocks, eol, finalNewline]) => (fm + blocks.join('\n\n') + (finalNewline ? '\n' : '')).replace(/\r?\n/g, eol));

const knowledgeBase = fc
  .uniqueArray(fc.tuple(fc.constantFrom('reasoning', 'tools', 'memory-retrieval'), fc.constantFrom(...TITLES.map(slugOf)), articleText), {
    minLength: 1,
    maxLength: 5,
    selector: ([folder, name]) => `${folder}/${name}`,
  })
  .map((entries) => new Map(entries.map(([folder, name, text]) => [path.join(root, 'content', folder, `${name}.md`), text] as const)));

const config = resolveConfig({ content: 'content', taxonomy: TAXONOMY }, { cwd: root, rules: builtinRules });

/** The files of a knowledge base, listed in the given order. */
class OrderedWorkspace extends MemoryWorkspace {
  constructor(
    files: Map<string, string>,
    private readonly order: (paths: string[]) => string[],
  ) {
    super(new Map(files));
  }
  override async listMarkdown(dir: string): Promise<string[]> {
    return this.order(await super.listMarkdown(dir));
  }
}

function run(files: Map<string, string>, order: (paths: string[]) => string[] = (p) => p, workers?: number): Promise<LintResult> {
  return lint({ cwd: root, config, workspace: new OrderedWorkspace(files, order), ...(workers ? { workers } : {}) });
}

function insideFile(text: string, range: Range): boolean {
  const lines = text.split('\n');
  const fits = (line: number, column: number) =>
    Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= lines.length && column >= 1 && column <= (lines[line - 1] as string).length + 1;
  const { start, end } = range;
  return fits(start.line, start.column) && fits(end.line, end.column) && (end.line > start.line || (end.line === start.line && end.column >= start.column));
}

const rangeOf = (d: Diagnostic): Range => ({ start: { line: d.line, column: d.column }, end: { line: d.endLine, column: d.endColumn } });
const comparable = (result: LintResult) => JSON.stringify(result.diagnostics);

describe('kblint on generated knowledge bases', () => {
  it('never throws, reports no internal error, and every position lies inside its file', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(knowledgeBase, async (files) => {
        const result = await run(files);
        for (const d of result.diagnostics) seen.add(d.ruleId);
        for (const d of result.diagnostics) {
          expect(d.ruleId).not.toBe('internal-error');
          const text = files.get(d.file);
          expect(text, d.file).toBeDefined();
          expect(insideFile(text as string, rangeOf(d)), `${d.ruleId} ${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.message}`).toBe(true);
          for (const related of d.related ?? []) {
            const relatedText = files.get(related.file);
            expect(relatedText, related.file).toBeDefined();
            expect(insideFile(relatedText as string, related.range), `related of ${d.ruleId}: ${related.message}`).toBe(true);
          }
        }
        // The JSON report is plain data.
        expect(JSON.parse(JSON.stringify(toJsonReport(result.diagnostics, result.summary, root)))).toEqual(toJsonReport(result.diagnostics, result.summary, root));
      }),
      { numRuns: 150 },
    );
    // The generator reaches every rule, so the positions of each are checked.
    expect([...seen].sort()).toEqual(builtinRules.map((rule) => rule.meta.id).sort());
  }, 300_000);

  it('gives the same result on every run and in any file order', async () => {
    await fc.assert(
      fc.asyncProperty(knowledgeBase, fc.func(fc.integer()), async (files, rank) => {
        const first = comparable(await run(files));
        expect(comparable(await run(files))).toBe(first);
        expect(comparable(await run(files, (paths) => [...paths].reverse()))).toBe(first);
        expect(comparable(await run(files, (paths) => [...paths].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))))).toBe(first);
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('gives the same result with one worker and with two', async () => {
    await fc.assert(
      fc.asyncProperty(knowledgeBase, async (files) => {
        expect(comparable(await run(files, (p) => p, 2))).toBe(comparable(await run(files, (p) => p, 1)));
      }),
      { numRuns: 8 },
    );
  }, 300_000);

  it('--fix twice equals --fix once, and changes nothing outside the ranges it fixes', async () => {
    let fixedSome = 0;
    await fc.assert(
      fc.asyncProperty(knowledgeBase, async (files) => {
        const once = await fix({ cwd: root, config, workspace: new MemoryWorkspace(new Map(files)), dryRun: true });
        const afterOnce = new Map(files);
        for (const change of once.fixes) afterOnce.set(change.file, change.after);
        const twice = await fix({ cwd: root, config, workspace: new MemoryWorkspace(new Map(afterOnce)), dryRun: true });
        expect(twice.fixes.map((f) => f.file)).toEqual([]);

        // The first round's edits, applied to the original, leave every byte outside them alone.
        const planned = planFixes(await run(files));
        for (const [file, edits] of planned) {
          const before = files.get(file) as string;
          const after = applyEdits(before, edits);
          const sorted = [...edits].sort((a, b) => a.start - b.start);
          let from = 0;
          let shift = 0;
          for (const edit of sorted) {
            expect(after.slice(from + shift, edit.start + shift)).toBe(before.slice(from, edit.start));
            shift += edit.text.length - (edit.end - edit.start);
            from = edit.end;
          }
          expect(after.slice(from + shift)).toBe(before.slice(from));
          if (after !== before) fixedSome++;
        }
      }),
      { numRuns: 120 },
    );
    // The generator does reach fixable findings (deprecated tags, near-miss categories and links).
    expect(fixedSome).toBeGreaterThan(0);
  }, 300_000);
});

describe('the CLI on generated knowledge bases', () => {
  it('always prints JSON that parses, with exit code 0 or 1', () => {
    fc.assert(
      fc.property(knowledgeBase, (files) => {
        const dir = makeKb({
          '.kblintrc.json': JSON.stringify({ content: 'content', taxonomy: TAXONOMY }),
          ...Object.fromEntries([...files].map(([file, text]) => [path.relative(root, file), text])),
        });
        const result = runJson(dir, ['--no-cache']);
        expect(result.stderr).toBe('');
        expect([0, 1]).toContain(result.code);
        expect(result.json?.version).toBe(1);
      }),
      { numRuns: 5 },
    );
  }, 300_000);
});
