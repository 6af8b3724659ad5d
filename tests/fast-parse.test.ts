/**
 * Differential tests of `fastParse` against `createParser().parse`: whenever
 * the fast path returns a tree it must be deep-equal to remark-parse's, every
 * `position` included (offsets and columns count UTF-16 code units).
 * Declining is always allowed, so most cases only check "if it accepts, it is
 * right"; the common clean forms of the subset must also be accepted, so the
 * fast path's coverage cannot silently shrink.
 *
 * The documents: curated edge cases grouped by construct (each also run
 * with CRLF and CR line endings and with a final newline); real corpora
 * (content/, the fixtures, every rule README example, the repository's docs
 * and a generated benchmark knowledge base); every short sequence of
 * emphasis runs, brackets and block lines; and fast-check properties over
 * generated near-miss documents and over content/ articles with characters
 * inserted or deleted. The acceptance rate of each is printed once. A tree
 * must also share no object between two places, as remark's never does.
 *
 * A mismatch names the first differing path; set FAST_PARSE_MISMATCH_LOG to a
 * file to also append each mismatch there (corpus mismatches are shrunk to a
 * minimal reproducer first).
 */
import { createParser, fastParse } from '@kblint/core';
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/kb.js';
import { MUTATION_CHARS, mutateAt, nearMissDocument } from './helpers/markdown-gen.js';
import { parseReadmeExamples } from './helpers/readme-examples.js';

// ---------------------------------------------------------------------------
// The differential check

const parser = createParser();

