import type { LinkFacts, Range, SluggerFactory } from '@kblint/rule-kit';
import type { Nodes } from 'mdast';
import { githubSlugger, LineIndex, rangeOf } from '@kblint/rule-kit';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { classifyUrl, countWords, destinationSpan, extractFacts, locate, parseWikiLink, readHtml } from './facts.js';
import { createParser } from './syntax.js';

const parser = createParser();

function factsOf(markdown: string, slugger: SluggerFactory = githubSlugger) {
  return extractFacts(parser.parse(markdown), markdown, { path: '/kb/content/reasoning/a.md', contentRoot: '/kb/content' }, slugger);
}

/** A range as `line:col-line:col`, and the source text it covers. */
function at(markdown: string, range: Range | undefined): string {
  if (!range) return '(none)';
  const text = markdown.slice(range.start.offset, range.end.offset);
  return `${range.start.line}:${range.start.column}-${range.end.line}:${range.end.column} ${JSON.stringify(text)}`;
}

/** Each link as its kind, facts and the text its ranges cover. */
function links(markdown: string) {
  return factsOf(markdown).links.map((link: LinkFacts) => ({
    kind: link.kind,
    raw: link.raw,
    ...(link.path !== undefined ? { path: link.path } : {}),
    ...(link.target !== undefined ? { target: link.target } : {}),
    ...(link.anchor !== undefined ? { anchor: link.anchor } : {}),
    ...(link.image ? { image: true } : {}),
    range: at(markdown, link.range),
    target_: at(markdown, link.targetRange),
    anchor_: at(markdown, link.anchorRange),
  }));
}

const RANGE: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };

describe('classifyUrl', () => {
  it('ignores external URLs of any scheme, protocol-relative URLs and empty destinations', () => {
    for (const url of ['https://example.com/a.md', 'mailto:a@b.c', 'ftp://x', 'tel:+1', 'javascript:void(0)', '//cdn.example.com/a.png', '', '  ']) {
      expect(classifyUrl(url, false, RANGE), url).toBeUndefined();
    }
  });

  it('sorts relative, absolute and same-file destinations, decoding percent-escapes and dropping queries', () => {
    expect(classifyUrl('../x/style%20guide.md?plain=1#caf%C3%A9', false, RANGE)).toEqual({
      kind: 'relative',
      raw: '../x/style%20guide.md?plain=1#caf%C3%A9',
      path: '../x/style guide.md',
      anchor: 'café',
      image: false,
      range: RANGE,
    });
    expect(classifyUrl('/reasoning/react/', false, RANGE)).toMatchObject({ kind: 'absolute', path: '/reasoning/react/' });
    expect(classifyUrl('#how-it-works', false, RANGE)).toMatchObject({ kind: 'anchor', anchor: 'how-it-works' });
    expect(classifyUrl('#', false, RANGE)).toMatchObject({ kind: 'anchor', anchor: '' });
    // A malformed escape is kept as written rather than thrown on.
    expect(classifyUrl('100%.md', false, RANGE)).toMatchObject({ kind: 'relative', path: '100%.md' });
  });

  it('drops a query up to the end of the text, as /\\?.*$/ does, line breaks included', () => {
    expect(classifyUrl('a.md?x=1?y=2', false, RANGE)).toMatchObject({ path: 'a.md' });
    expect(classifyUrl('?x=1#top', false, RANGE)).toMatchObject({ kind: 'anchor', anchor: 'top' });
    // `.` stops at a line break: a `?` with one after it is not a query.
    expect(classifyUrl('a.md?x\ny', false, RANGE)).toMatchObject({ path: 'a.md?x\ny' });
    expect(classifyUrl('a?b\nc?d.md', false, RANGE)).toMatchObject({ path: 'a?b\nc' });
  });

  it('orders the fields of a link the same way whichever of them it has', () => {
    const lines = new LineIndex('[x](a.md?q#h) [y](#h) [z](b.md)');
    const keys = (url: string, start: number) => Object.keys(classifyUrl(url, false, RANGE, { text: url, start, lines }) ?? {});
    expect(keys('a.md?q#h', 4)).toEqual(['kind', 'raw', 'path', 'anchor', 'image', 'range', 'targetRange', 'anchorRange']);
    expect(keys('#h', 18)).toEqual(['kind', 'raw', 'anchor', 'image', 'range', 'anchorRange']);
    expect(keys('b.md', 27)).toEqual(['kind', 'raw', 'path', 'image', 'range', 'targetRange']);
  });
});

