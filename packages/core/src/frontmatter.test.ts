import { LineIndex } from '@kblint/rule-kit';
import type { Yaml } from 'mdast';
import { describe, expect, it } from 'vitest';
import { readFrontmatter, simpleFrontmatter } from './frontmatter.js';

/** The facts of a frontmatter block `---\n<value>\n---`, read with or without the fast path. */
function read(value: string, fast: boolean) {
  const source = `---\n${value}\n---\n`;
  const node: Yaml = {
    type: 'yaml',
    value,
    position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: source.length - 1 } },
  };
  return readFrontmatter(node, source, new LineIndex(source), fast);
}

describe('simpleFrontmatter', () => {
  it('reads the common forms itself', () => {
    const accepted = [
      'title: ReAct\ncategory: Memory & Retrieval\ntags: [agents, planning]',
      'title: "Tree of Thoughts: a survey"\ntags:\n  - agents\n  - tools\ncategory: Reasoning',
      "title: 'Quoted'\naliases: []\n\ntags:\n- x\n- y",
      'title: Unicode café 日本',
    ];
    for (const value of accepted) expect(simpleFrontmatter(value), value).toBeDefined();
  });

  it('leaves everything else to the YAML library', () => {
    const declined = [
      '',
      'title: 2024',
      'title: true',
      'title: null',
      'null: x',
      'title:',
      'title: a # comment',
      'title: a: b',
      'title: "esc\\"aped"',
      'title: &anchor x',
      'title: x\ntitle: y',
      'title: x\n  continued',
      'tags: [a, [b]]',
      'tags:\n  - a\n    - b',
      'title:  two spaces',
      'title: trailing ',
      'title: tab\tinside',
      'title: 🙂',
    ];
    for (const value of declined) expect(simpleFrontmatter(value), value).toBeUndefined();
  });

  it('gives exactly the facts the YAML library gives, on curated blocks', () => {
    const blocks = [
      'title: ReAct\ncategory: Memory & Retrieval\ntags: [agents, planning]',
      'tags: [ a ,b ]\ntitle: x',
      'tags: []\ntitle: x',
      'tags:\n  - a\n  - b c\ntitle: x',
      'tags:\n- a\n- b',
      'tags:\n  - a\n\ntitle: x',
      'title: "q"\naliases: [\'a b\', "c"]',
    ];
    for (const value of blocks) {
      expect(simpleFrontmatter(value), value).toBeDefined();
      expect(read(value, true), value).toEqual(read(value, false));
    }
  });

  it('gives exactly the facts the YAML library gives, on generated blocks', () => {
    // A seeded generator of frontmatter-like text: keys, separators, lists,
    // quotes and the characters YAML gives meaning to. Whatever the fast path
    // accepts must read the same as through the library.
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const tokens = ['title', 'tags', 'category', ':', ': ', ' ', '  ', '\n', '\n', '- ', '  - ', '[', ']', ', ', ',', '"', "'", 'Memory & Retrieval', 'ReAct', 'x', '日本', '#', ' #', '1', 'true', 'null', '~', '-', '.', '?', '&a', '*a', '|', '>', '{', '}', '\t', 'é', 'yes'];
    const pick = (list: string[]) => list[Math.floor(random() * list.length)] as string;
    const good = ['ReAct', 'Memory & Retrieval', 'a b', '"q r"', "'s'", 'x-y', 'é 日本'];
    const bad = ['1', 'true', 'a:b', 'a #b', '[c]', ''];
    const word = () => pick(random() < 0.1 ? bad : good);
    const keys = ['title', 'tags', 'category', 'aliases', 'x_y', 'null', 'title'];
    // Half well-formed lines (what the fast path takes), half token soup.
    const structured = () =>
      Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => {
        // Mostly distinct keys; now and then a duplicate or a key YAML reads as null.
        const key = random() < 0.9 ? (keys[i] as string) : pick(keys);
        const form = random();
        if (form < 0.4) return `${key}: ${word()}`;
        if (form < 0.7) return `${key}: [${word()}, ${word()}]`;
        const indent = pick(['', '  ']);
        return `${key}:\n${indent}- ${word()}\n${random() < 0.9 ? indent : '    '}- ${word()}${pick(['', '\n'])}`;
      }).join('\n');
    let fast = 0;
    for (let n = 0; n < 4000; n++) {
      let value = '';
      if (n % 2) value = structured();
      else {
        if (random() < 0.5) value = `${pick(keys)}: `;
        const length = 1 + Math.floor(random() * 12);
        for (let i = 0; i < length; i++) value += pick(tokens);
      }
      if (value.includes('\n---')) continue;
      if (simpleFrontmatter(value)) fast++;
      expect(read(value, true), JSON.stringify(value)).toEqual(read(value, false));
    }
    // The generator must exercise the fast path, not only the library.
    expect(fast).toBeGreaterThan(1000);
  });
});