interface Difference {
  path: string;
  fast: unknown;
  remark: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const nodeTag = (value: unknown) => (isObject(value) && typeof value.type === 'string' ? `:${value.type}` : '');

/**
 * The first place two trees differ, with vitest's `toEqual` semantics (a key
 * whose value is `undefined` counts as absent). Scalar fields come before
 * `position` and `position` before children, so the path names the outermost
 * node that is wrong.
 */
function firstDifference(fast: unknown, remark: unknown, at = 'root'): Difference | undefined {
  if (Object.is(fast, remark)) return undefined;
  if (!isObject(fast) || !isObject(remark) || Array.isArray(fast) !== Array.isArray(remark)) return { path: at, fast, remark };
  if (Array.isArray(fast) && Array.isArray(remark)) {
    for (let i = 0; i < Math.max(fast.length, remark.length); i++) {
      const step = `${at}[${i}]${nodeTag(remark[i] ?? fast[i])}`;
      if (i >= fast.length || i >= remark.length) return { path: step, fast: fast[i], remark: remark[i] };
      const difference = firstDifference(fast[i], remark[i], step);
      if (difference) return difference;
    }
    return undefined;
  }
  const keys = [...new Set([...Object.keys(remark), ...Object.keys(fast)])].filter((k) => fast[k] !== undefined || remark[k] !== undefined);
  const rank = (k: string) => (k === 'children' ? 2 : k === 'position' ? 1 : isObject(remark[k] ?? fast[k]) ? 1 : 0);
  keys.sort((a, b) => rank(a) - rank(b));
  for (const key of keys) {
    const difference = firstDifference(fast[key], remark[key], `${at}.${key}`);
    if (difference) return difference;
  }
  return undefined;
}

/**
 * Paths at which an object of the tree is reached a second time. remark-parse
 * never shares a node or a point between two places, and `toEqual` cannot see
 * sharing: a transform that moves one position would silently move another.
 */
function sharedObjects(tree: unknown): string[] {
  const seen = new Set<object>();
  const shared: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (!isObject(value)) return;
    if (seen.has(value)) return void shared.push(at);
    seen.add(value);
    for (const [key, child] of Object.entries(value)) walk(child, Array.isArray(value) ? `${at}[${key}]${nodeTag(child)}` : `${at}.${key}`);
  };
  walk(tree, 'root');
  return shared;
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function showSource(source: string): string {
  const text = JSON.stringify(source);
  return text.length > 600 ? `${text.slice(0, 600)}… (${source.length} characters)` : text;
}

function describeDifference(source: string, difference: Difference, name?: string): string {
  return [
    `fastParse(${showSource(source)})${name ? ` [${name}]` : ''} differs from remark-parse at ${difference.path}`,
    `  fast:   ${show(difference.fast)}`,
    `  remark: ${show(difference.remark)}`,
  ].join('\n');
}

/** Appends a mismatch to $FAST_PARSE_MISMATCH_LOG, for the fast path's author; tests never need it. */
function logMismatch(source: string, difference: Difference, name: string): void {
  const log = process.env.FAST_PARSE_MISMATCH_LOG;
  if (!log) return;
  appendFileSync(
    log,
    [
      `## ${new Date().toISOString()} — ${name}`,
      '',
      `- source: \`${JSON.stringify(source)}\``,
      `- first difference: \`${difference.path}\``,
      `- fast: \`${show(difference.fast)}\``,
      `- remark: \`${show(difference.remark)}\``,
      '',
      '',
    ].join('\n'),
  );
}

/** The difference between the two parsers on `source`, or undefined when the fast path declines or agrees. */
function mismatchOf(source: string): Difference | undefined {
  const fast = fastParse(source);
  return fast === undefined ? undefined : firstDifference(fast, parser.parse(source));
}

/**
 * Shrinks a mismatching document: drops chunks of lines, then single
 * characters (code points, so no surrogate is split), while the fast path
 * still accepts it and still differs.
 */
function minimize(source: string, fails: (text: string) => boolean = (text) => mismatchOf(text) !== undefined): string {
  let current = source;
  for (const split of [(text: string) => text.split(/(?<=\r\n|\n|\r(?!\n))/), (text: string) => [...text]]) {
    let pieces = split(current);
    let chunk = Math.max(1, Math.floor(pieces.length / 2));
    for (;;) {
      let removed = false;
      for (let i = 0; i < pieces.length; ) {
        const candidate = [...pieces.slice(0, i), ...pieces.slice(i + chunk)];
        if (fails(candidate.join(''))) {
          pieces = candidate;
          removed = true;
        } else {
          i += chunk;
        }
      }
      if (!removed && chunk === 1) break;
      if (!removed) chunk = Math.floor(chunk / 2);
    }
    current = pieces.join('');
  }
  return current;
}

/**
 * The differential check: if `fastParse(source)` gives a tree, it equals
 * remark-parse's (vitest's `toEqual` on the whole tree). Returns whether the
 * fast path accepted. `soft` keeps going after a mismatch (corpora), and then
 * the message also carries a minimal reproducer.
 */
function expectSameTree(source: string, options: { name?: string; soft?: boolean } = {}): boolean {
  const fast = fastParse(source);
  if (fast === undefined) return false;
  const remark = parser.parse(source);
  const difference = firstDifference(fast, remark);
  let message = `fastParse(${showSource(source)})`;
  if (difference) {
    message = describeDifference(source, difference, options.name);
    if (options.soft) {
      const small = minimize(source);
      const smallDifference = mismatchOf(small);
      if (smallDifference) {
        message += `\nminimal reproducer:\n${describeDifference(small, smallDifference)}`;
        logMismatch(small, smallDifference, `${options.name ?? 'corpus'} (minimized)`);
      }
    } else {
      logMismatch(source, difference, options.name ?? 'curated case');
    }
  }
  (options.soft ? expect.soft(fast, message) : expect(fast, message)).toEqual(remark);
  (options.soft ? expect.soft(sharedObjects(fast), message) : expect(sharedObjects(fast), message)).toEqual([]);
  return true;
}

/** The acceptance rate of each corpus, printed once at the end. */
const acceptance: string[] = [];
afterAll(() => {
  if (acceptance.length) console.info(`fastParse acceptance:\n${acceptance.map((line) => `  ${line}`).join('\n')}`);
});
const rate = (name: string, accepted: number, total: number) =>
  acceptance.push(`${name}: ${accepted}/${total} accepted (${total ? ((100 * accepted) / total).toFixed(1) : '0.0'}%)`);

describe('the differential check itself', () => {
  it('names the first differing path, scalars before positions before children', () => {
    const tree = parser.parse('# A *b*\n');
    const changed = structuredClone(tree);
    (changed.children[0] as { depth: number }).depth = 2;
    expect(firstDifference(changed, tree)).toEqual({ path: 'root.children[0]:heading.depth', fast: 2, remark: 1 });
    const moved = structuredClone(tree);
    moved.children[0]!.position!.end.offset = 99;
    expect(firstDifference(moved, tree)).toEqual({ path: 'root.children[0]:heading.position.end.offset', fast: 99, remark: 7 });
    const shorter = structuredClone(tree);
    (shorter.children[0] as { children: unknown[] }).children.pop();
    expect(firstDifference(shorter, tree)?.path).toBe('root.children[0]:heading.children[1]:emphasis');
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(firstDifference({ title: undefined }, { title: null })).toEqual({ path: 'root.title', fast: undefined, remark: null });
    expect(firstDifference(tree, structuredClone(tree))).toBeUndefined();
  });

  it('finds objects shared between two places of a tree', () => {
    const tree = parser.parse('*a* b\n');
    expect(sharedObjects(tree)).toEqual([]);
    const paragraph = tree.children[0] as { children: Array<{ position: unknown }> };
    paragraph.children[1]!.position = paragraph.children[0]!.position;
    expect(sharedObjects(tree)).toEqual(['root.children[0]:paragraph.children[1]:text.position']);
  });

  it('minimizes a failing document to what still fails', () => {
    expect(minimize('one\ntwo *x*\nthree\n', (text) => text.includes('*x*'))).toBe('*x*');
    expect(minimize('a🙂b', (text) => text.includes('🙂'))).toBe('🙂');
  });
});

// ---------------------------------------------------------------------------
// Curated cases, grouped by construct. Each is also run with CRLF and CR line
// endings and, when it has none, with a final newline.

const CASES: Record<string, readonly string[]> = {
  'empty and blank documents': ['', '\n', '\n\n', '\r\n', '\r', '\r\r\n\n', ' ', '   \n', '\n\n\na\n\n\n', 'a', 'a\n'],

  frontmatter: [
    '---\ntitle: A\n---\n',
    '---\ntitle: A\n---\n\n# A\n',
    '---\ntitle: A\n---',
    '---\ntitle: A\n---\nText right after.\n',
    '---\ntitle: A\n---\n---\n',
    '---\ntitle: A\n---\n\n---\n',
    '---\n---\n',
    '---\n---',
    '---\n\n---\n',
    '---\ntitle: A\n',
    '---\ntitle: A',
    '---\ntitle: A\n\n# A\n\nText.\n',
    '---\n',
    '---',
    '--- \ntitle: A\n---\n',
    '---\ntitle: A\n--- \n',
    '---\ntitle: A\n---  \n\nText\n',
    '---\n--- \n---',
    '---\n---\t\n---',
    '---\na: 1\n--- \nb\n---\n',
    '---\ntitle: A\n--- \n\n# A\n\nText.\n\n---\n\nMore.\n',
    '----\ntitle: A\n----\n',
    '--\ntitle: A\n--\n',
    '\n---\ntitle: A\n---\n',
    ' ---\ntitle: A\n---\n',
    '---\ntitle: A\n...\n',
    '---\ntitle: A\n ---\n',
    '---\na: |\n  multi\n  line\n\n  block\n---\n',
    '---\ntitle: "Café 🙂 𝔸"\ntags: [a, b]\n---\n\n# Café 🙂 𝔸\n',
    '---\n- a\n- b\n---\n',
    '---\ntitle: A\n---\n---\ntitle: B\n---\n',
    '---\ntitle: a # b *c* [d](e)\n---\n',
    '+++\ntitle = "A"\n+++\n',
  ],

  'ATX headings': [
    '# A',
    '# A\n',
    '## A\n### B\n#### C\n##### D\n###### E\n',
    '####### A',
    '#A',
    '#5 bolt',
    '#hashtag',
    '#',
    '#\n',
    '# ',
    '## \n',
    '#\n#\n',
    '# #',
    '# ###',
    '### ###',
    '# A #',
    '# A ##',
    '# A ##  ',
    '# A #  \n',
    '# A#',
    '# A \\#',
    '# A # b',
    '## A ## b',
    '# A # #',
    '# A  #  ',
    '#  A  ',
    '#   A',
    ' # A',
    '   # A',
    '    # A',
    '#\tA',
    '# A\t',
    '# A\nB',
    'A\n# B',
    '# A\n\n## B',
    '# A\n## B\nText',
    '# *A* `b` [c](d)',
    '# **A** _b_',
    '# A [^1]\n\n[^1]: x',
    '# [[Wiki]]',
    '# [[Wiki#H|label]] #',
    '# 🙂 Emoji 𝔸',
    '# Café\u0301',
    '# A\n=',
    '# A\n---',
    '# 1. Not a list',
    '# - Not a list',
    '# > not a quote',
    '# `code #`',
    '# A `#`',
    '# `a` #',
    '# [a](b#c) #',
  ],

  'setext headings and what is not one': [
    'A\n=',
    'A\n===',
    'A\n---',
    'A\n--',
    'A\n-',
    'A\nB\n---',
    'A\n- - -',
    'A\n***',
    'A\n___',
    'A\n---\nB',
    'A\n --- ',
    'A\n    ---',
    'A\n---a',
    'A\n\n---',
    '# A\n---',
    '- A\n---',
    '- A\n  ---',
    '[^1]: A\n---',
    '[^1]: A\n    ---',
    '```\nA\n```\n---',
  ],

  paragraphs: [
    'a\nb',
    'a\nb\nc',
    'a\n b',
    'a\n   b',
    'a\n    b',
    'a\n\t\tb',
    ' a',
    '  a\n  b',
    '   a',
    '    a',
    'a\n\nb',
    'a\n\n\n\nb',
    'a\n \nb',
    'a  \nb',
    'a \nb',
    'a\\\nb',
    'a\t\nb',
    'a   ',
    'a\n# b',
    'a\n#b',
    'a\n```\nb\n```',
    'a\n~~~\nb',
    'a\n- b',
    'a\n* b',
    'a\n+ b',
    'a\n-b',
    'a\n-',
    'a\n- ',
    'a\n1. b',
    'a\n1) b',
    'a\n2. b',
    'a\n0. b',
    'a\n10. b',
    'a\n1.',
    'a\n---',
    'a\n***',
    'a\n___',
    'a\n* * *',
    'a\n[^1]: b',
    'a\n    - b',
    'a\n\n    b',
    'a\n> b',
    'a\n<div>',
    'a\n| b |\n| - |',
    'a\n[b]: c',
    // Text ending at a line ending ends before the next line's stripped indentation.
    'a\n   *b*',
    'a\n  [b](c)',
    'a\n `c`',
    '*a*\n  *b*',
    'a\n   [^1]\n\n[^1]: x',
    '- a\n  *b*',
    '# a\n  *b*',
    '*a\n   b*',
    '[a\n   b](c)',
  ],

  'fenced code': [
    '```\ncode\n```',
    '```js\nx\n```',
    '```js title="a b"\nx\n```',
    '``` js \nx\n```',
    '```js  x  y \nx\n```',
    '~~~\nx\n~~~',
    '~~~py\nx\n~~~~',
    '````\n```\n````',
    '```\nx\n````',
    '````\nx\n```',
    '```\nx',
    '```\nx\n',
    '```',
    '```\n```',
    '```\n\n```',
    '```\n\n\n```',
    '```\n  x\n```',
    '  ```\n  x\n   y\n z\n  ```',
    '   ```\n   x\n   ```',
    '    ```\n    x\n    ```',
    '```\nx\n  ```',
    '```\nx\n   ```',
    '```\nx\n    ```',
    '```\nx\n```  ',
    '```\nx\n```\t\ny',
    '```\n```\t\n```',
    '```js\n```\t\n```\n',
    '```\nx\n``` a',
    '```\nx\n``',
    '```\nx\n~~~',
    '~~~\nx\n```\n~~~',
    '```a`b\nx\n```',
    '~~~a`b\nx\n~~~',
    '``\nx\n``',
    '```\n\tx\n```',
    '```\nx\t\n```',
    'a\n```\nb\n```\nc',
    '```js\n# not a heading\n- not a list\n[^1]: not a definition\n```',
    '```\n*a* [b](c) `d`\n```',
    '```\n---\n```',
    '```md\n---\ntitle: x\n---\n```',
    '- a\n```\nb\n```',
    '```\n🙂 𝔸\n```',
    '```🙂\nx\n```',
    '```a&amp;b\nx\n```',
    '```a &amp; b\nx\n```',
    '```a\\_b\nx\n```',
    '```python title\\="x y"\n```',
    '```\\\nx\n```',
  ],

  'thematic breaks': [
    '---',
    '***',
    '___',
    '- - -',
    '* * *',
    '_ _ _',
    '-  -  -',
    '----------',
    '--',
    '**',
    '-- -',
    '---a',
    '--- a',
    ' ---',
    '   ---',
    '    ---',
    '---\n---',
    '***\n***',
    '* * * *',
    '*-*',
    '- - - a',
    '---\na',
    'a\n\n---\n\nb',
    '***\n# A',
    '---\t',
    '-\t-\t-',
  ],

  'footnote definitions': [
    '[^1]: Text.',
    '[^1]: Text.\n',
    '[^a]: A\n[^b]: B',
    '[^a]: A\n\n[^b]: B',
    '[^1]:',
    '[^1]: ',
    '[^1]:Text',
    '[^1]:  Text',
    '[^1]: a\n    b',
    '[^1]: a\n  b',
    '[^1]: a\nb',
    '[^1]: a\n\n    b',
    '[^1]: a\n\nb',
    '[^1]: a\n    - b',
    '[^1]: a\n# b',
    '[^1]: a\n- b',
    '[^1]: a\n```\nb\n```',
    '[^1]:\n    a',
    '[^1]:\n\n    a',
    '[^ a]: x',
    '[^a ]: x',
    '[^a b]: x',
    '[^a\tb]: x',
    '[^]: x',
    '[^1] : x',
    '[^1]:x y',
    ' [^1]: x',
    '   [^1]: x',
    '    [^1]: x',
    '[^1]: *em* **strong** [l](u "t") `c` [[W]]',
    '[^1]: [^2]\n[^2]: x',
    '[^1]: [^1]',
    '[^1]: [^x]: a\n    [^x]: b',
    '[^1]: [^2]: a',
    '- [^1]: a\n  [^1]: b',
    '[^1]: - a',
    '[^1]: # a',
    '[^1]: 1. a\n    b',
    '[^1]: ```\n    a',
    '[^x*y*]: a',
    '[^a_b_]: a',
    '[^🙂]: a',
    '[^1]]: a',
    '[^[1]: a',
    '[^1\\]]: a',
    '[^\\]: a',
    '[^1]: Kumar, Q. et al. (2024). "result." Proceedings of ICML, pp. 298–310. https://doi.org/10.5555/kumar.2024.539',
    'a\n\n[^1]: b\nc\n\nd',
  ],

  'footnote references': [
    'Text[^1].\n\n[^1]: Def.',
    'Text[^1]\n\n[^1]: Def.',
    '[^1]\n\n[^1]: Def.',
    'Text [^1] [^2].\n\n[^1]: A\n[^2]: B',
    'Text[^1][^2].\n\n[^1]: A\n[^2]: B',
    'Text[^1].\n\n[^1]: Def.\n[^1]: Dup.',
    'Text[^A].\n\n[^a]: Def.',
    'Text[^a].\n\n[^A]: Def.',
    'Text[^ä].\n\n[^Ä]: Def.',
    'Text[^ß].\n\n[^SS]: Def.',
    'Text[^a b].\n\n[^a b]: Def.',
    'Text[^a  b].\n\n[^a b]: Def.',
    'Text[^a\nb].\n\n[^a b]: Def.',
    'Text[^x].',
    'Text[^x] and [^y].\n\n[^y]: Def.',
    '[^1]: x\n\nText[^1]',
    'a[^1]b\n\n[^1]: x',
    '*a[^1]*\n\n[^1]: x',
    '**[^1]**\n\n[^1]: x',
    '[^1](url)\n\n[^1]: x',
    '[^1][x]\n\n[^1]: x',
    '![^1]\n\n[^1]: x',
    '[a[^1]](b)\n\n[^1]: x',
    '[^1]\n\n[^1]: [a](b)',
    '`[^1]`\n\n[^1]: x',
    '[^]\n\n[^1]: x',
    '[^ 1]\n\n[^1]: x',
    '[ ^1]\n\n[^1]: x',
    '[^1 ]\n\n[^1]: x',
    '\\[^1]\n\n[^1]: x',
    '[^🙂]\n\n[^🙂]: x',
    '# H[^1]\n\n[^1]: x',
    '- item[^1]\n\n[^1]: x',
    'Text[^1].\n\n# Notes\n\n[^1]: Def.',
    'x[^1]\n\n- [^1]: d',
    '- x[^1]\n- [^1]: d',
    'x [^1]\n\n1. [^1]: d\n2. y',
    'x[^1]\n\n```\n[^1]: d\n```',
    'x[^1]\n\n    [^1]: d',
    '# x[^1]\n[^1]: d',
    'x[^1]\n[^1]: d',
    '[^1]: d\n[^1]',
    // micromark's label size limit is 999 characters.
    ...[998, 999, 1000].flatMap((n) => [`x[^${'a'.repeat(n)}]\n\n[^${'a'.repeat(n)}]: d`, `x[^a${' '.repeat(n - 2)}b]\n\n[^a b]: d`, `[${'a'.repeat(n)}](u)`]),
  ],

  lists: [
    '- a',
    '- a\n- b',
    '- a\n- b\n- c\n',
    '- a\n\n- b',
    '- a\n- b\n\n- c',
    '- a\n\n\n- b',
    '* a\n* b',
    '+ a\n+ b',
    '- a\n* b',
    '- a\n+ b\n- c',
    '1. a\n2. b',
    '1. a\n1. b\n1. b',
    '3. a\n4. b',
    '0. a',
    '007. a',
    '1) a\n2) b',
    '1. a\n1) b',
    '1. a\n\n2. b',
    '1. a\n3. b\n2. c',
    '9. a\n10. b',
    '10. a\n11. b',
    '123456789. a',
    '1234567890. a',
    '- a\n  b',
    '- a\n b',
    '- a\nb',
    '- a\n    b',
    '- a\n      b',
    '1. a\n   b',
    '1. a\n  b',
    '10. a\n    b',
    '-a',
    '-',
    '- ',
    '-\n  a',
    '-\n\n  a',
    '- a\n-\n- c',
    '- a\n- \n- c',
    '1.',
    '1. ',
    '1.a',
    '1.\ta',
    '-\ta',
    '-  a',
    '-   a\n    b',
    '-    a',
    '-     a',
    '- a\n  - b',
    '- a\n - b',
    '- a\n   - b',
    '- a\n    - b',
    '1. a\n   1. b',
    '- a\n  1. b\n- c',
    '- - a',
    '- 1. a',
    '- a\n\n  b',
    '- a\n\n  b\n- c',
    '- a\n\nb',
    '- a\n\n b',
    '1. a\nb',
    '2) a\n\n3) b',
    'Text\n\n2. b',
    '- a\n# h',
    '- # h',
    '- ```\n  x\n  ```',
    '- > a',
    '- a\n---',
    '- a\n- - -',
    '* a\n* * *',
    '- *a*\n- [l](u)\n- `c`\n- [[W]]\n- **b**[^1]\n\n[^1]: x',
    '- a[^1]\n\n[^1]: x',
    '- [^1]: x',
    '- a\n\n[^1]: x',
    '- 🙂\n- 日本\n- 𝔸',
    '- [ ] task\n- [x] done',
    '* * a',
    '+ a\n\n\n+ b',
    '- a\n  \n- b',
    '- a\n \n  b',
    // Where a blank line makes a list or an item spread, nested lists included.
    '- a\n  - b\n\n  - c\n- d',
    '- a\n  - b\n\n- d',
    '- a\n  - b\n  - c\n\n- d',
    '- a\n\n  - b\n- c',
    '1. a\n   - b\n\n     c\n2. d',
    '- a\n  - b\n\n\n- c',
    '- a\n- b\n\n\n',
    '- a\n  b\n\n- c\n  d',
    '- a\n  - b\nc',
    '- a\n  - b\n c',
    '- a\n  - b\n    c\n  d',
  ],

  emphasis: [
    '*a*',
    '_a_',
    '**a**',
    '__a__',
    '***a***',
    '___a___',
    '*a **b** c*',
    '**a *b* c**',
    '_a __b__ c_',
    '*a _b_ c*',
    'a*b*c',
    'a_b_c',
    'a**b**c',
    'a__b__c',
    'snake_case_words',
    'snake_case_words and more_snake_case',
    '__init__',
    '__init__.py',
    '_a_b',
    'a_b_',
    '*a',
    'a*',
    '_a',
    '**a*',
    '*a**',
    '***a*',
    '*a***',
    '* a*',
    '*a *',
    '** a**',
    '**',
    '****',
    '*****',
    '*a*b',
    '*(a)*',
    'a*(b)*',
    '*(a)*b',
    '"*a*"',
    '*"a"*',
    'a**"b"**',
    '**"b"**a',
    '_"a"_',
    '_(a)_b',
    '*a_b*',
    '_a*b_',
    '*a\nb*',
    '**a\nb**',
    '*a\n\nb*',
    'foo*bar*',
    'foo**bar**baz',
    '*foo**bar**baz*',
    '*foo**bar*',
    '**foo*bar**',
    '_**a****a*_',
    'e _**o****本*_',
    '*__a____a_*',
    '*foo *bar**',
    '**foo "*bar*" foo**',
    'a ** b',
    'a * b * c',
    'a _ b _ c',
    '_foo_bar_',
    '_foo_bar_baz_',
    '*日本*語',
    '日*本*語',
    '_日本_語',
    'é*a*',
    'é_a_',
    '*🙂*',
    '*a*🙂',
    '🙂*a*',
    '_🙂_',
    '***a** b*',
    '***a* b**',
    '*a **b***',
    '**a *b***',
    '**a** **b**',
    '*a* *b*',
    '_a_ _b_',
    '**a**b**c**',
    '*a**b*',
    '*a* b*',
    '_a_\n_b_',
    '**a*b*c**',
    '*$*a.*.*',
    '*.a*',
    '*a.*b',
    '**a.**b',
    '_a._b',
    '*[a](b)*',
    '**[a](b)**',
    '[*a*](b)',
    '[**a**](b)',
    '*a [b*](c)',
    '*a [b](c)*d',
    '*`a`*',
    '*`a*`',
    '`*a`*',
    '*[^1]*\n\n[^1]: x',
    '*[[W]]*',
    '*a [[W]]*',
    '_[[W]]_',
    '**a** [[W|**b**]]',
    '＊a＊',
    '*a*\u00a0b',
    '\u00a0*a*',
    '*a*\u200bb',
    // Unicode punctuation and symbols (emoji, currency) flank like ASCII punctuation.
    '€*a*€',
    '*€a*',
    'a*€*',
    '£_a_£',
    '©*a*©b',
    '🙂*a*🙂',
    'a_🙂_a',
    'a*🙂*a',
    '«*a*»',
    '。*a*。',
    'a*。*a',
    '_a_。',
    '\u00ad*a*',
    'a\u0301*b*',
    '*a*\u0301',
    '𝔸*a*𝔸',
    'a*$*a',
  ],

  'code spans': [
    '`a`',
    '``a``',
    '`` `a` ``',
    '`` a ` b ``',
    '` a `',
    '`  a  `',
    '` a`',
    '` `',
    '`  `',
    '``',
    '`a',
    'a`',
    '``a`',
    '`a``',
    '`a``b`',
    '`a` `b`',
    '`a`b`c`',
    '`a\nb`',
    '`a\n b`',
    '` a\nb `',
    '`\na\n`',
    '`a  \nb`',
    '`a\n\nb`',
    '`*a*`',
    '`[a](b)`',
    '`[^1]`',
    '`[[W]]`',
    '`\\`',
    '`a\\`b`',
    '```a```',
    'a ```b``` c',
    'a ``` b',
    '`🙂`',
    '`a`🙂',
    '` 🙂 `',
    '`a\tb`',
    '`<a>`',
    '`&amp;`',
    '*a `b* c`',
    '[a `b](c)` d',
    '`a](b)` [c](d)',
  ],

  links: [
    '[a](b)',
    '[a](b "t")',
    "[a](b 't')",
    '[a](b "")',
    "[a](b '')",
    '[a](b ())',
    '[a](b (t))',
    '[a](<b c>)',
    '[a](<b>)',
    '[a](<>)',
    '[a]()',
    '[](b)',
    '[]()',
    '[a](b(c))',
    '[a](b(c)d)',
    '[a](b((c)))',
    '[a](b(c)',
    '[a](b)c)',
    '[a](b) c)',
    '[a](b c)',
    '[a](b\n"t")',
    '[a](\nb\n)',
    '[a](b\n)',
    '[a] (b)',
    '[a]\n(b)',
    '[a](b "t" )',
    '[a]( b )',
    '[a](  b  "t"  )',
    '[a](b "t"x)',
    '[a](b"t")',
    '[a](b "t)',
    '[a](b \'t")',
    '[a](b "t\nu")',
    '[a](b "t \\" u")',
    '[a](b "t \'u")',
    '[a](b (t (u)))',
    '[a](b (t \\) u))',
    '[a](<b)c>)',
    '[a](<b c)',
    '[a](b<c)',
    '[a](<b\nc>)',
    '[a](b#c d)',
    '[a](#x)',
    '[a](../x.md#y)',
    '[a](./x.md)',
    '[a](/x#y)',
    '[a](https://e.com/a_b_c)',
    '[a](https://e.com/a*b*c)',
    '[a](b`c`)',
    '[a](🙂)',
    '[🙂](b)',
    '[a](b🙂 "🙂")',
    '[a *b*](c)',
    '[a **b** _c_](d)',
    '*[a](b)*',
    '**[a](b)**',
    '[a](b)[c](d)',
    '[a](b) [c](d)',
    '[[a](b)](c)',
    '[a [b] c](d)',
    '[a [b](c)](d)',
    '[a [b](c) d](e)',
    '[a]b](c)',
    '[a[b](c)',
    '[a\nb](c)',
    '[a](b)\n[c](d)',
    '[`a`](b)',
    '[a`](b)`',
    '[a](b "`t`")',
    '[a]',
    '[a][b]',
    '[a][]',
    '[a] [b]',
    '[a]:',
    '[a]: b',
    '[a]: b\n\n[a]',
    '[12]',
    'x [12] y',
    'x [1, 2] y',
    '[a](b) [c]',
    '[a]:b c',
    '[a](b)!',
    '[a](b)[^1]\n\n[^1]: x',
    '[ a ](b)',
    '[a](b)\\',
    '[a](\\(b\\))',
    '[a](b\\ c)',
    '[a](b&amp;c)',
    '[a](<b> "t")',
    '[a](<b>c)',
    '[a](b "t" "u")',
    '[^x](u)',
    '[^x](u)\n\n[^x]: d',
    '[a[^x](u)](v)',
    '[[^x]](u)\n\n[^x]: d',
    '[^x y](u)',
    '[^](u)',
    '[^x\ny](u)',
  ],

  images: [
    '![a](b)',
    '![a](b "t")',
    "![a](b 't')",
    '![a](b (t))',
    "![a](b '')",
    '![*a*](b)',
    '![a **b**](c)',
    '![a `b`](c)',
    '![a [b](c)](d)',
    '![a ![b](c)](d)',
    '![](b)',
    '![]()',
    '![a](b)c',
    'c![a](b)',
    '![[a]]',
    '![[a]](b)',
    '!a',
    '!',
    '! [a](b)',
    '!\n[a](b)',
    '![a]',
    '![a](<b c>)',
    '[![a](b)](c)',
    '![a](b)![c](d)',
    '![a[^1]](b)\n\n[^1]: x',
    '![🙂](b "🙂")',
    '!![a](b)',
    '![a]\n(b)',
  ],

  'wiki links': [
    '[[A]]',
    '[[A#B|c]]',
    '[[A]](x)',
    '[[A]](x "t")',
    '[[A|b]]',
    '[[A#B]]',
    '[[#B]]',
    '[[A]] and [[B]]',
    '[[A]][[B]]',
    '[[ A ]]',
    '[[A]]]',
    '[[[A]]]',
    '[[A]',
    '[A]]',
    '[[]]',
    '[[|]]',
    '[[A|*b*]]',
    '[[A|`b`]]',
    '[[A\\|b]]',
    '*[[A]]*',
    '**[[A|b]]**',
    '[[A]][^1]\n\n[^1]: x',
    '[[A](b)]',
    '[x [[A]]](b)',
    '[[A]]: b',
    '[[A\nB]]',
    '[[A]]\n[[B]]',
    '[[Tree of Thoughts#How it works|ToT]]',
    '[[café]] [[🙂]] [[日本]]',
    '[[A]] [^1]\n\n[^1]: see [[B]]',
    '[[A#B|c]](d)',
    '![[A]]',
  ],

  'stray markers in text': [
    'word3)',
    'word3.',
    '3)',
    '3) a',
    '3.14 is pi',
    '2024. A year',
    'a 1. b',
    'a\n2024. A year',
    'a\n2024) b',
    '#hashtag',
    'a # b',
    'a - b',
    '- a - b',
    'a * b',
    'a _ b',
    '(a)',
    'a!b',
    'a | b',
    'a | b\n- | -',
    'a ~ b',
    '~~a~~',
    '~a~',
    'a ^ b',
    'x^2',
    'a = b',
    '==',
    'a:b',
    '...',
    'a+b',
    '+',
    'a <b',
    'a > b',
    'a & b',
    'a &b; c',
    '&amp;',
    '&#123;',
    'a <b> c',
    '<b>a</b>',
    '<!-- c -->',
    'a <!-- c --> b',
    'a\\*b',
    '\\# a',
    '\\- a',
    'a\\\\b',
    'https://example.com/a_b_c',
    'www.example.com',
    'a@b.com',
    '<https://e.com>',
    '<a@b.com>',
    'a\tb',
    '\ta',
    '[',
    ']',
    '](',
    '[a',
    'a]',
    '[a](',
    '[^',
    '[^1',
    '^1]',
  ],

  unicode: [
    'café',
    'cafe\u0301',
    'cafe\u0301 *b*',
    '🙂',
    '🙂🙂 🙂',
    '𝔸𝔹',
    '👩‍💻 dev',
    '🇫🇷 flag',
    '日本語のテキスト',
    '# 🙂 Heading',
    '*🙂* **𝔸** `🙂`',
    '[🙂](b) ![𝔸](c)',
    'a🙂\nb🙂',
    '🙂\n🙂\n',
    '- 🙂\n- 日本\n\n1. 𝔸',
    '🙂[^1]\n\n[^1]: 🙂 𝔸',
    '```🙂\n🙂\n```\n🙂',
    '\u00a0a',
    'a\u00a0\nb',
    'a\u2028b',
    'a\u2029b',
    '\u200b',
    'a\u200bb',
    '\u000b',
    'a\u000cb',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'a\udc00b',
    'a\ufeff',
    'e\u0301*a*',
    'Ⅷ. a',
    '١. a',
    '\u3000a',
    'a\u3000\nb',
    '# A\u3000',
  ],

  'line endings': [
    'a\r\nb\nc\rd',
    '# A\r\n\nb',
    '# A\r\rb',
    'a\r\n\r\nb',
    'a\r\r\nb',
    'a\n\rb',
    '---\r\ntitle: A\r\n---\r\n\r\n# A\r\n\r\nText[^1].\r\n\r\n[^1]: Def.\r\n',
    '---\rtitle: A\r---\r\r# A\r\rText[^1].\r\r[^1]: Def.\r',
    '- a\r\n- b\r\n\r\n- c',
    '```\r\nx\r\n```\r\n',
    '`a\r\nb`',
    '`a\rb`',
    '*a\r\nb*',
    '[a](b\r\n"t")',
    '[^1]: a\r\n    b',
    'a\r\n---',
    'a  \r\nb',
    'a\\\r\nb',
  ],

  'inline constructs across the lines of a container': [
    '- `a\n  b`',
    '- `a\nb`',
    '[^1]: *a\n    b*',
    '[^1]: `a\n    b`',
    '[^1]: [a\n  b](c)',
    '- [a\n  b](c)',
    '- [a](b\n  "t")',
    '- ![a\n  b](c)',
    '1. **a\n   b**',
    '10. _a\n    b_',
    '- a_\n  _b',
    '- [^1\n  ]\n\n[^1]: x',
    '- [[A\n  B]]',
  ],

  'tabs and odd whitespace': [
    '\t# A',
    '#\tA\t#',
    '-\ta\n-\tb',
    '1.\ta',
    '- a\n\tb',
    '[^1]:\ta',
    '[^1]: a\n\tb',
    '```\n\tx\n```',
    'a\n\tb',
    ' \t a',
    'a\n \t\nb',
    '\v',
  ],

  'hostile shapes (scaled down)': [
    '- '.repeat(40) + 'deep',
    '> '.repeat(40) + 'deep',
    '*'.repeat(100),
    '*a'.repeat(50),
    '_a'.repeat(50),
    '['.repeat(100),
    ']'.repeat(100),
    '[a]('.repeat(30),
    '`'.repeat(100),
    '`a'.repeat(50),
    '[^'.repeat(50),
    '[['.repeat(50) + 'a' + ']]'.repeat(50),
    '#'.repeat(100),
    'a\n'.repeat(300),
    '\n'.repeat(300),
    '    '.repeat(30) + 'a',
    '1. '.repeat(30) + 'a',
    '[a](' + '('.repeat(40) + ')'.repeat(40) + ')',
    '*a '.repeat(100),
    '**a*'.repeat(50),
    '🙂'.repeat(200),
    // Long paragraphs and lists: points are found by a search over many lines.
    'a [b](c) *d* `e` [^1] _f_ **g**\n'.repeat(300) + '\n[^1]: x\n',
    '- a [b](c) *d*\n  more *e*\n'.repeat(200),
    '[a '.repeat(200) + '[b](c)' + ' d]'.repeat(200),
  ],
};

function variants(source: string): Array<[string, string]> {
  const out: Array<[string, string]> = [['as written', source]];
  if (source.includes('\n')) {
    out.push(['CRLF', source.replace(/\r?\n/g, '\r\n')], ['CR', source.replace(/\r?\n/g, '\r')]);
  }
  if (source !== '' && !/[\r\n]$/.test(source)) out.push(['final newline', `${source}\n`]);
  return out;
}

let curatedAccepted = 0;
let curatedTotal = 0;

describe('curated cases: if fastParse accepts, the tree equals remark-parse', () => {
  describe.each(Object.entries(CASES))('%s', (_group, sources) => {
    it.each(sources.map((source) => [JSON.stringify(source).slice(0, 80), source]))('%s', (_name, source) => {
      for (const [variant, text] of variants(source)) {
        curatedTotal++;
        if (expectSameTree(text, { name: `${_group}, ${variant}` })) curatedAccepted++;
      }
    });
  });

  afterAll(() => rate('curated edge cases (all variants)', curatedAccepted, curatedTotal));
});

// ---------------------------------------------------------------------------
// The clean forms of the subset must take the fast path.

const TYPICAL_ARTICLE = `---
title: Chain of Thought
category: Reasoning
tags: [prompting, reasoning]
aliases: [CoT]
---

# Chain of Thought

Chain-of-thought prompting asks the model to **show its steps**[^wei2022] before
the answer; see [ReAct](../reasoning/react.md#overview "ReAct"), [the overview](/core-concepts/ai-agent#overview)
and [[Tree of Thoughts]].

## How it works

The prompt includes worked examples with \`step-by-step\` reasoning, as in *Wei et al.*:

- Decompose the task into [[Tree of Thoughts#Overview|smaller steps]].
- Solve each _step_[^kojima2022].
- Check the result.

1. First
2. Second

\`\`\`python
print("hello")
\`\`\`

![A diagram of the steps](../images/cot.png)

---

## See also

- [Self-consistency](self-consistency.md)

[^wei2022]: Wei, J. et al. (2022). "Chain-of-thought prompting elicits reasoning." https://arxiv.org/abs/2201.11903
[^kojima2022]: Kojima, T. et al. (2022). "Large language models are zero-shot reasoners." NeurIPS.
`;

const ACCEPTED: Record<string, string> = {
  'a typical article': TYPICAL_ARTICLE,
  'an empty document': '',
  'only frontmatter': '---\ntitle: A\ncategory: Reasoning\n---\n',
  'frontmatter and a heading': '---\ntitle: A\n---\n\n# A\n',
  'headings of every depth': '# A\n\n## B\n\n### C\n\n#### D\n\n##### E\n\n###### F\n',
  'a heading with a closing sequence': '## How it works ##\n',
  'paragraphs with soft line breaks': 'One line\nand the next.\n\nAnother paragraph.\n',
  'emphasis and strong with * and _': 'Some *emphasis*, _emphasis_, **strong** and __strong__ text.\n',
  'code spans': 'Use `kblint --fix` or ``a `tick` b``.\n',
  'an inline link with a title': 'See [the docs](https://example.com/docs "Docs") and [here](#here).\n',
  'an image': '![Alt text](img.png)\n',
  'footnote references and definitions': 'Claim[^1] and another[^smith-2020].\n\n[^1]: First source.\n[^smith-2020]: Smith, J. (2020). "A paper." https://doi.org/10.1/x\n',
  'wiki links': 'See [[RAG]], [[Tree of Thoughts#Overview]] and [[RAG|retrieval]].\n',
  'a fenced code block': '```ts\nconst a = 1;\n```\n',
  'a tilde fence': '~~~\nplain\n~~~\n',
  'a thematic break': 'Above.\n\n---\n\nBelow.\n',
  'a tight bullet list': '- one\n- two\n- three\n',
  'a loose bullet list': '- one\n\n- two\n',
  'a tight ordered list': '1. one\n2. two\n',
  'an ordered list starting at 3': '3. three\n4. four\n',
  'list items with inline content': '- **Bold** item with a [link](a.md)\n- `code` and a footnote[^1]\n\n[^1]: Source.\n',
  'a list item with a continuation line': '- first line\n  second line\n- next\n',
  'a nested list': '- a\n  - b\n  - c\n- d\n',
  'an ordered list with )': '1) a\n2) b\n',
  'a list item with two paragraphs': '- a\n\n  more\n- b\n',
  'a footnote definition with a continuation line': 'Claim[^1].\n\n[^1]: A long source\n    continued here.\n',
  'nested emphasis': 'With **bold _nested_** and *em **strong***.\n',
  'unicode text': '# Café 🙂\n\nCafé, 日本語 and 𝔸 in *emphasis* with [links](🙂.md).\n',
  'a typical article with CRLF line endings': TYPICAL_ARTICLE.replace(/\n/g, '\r\n'),
};

describe('the common clean forms take the fast path', () => {
  it.each(Object.entries(ACCEPTED))('%s', (name, source) => {
    expect(fastParse(source), `fastParse declined ${name}: ${JSON.stringify(source)}`).toBeDefined();
    expect(expectSameTree(source, { name })).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Corpora: real content. Every accepted file must be equal.

interface Doc {
  file: string;
  text: string;
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '__output__') continue;
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** As the engine reads a file: a BOM is stripped before parsing. */
const read = (file: string): Doc => ({ file: path.relative(REPO_ROOT, file), text: readFileSync(file, 'utf8').replace(/^\uFEFF/, '') });

function checkCorpus(name: string, docs: Doc[]): { accepted: number; total: number } {
  let accepted = 0;
  for (const doc of docs) if (expectSameTree(doc.text, { name: `${name}: ${doc.file}`, soft: true })) accepted++;
  rate(name, accepted, docs.length);
  return { accepted, total: docs.length };
}

const RULE_DIRS = readdirSync(path.join(REPO_ROOT, 'rules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(REPO_ROOT, 'rules', entry.name))
  .sort();

describe('corpora: every accepted file equals remark-parse', () => {
  it('content/', () => {
    const docs = markdownFiles(path.join(REPO_ROOT, 'content')).map(read);
    expect(docs.length).toBeGreaterThan(10);
    checkCorpus('content/', docs);
  });

  it('tests/fixtures/ and tests/hostile/', () => {
    const docs = [...markdownFiles(path.join(REPO_ROOT, 'tests/fixtures')), ...markdownFiles(path.join(REPO_ROOT, 'tests/hostile'))].map(read);
    expect(docs.length).toBeGreaterThan(0);
    checkCorpus('tests/fixtures/ and tests/hostile/', docs);
  });

  it('the files of every rule README example', () => {
    const docs: Doc[] = [];
    for (const dir of RULE_DIRS) {
      const examples = parseReadmeExamples(readFileSync(path.join(dir, 'README.md'), 'utf8'));
      for (const example of examples) {
        for (const file of example.files) {
          if (file.path.endsWith('.md')) docs.push({ file: `${path.basename(dir)}: ${example.title}: ${file.path}`, text: file.content });
        }
      }
    }
    expect(docs.length).toBeGreaterThan(50);
    checkCorpus('rule README examples', docs);
  });

  it("the repository's own Markdown (READMEs, docs)", () => {
    const files = [
      ...readdirSync(REPO_ROOT).filter((name) => name.endsWith('.md')).map((name) => path.join(REPO_ROOT, name)),
      ...RULE_DIRS.map((dir) => path.join(dir, 'README.md')),
      path.join(REPO_ROOT, 'bench/README.md'),
      ...markdownFiles(path.join(REPO_ROOT, 'packages')),
    ];
    checkCorpus('repository READMEs and docs', files.map(read));
  });

  it('a generated knowledge base (bench/generate.mjs, 300 articles, seed 7) is accepted at 95% or more', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kblint-fast-parse-'));
    try {
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/generate.mjs'), dir, '--articles', '300', '--seed', '7'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const docs = markdownFiles(path.join(dir, 'content')).map((file) => ({ ...read(file), file: path.relative(dir, file) }));
      expect(docs).toHaveLength(300);
      const { accepted, total } = checkCorpus('generated knowledge base (300 articles, seed 7)', docs);
      expect(accepted / total).toBeGreaterThanOrEqual(0.95);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------
// Exhaustive small documents: every combination of a few pieces, where the
// property test only samples. Emphasis resolution, bracket matching and block
// interruption are decided by a handful of neighbouring characters, so short
// sequences reach most of their cases.

/** Every sequence of 1 to `depth` pieces, joined by `join`. */
function* sequences(pieces: readonly string[], depth: number, join = ''): Generator<string> {
  function* extend(prefix: string[]): Generator<string> {
    if (prefix.length) yield prefix.join(join);
    if (prefix.length === depth) return;
    for (const piece of pieces) yield* extend([...prefix, piece]);
  }
  yield* extend([]);
}

function checkAll(name: string, sources: Iterable<string>): void {
  let accepted = 0;
  let total = 0;
  const mismatches: string[] = [];
  for (const source of sources) {
    total++;
    const fast = fastParse(source);
    if (fast === undefined) continue;
    accepted++;
    const difference = firstDifference(fast, parser.parse(source));
    if (difference && mismatches.length < 10) {
      mismatches.push(describeDifference(source, difference));
      logMismatch(source, difference, name);
    }
    const shared = sharedObjects(fast);
    if (shared.length && mismatches.length < 10) mismatches.push(`fastParse(${showSource(source)}) shares objects: ${shared.join(', ')}`);
  }
  rate(name, accepted, total);
  expect(mismatches).toEqual([]);
}

describe('exhaustive small documents', () => {
  it('emphasis: every sequence of up to 5 delimiter runs and characters', () => {
    checkAll('exhaustive emphasis (up to 5 pieces)', sequences(['*', '**', '_', '__', 'a', ' ', '.', '本'], 5));
  });

  it('brackets, links, images and footnotes: every sequence of up to 4 pieces', () => {
    checkAll('exhaustive brackets (up to 4 pieces)', sequences(['[', ']', '(', ')', '[^1]', '!', 'a', ' ', '"t"', '<', '`', '\n', '[^1]: x\n'], 4));
  });

  it('blocks: every sequence of up to 3 lines, with and without a final newline', () => {
    const lines = ['a', '- a', '1. a', '2. a', '  a', '    a', '', '# a', '---', '```', '~~~', '[^1]: a', '* a', '  - a', '1) a', '-', '***', ' a', '```\t', '🙂'];
    checkAll('exhaustive blocks (up to 3 lines)', [...sequences(lines, 3, '\n')].flatMap((text) => [text, `${text}\n`]));
  });
});

// ---------------------------------------------------------------------------
// Property: generated documents of the subset's constructs and near misses.

/** fastParse's tree, after checking it equals remark-parse's (throws with the first difference); undefined when declined. */
function checkAccepted(source: string) {
  const fast = fastParse(source);
  if (fast === undefined) return undefined;
  const difference = firstDifference(fast, parser.parse(source));
  if (difference) throw new Error(describeDifference(source, difference));
  return fast;
}

describe('generated near-miss documents', () => {
  it('equal remark-parse whenever fastParse accepts (3,000 runs, fixed seed)', () => {
    let runs = 0;
    let accepted = 0;
    const details = fc.check(
      fc.property(nearMissDocument, (source) => {
        runs++;
        const fast = checkAccepted(source);
        if (fast === undefined) return;
        accepted++;
        const shared = sharedObjects(fast);
        if (shared.length) throw new Error(`fastParse(${showSource(source)}) shares objects: ${shared.join(', ')}`);
      }),
      { seed: 20261128, numRuns: 3000 },
    );
    let report = '';
    if (details.failed && details.counterexample) {
      // fast-check's shrunk counterexample, then the same shrunk further by characters.
      const [source] = details.counterexample;
      const difference = mismatchOf(source);
      const small = minimize(source);
      const smallDifference = mismatchOf(small);
      if (difference) report += `\n${describeDifference(source, difference)}`;
      if (smallDifference) {
        report += `\nminimal reproducer:\n${describeDifference(small, smallDifference)}`;
        logMismatch(small, smallDifference, 'property (seed 20261128, shrunk and minimized)');
      }
    }
    expect(details.failed, `${fc.defaultReportMessage(details) ?? ''}${report}`).toBe(false);
    rate('generated near-miss documents (property, 3,000 runs)', accepted, runs);
    // Not a vacuous property: a good share of the generated documents takes the fast path.
    expect(accepted).toBeGreaterThan(runs * 0.1);
  }, 120_000);

  it('real articles with one to three characters inserted or deleted equal remark-parse whenever fastParse accepts (500 runs)', () => {
    const articles = markdownFiles(path.join(REPO_ROOT, 'content'))
      .map((file) => read(file).text)
      .filter((text) => fastParse(text) !== undefined);
    expect(articles.length).toBeGreaterThan(10);
    let runs = 0;
    let accepted = 0;
    const mutated = fc
      .tuple(fc.constantFrom(...articles), fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...MUTATION_CHARS), fc.constant(''))), { minLength: 1, maxLength: 3 }))
      .map(([text, mutations]) => mutations.reduce((out, [at, char]) => mutateAt(out, at, char), text));
    const details = fc.check(
      fc.property(mutated, (source) => {
        runs++;
        if (checkAccepted(source) !== undefined) accepted++;
      }),
      { seed: 20261128, numRuns: 500 },
    );
    let report = '';
    if (details.failed && details.counterexample) {
      const small = minimize(details.counterexample[0]);
      const difference = mismatchOf(small);
      if (difference) {
        report = `\nminimal reproducer:\n${describeDifference(small, difference)}`;
        logMismatch(small, difference, 'mutated real articles (minimized)');
      }
    }
    expect(details.failed, `${fc.defaultReportMessage(details) ?? ''}${report}`).toBe(false);
    rate('mutated content/ articles (property, 500 runs)', accepted, runs);
    expect(accepted).toBeGreaterThan(runs * 0.5);
  }, 120_000);
});