describe('link facts', () => {
  it('records the destination of inline links and images, with the path and fragment ranges', () => {
    expect(links('See [a](../x/y.md#h) and ![i](img.png "title").')).toEqual([
      {
        kind: 'relative',
        raw: '../x/y.md#h',
        path: '../x/y.md',
        anchor: 'h',
        range: '1:9-1:20 "../x/y.md#h"',
        target_: '1:9-1:18 "../x/y.md"',
        anchor_: '1:19-1:20 "h"',
      },
      { kind: 'relative', raw: 'img.png', path: 'img.png', image: true, range: '1:31-1:38 "img.png"', target_: '1:31-1:38 "img.png"', anchor_: '(none)' },
    ]);
  });

  it('finds destinations in angle brackets, with escapes, balanced parentheses and after a nested image', () => {
    const markdown = '[a](<style guide.md>) [b](a\\(1\\).md) [c](f(1).md) [![i](x.png) [n]](y.md)';
    expect(links(markdown).map((l) => [l.raw, l.range])).toEqual([
      ['style guide.md', '1:6-1:20 "style guide.md"'],
      ['a\\(1\\).md', '1:27-1:36 "a\\\\(1\\\\).md"'],
      ['f(1).md', '1:42-1:49 "f(1).md"'],
      ['x.png', '1:57-1:62 "x.png"'],
      ['y.md', '1:69-1:73 "y.md"'],
    ]);
    expect(links(markdown)[1]?.path).toBe('a(1).md');
  });

  it('records reference definitions at their destination, not their uses, and marks those used by images', () => {
    const markdown = 'Use [ReAct][r] and ![logo][l] and [r][].\n\n[r]:\n  ../reasoning/react.md#how "ReAct"\n[l]: <../assets/logo one.svg>\n[unused]: nowhere.md\n';
    expect(links(markdown).map((l) => [l.kind, l.raw, l.image ?? false, l.range, l.anchor_])).toEqual([
      ['relative', '../reasoning/react.md#how', false, '4:3-4:28 "../reasoning/react.md#how"', '4:25-4:28 "how"'],
      ['relative', '../assets/logo one.svg', true, '5:7-5:29 "../assets/logo one.svg"', '(none)'],
      ['relative', 'nowhere.md', false, '6:11-6:21 "nowhere.md"', '(none)'],
    ]);
  });

  it('reads wiki links with targets, headings, labels and the table divider, in source order', () => {
    const markdown = 'A [link](b.md), [[ ReAct # How It Works | label ]], [[#Usage]] and\n\n| x |\n| - |\n| [[Tree of Thoughts\\|ToT]] |\n';
    expect(links(markdown)).toEqual([
      { kind: 'relative', raw: 'b.md', path: 'b.md', range: '1:10-1:14 "b.md"', target_: '1:10-1:14 "b.md"', anchor_: '(none)' },
      {
        kind: 'wiki',
        raw: ' ReAct # How It Works | label ',
        target: 'ReAct',
        anchor: 'How It Works',
        range: '1:17-1:51 "[[ ReAct # How It Works | label ]]"',
        target_: '1:20-1:25 "ReAct"',
        anchor_: '1:28-1:40 "How It Works"',
      },
      { kind: 'wiki', raw: '#Usage', target: '', anchor: 'Usage', range: '1:53-1:63 "[[#Usage]]"', target_: '1:55-1:55 ""', anchor_: '1:56-1:61 "Usage"' },
      {
        kind: 'wiki',
        raw: 'Tree of Thoughts\\|ToT',
        target: 'Tree of Thoughts',
        range: '5:3-5:28 "[[Tree of Thoughts\\\\|ToT]]"',
        target_: '5:5-5:21 "Tree of Thoughts"',
        anchor_: '(none)',
      },
    ]);
  });

  it('checks links in footnote definitions and skips code spans, code blocks, HTML and escaped brackets', () => {
    const markdown = 'Text[^1] `[[Code]]` \\[[Escaped]] <span>[[html]]</span>\n\n```md\n[[Block]] [x](block.md)\n```\n\n[^1]: See [notes](notes.md) and [[Notes]].\n';
    expect(links(markdown).map((l) => `${l.kind} ${l.raw}`)).toEqual(['wiki html', 'relative notes.md', 'wiki Notes']);
  });

  it('marks `![[file]]` embeds as images', () => {
    expect(links('![[diagram.svg]] and [[Page]]').map((l) => `${l.raw} ${l.image ?? false} ${l.range}`)).toEqual([
      'diagram.svg true 1:2-1:17 "[[diagram.svg]]"',
      'Page false 1:22-1:30 "[[Page]]"',
    ]);
  });

  it('records `<a href>` and `<img src>` in raw HTML, quoted or not, with the ranges of path and fragment', () => {
    const markdown = [
      'Inline <a href="b.md#setup">b</a>, <IMG SRC=\'img/x.png\' width=300> and <a class=x href=c.md>c</a>.',
      '',
      '<div>',
      '  <!-- <a href="commented.md">no</a> -->',
      '  <a href="https://example.com/a.md">external</a> <a href="d.md?x=1&amp;y=2">an entity</a>',
      '  <link href="style.css"> <script src="app.js"></script> <a src="no.md"></a> <img href="no.png">',
      '  <a href="#local">here</a>',
      '</div>',
    ].join('\n');
    expect(links(markdown)).toEqual([
      { kind: 'relative', raw: 'b.md#setup', path: 'b.md', anchor: 'setup', range: '1:17-1:27 "b.md#setup"', target_: '1:17-1:21 "b.md"', anchor_: '1:22-1:27 "setup"' },
      { kind: 'relative', raw: 'img/x.png', path: 'img/x.png', image: true, range: '1:46-1:55 "img/x.png"', target_: '1:46-1:55 "img/x.png"', anchor_: '(none)' },
      { kind: 'relative', raw: 'c.md', path: 'c.md', range: '1:88-1:92 "c.md"', target_: '1:88-1:92 "c.md"', anchor_: '(none)' },
      { kind: 'anchor', raw: '#local', anchor: 'local', range: '7:12-7:18 "#local"', target_: '(none)', anchor_: '7:13-7:18 "local"' },
    ]);
    // HTML in a block quote: its value drops the `>` markers, so the link is placed on the whole HTML.
    expect(links('> <div>\n> <a href="q.md">q</a>\n> </div>').map((l) => `${l.raw} ${l.range} ${l.target_}`)).toEqual(['q.md 1:3-3:9 "<div>\\n> <a href=\\"q.md\\">q</a>\\n> </div>" (none)']);
  });

  it('ignores autolinks and external links', () => {
    expect(links('<https://example.com> [a](https://example.com/a.md) [m](mailto:x@y.z) <x@y.z>')).toEqual([]);
  });
});

describe('anchors', () => {
  it("slugs headings with GitHub's algorithm, repeated headings suffixed -1, -2", () => {
    const facts = factsOf('# Intro\n\n## Examples\n\n## Examples\n\n## Examples\n\n## What is `act()`?\n\n## Ünïcödé & ümlauts!\n\n## Foo <em>bar</em> baz\n');
    expect(facts.headings.map((h) => h.slug)).toEqual([
      'intro',
      'examples',
      'examples-1',
      'examples-2',
      'what-is-act',
      'ünïcödé--ümlauts',
      'foo-bar-baz',
    ]);
  });

  it('adds HTML `id` on any element and `name` on `<a>`, not in comments', () => {
    const facts = factsOf('# A\n\n<a name="legacy"></a>\n\n<div id=\'box\' class="x"><p id=plain></p></div>\n\n<!-- <a id="commented"> -->\n\n<meta name="description">\n\nText <span id="inline">x</span>.\n');
    expect(facts.anchors).toEqual(['a', 'legacy', 'box', 'plain', 'inline']);
  });

  it('takes the slugger as one replaceable function', () => {
    const upper: SluggerFactory = () => ({ slug: (text) => text.toUpperCase().replace(/\s+/g, '_') });
    expect(factsOf('# How it works\n').anchors).toEqual(['how-it-works']);
    expect(factsOf('# How it works\n', upper).anchors).toEqual(['HOW_IT_WORKS']);
  });

  it('readHtml reads the anchors of one fragment, and its links only when told where it is', () => {
    expect(readHtml('<h2 id="x" data-id="no">T</h2><A NAME="y" href="a.md"></A><img name="z"><!-- <p id="c"> -->')).toEqual({ anchors: ['x', 'y'], links: [] });
  });
});

describe('wiki links that the parser takes for references', () => {
  it('reads `[[ReAct]]` as a wiki link when a definition `[react]: …` makes `[ReAct]` a reference', () => {
    const markdown = 'See [[ReAct]], [ReAct] and \\[[ReAct]].\n\n[react]: react.md\n';
    expect(links(markdown).map((l) => `${l.kind} ${l.raw} ${l.range}`)).toEqual([
      'wiki ReAct 1:5-1:14 "[[ReAct]]"',
      'relative react.md 3:10-3:18 "react.md"',
    ]);
  });
});

describe('countWords', () => {
  /** The per-character count `countWords` must agree with. */
  const plainCount = (text: string) => {
    let count = 0;
    let inWord = false;
    for (const char of text) {
      const space = char === ' ' || char === '\n' || char === '\t' || char === '\r';
      if (!space && !inWord) count++;
      inWord = !space;
    }
    return count;
  };

  it('counts what the per-character definition counts, on 20,000 generated texts', () => {
    const random = seededRandom(17);
    const pieces = ['word', ' ', '  ', '\n', '\t', '\r\n', 'é', '—', 'a'];
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let k = Math.floor(random() * 12); k > 0; k--) text += pieces[Math.floor(random() * (random() < 0.7 ? 2 : pieces.length))];
      expect(countWords(text), JSON.stringify(text)).toBe(plainCount(text));
    }
  });
});

describe('destinationSpan', () => {
  /** The definition it must keep: a string and a regular expression per character. */
  function reference(node: Parameters<typeof destinationSpan>[0], source: string): ReturnType<typeof destinationSpan> {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return undefined;
    const closing = (from: number) => {
      for (let i = from; i < end; i++) {
        if (source[i] === '\\') i++;
        else if (source[i] === ']') return i;
      }
      return -1;
    };
    let at: number;
    if (node.type === 'definition') {
      const close = closing(start + 1);
      if (close === -1 || source[close + 1] !== ':') return undefined;
      at = close + 2;
    } else {
      const close = closing(node.children?.at(-1)?.position?.end.offset ?? start + (node.type === 'image' ? 2 : 1));
      if (close === -1 || source[close + 1] !== '(') return undefined;
      at = close + 2;
    }
    while (at < end && /[ \t\r\n]/.test(source[at] as string)) at++;
    let text: string;
    let textStart = at;
    if (source[at] === '<') {
      const close = source.indexOf('>', at + 1);
      if (close === -1 || close > end) return undefined;
      textStart = at + 1;
      text = source.slice(textStart, close);
    } else {
      let depth = 0;
      let i = at;
      for (; i < end; i++) {
        const char = source[i] as string;
        if (char === '\\') {
          i++;
          continue;
        }
        if (/\s/.test(char)) break;
        if (char === '(') depth++;
        else if (char === ')') {
          if (depth === 0) break;
          depth--;
        }
      }
      text = source.slice(at, i);
    }
    if (text.replace(/\\([!-/:-@[-`{-~])/g, '$1') !== node.url && !text.includes('&')) return undefined;
    return { text, start: textStart };
  }

  it('finds what the plain definition finds, in 3,000 generated links, images and definitions', () => {
    const random = seededRandom(13);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const pieces = ['a', 'b.md', '../x', '#h', '(', ')', '\\(', '\\)', '\\', ' ', '\t', '\n', '\u000b', '\f', '\u00a0', '\u3000', '<', '>', '&amp;', '%20', 'é', '🙂', '"t"', ']', '['];
    let compared = 0;
    let found = 0;
    for (let n = 0; n < 3000; n++) {
      let destination = '';
      for (let k = 1 + Math.floor(random() * 5); k > 0; k--) destination += pick(pieces);
      const source = pick([`See [a *b*](${destination}) here.`, `![alt](${destination})`, `[x]: ${destination}\n\n[x]`, `[a](  ${destination} "t")`, `[a](<${destination}>)`]);
      const visit = (node: Nodes) => {
        if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
          compared++;
          const expected = reference(node, source);
          if (expected) found++;
          expect(destinationSpan(node, source), JSON.stringify(source)).toEqual(expected);
        }
        if ('children' in node) for (const child of node.children) visit(child as Nodes);
      };
      visit(parser.parse(source) as Nodes);
    }
    expect(compared).toBeGreaterThan(1500);
    expect(found).toBeGreaterThan(1000);
    expect(compared - found).toBeGreaterThan(100);
  });
});

describe('parseWikiLink', () => {
  /** The definition it must keep: a regular expression for the divider, spreads for the optional fields. */
  function reference(inner: string, linkStart: number, lines: LineIndex): LinkFacts {
    const trim = (start: number, end: number): [number, number] => {
      while (start < end && /\s/.test(inner[start] as string)) start++;
      while (end > start && /\s/.test(inner[end - 1] as string)) end--;
      return [start, end];
    };
    const innerStart = linkStart + 2;
    const divider = inner.search(/\\?\|/);
    const destinationEnd = divider === -1 ? inner.length : divider;
    const hash = inner.slice(0, destinationEnd).indexOf('#');
    const targetSpan = trim(0, hash === -1 ? destinationEnd : hash);
    const anchorSpan = hash === -1 ? undefined : trim(hash + 1, destinationEnd);
    return {
      kind: 'wiki',
      raw: inner,
      target: inner.slice(targetSpan[0], targetSpan[1]),
      ...(anchorSpan ? { anchor: inner.slice(anchorSpan[0], anchorSpan[1]) } : {}),
      image: false,
      range: rangeOf(lines, linkStart, innerStart + inner.length + 2),
      targetRange: rangeOf(lines, innerStart + targetSpan[0], innerStart + targetSpan[1]),
      ...(anchorSpan ? { anchorRange: rangeOf(lines, innerStart + anchorSpan[0], innerStart + anchorSpan[1]) } : {}),
    };
  }

  it('reads what the plain definition reads, fields in the same order, on 5,000 generated links', () => {
    const random = seededRandom(19);
    const pieces = ['Title', 'a b', '#', '##', '|', '\\|', '\\', ' ', '\t', '\u00a0', '\u3000', '\u2028', 'é', '🙂', 'label', '.md'];
    let anchors = 0;
    let dividers = 0;
    for (let n = 0; n < 5000; n++) {
      let inner = '';
      for (let k = 1 + Math.floor(random() * 6); k > 0; k--) inner += pieces[Math.floor(random() * pieces.length)];
      const source = `x [[${inner}]] y`;
      const lines = new LineIndex(source);
      const expected = reference(inner, 2, lines);
      expect(JSON.stringify(parseWikiLink(inner, 2, lines)), JSON.stringify(inner)).toBe(JSON.stringify(expected));
      if (expected.anchor !== undefined) anchors++;
      if (inner.includes('|')) dividers++;
    }
    expect(anchors).toBeGreaterThan(1000);
    expect(dividers).toBeGreaterThan(1000);
  });
});

describe('locate', () => {
  it('gives the relative path path.relative gives, for roots and files of every shape', () => {
    const random = seededRandom(23);
    const roots = ['/kb/content', '/kb/content/', '/kb/./content', '/kb//content', '/kb/x/../content', '/kb/content/..', '/kb', '/', '', 'content', '/kb/content.d'];
    const segments = ['a', 'b.md', '.', '..', '', '.hidden', 'c d', 'é', 'content'];
    for (let n = 0; n < 5000; n++) {
      const root = roots[Math.floor(random() * roots.length)] as string;
      // Mostly below the root as written, however odd; else elsewhere.
      let file = random() < 0.6 ? root.replace(/\/$/, '') : random() < 0.7 ? '/kb/content' : '/kb';
      for (let k = 1 + Math.floor(random() * 4); k > 0; k--) file += `/${segments[Math.floor(random() * segments.length)]}`;
      const relPath = path.relative(root, file).split(path.sep).join('/');
      expect(locate(file, root).relPath, `${root} ${file}`).toBe(relPath);
    }
  });
});
