/**
 * fast-check arbitraries for Markdown documents built from the constructs of
 * `fastParse`'s subset (frontmatter, ATX headings, paragraphs, fences,
 * thematic breaks, footnote definitions, lists; code spans, emphasis, links,
 * images, footnote references, wiki links), plus near-miss mutations that
 * push a document just outside the subset or across a construct's boundary.
 *
 * The pieces are chosen to sit on the edges the parser has to get right:
 * flanking rules (`a*b*`, `snake_case`, `*` beside punctuation), list markers
 * that can or cannot interrupt a paragraph (`2.` vs `1.`), setext underlines,
 * lazy and indented continuation lines, and UTF-16 surrogate pairs and
 * combining marks that make offsets and columns differ from code points.
 */
import fc from 'fast-check';

/** The characters a near-miss mutation inserts: every ASCII character with a meaning to CommonMark or to this subset, plus whitespace. */
export const MUTATION_CHARS = [...'\\`*_[]()!<>#&|^~-+=:.0123456789', ' ', '\t', '\n', '\r'] as const;

const PLAIN_WORDS = ['agents', 'plan', 'the', 'a', 'model', 'Tools', 'x', 'I', 'café', 'cafe\u0301', '日本語', '🙂', '𝔸𝔹', '👩‍💻'] as const;
/** Words with a character that means something somewhere: each is text only in context. */
const EDGE_WORDS = [
  'snake_case_words', '__init__', 'a*b', 'word3)', 'word3.', '[12]', '3.14', 'v2.0', '(see)', '"quoted"', "it's", 'e.g.', 'TODO:',
  'https://example.com/a_b', 'x^2', 'a|b', '#hashtag', '-', '—', '!', '?', ',', '.',
] as const;
const LABELS = ['1', '2', 'a', 'A', 'smith-2020', 'a b', '🙂'] as const;
const TITLES = ['RAG', 'Tree of Thoughts', 'A', 'café'] as const;
const DESTINATIONS = ['u', 'u', '../tools/x.md#y', '../tools/x.md#y', '/tools/x#y', '#overview', 'https://e.com/a_(b)', 'a(b)c', '<a b>', '<>', '', 'x.png', 'x*y*'] as const;
const TITLE_SUFFIXES = ['', '', '', ' "t"', " 't'", ' (t)', ' "a *b* c"', ' "🙂"'] as const;

/** `arbitrary` in `percent`% of the values, null otherwise (fc.option's `freq` only sets how often null comes). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: percent, arbitrary }, { weight: 100 - percent, arbitrary: fc.constant(null) });
}

const word = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PLAIN_WORDS) }, { weight: 1, arbitrary: fc.constantFrom(...EDGE_WORDS) });
const label = fc.constantFrom(...LABELS);

/** Pieces that hold no other inline content. */
const leaf: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: word },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('`', '`', '``'), fc.constantFrom('a', 'code()', ' a ', 'a b', '`', '  ', 'x*y*', '[a](b)', '[^1]', 'a\nb', '🙂'))
      .map(([ticks, body]) => `${ticks}${body}${ticks}`),
  },
  { weight: 2, arbitrary: label.map((l) => `[^${l}]`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...TITLES), fc.option(fc.constantFrom('Overview', 'How it works')), fc.option(fc.constantFrom('label', 'a *b*')))
      .map(([title, heading, text]) => `[[${title}${heading ? `#${heading}` : ''}${text ? `|${text}` : ''}]]`),
  },
);

/** A run of inline content; `depth` bounds how deep emphasis and links nest. */
function phrase(depth: number): fc.Arbitrary<string> {
  const part =
    depth === 0
      ? leaf
      : fc.oneof(
          { weight: 12, arbitrary: leaf },
          {
            weight: 2,
            arbitrary: fc
              .tuple(fc.constantFrom('*', '_', '**', '__', '***', '*', '**'), fc.constantFrom('', '', '', ' '), phrase(depth - 1))
              .map(([delimiter, pad, body]) => `${delimiter}${pad}${body}${delimiter}`),
          },
          {
            weight: 2,
            arbitrary: fc
              .tuple(fc.constantFrom('', '', '!'), phrase(depth - 1), fc.constantFrom(...DESTINATIONS), fc.constantFrom(...TITLE_SUFFIXES))
              .map(([bang, text, dest, title]) => `${bang}[${text}](${dest}${title})`),
          },
        );
  // Mostly spaces between pieces; sometimes none (flanking), sometimes a soft line break.
  const separator = fc.constantFrom(' ', ' ', ' ', ' ', '', '\n');
  return fc
    .array(fc.tuple(part, separator), { minLength: 1, maxLength: 5 })
    .map((pieces) => pieces.map(([piece, sep], k) => (k === 0 ? piece : sep + piece)).join(''));
}

export const inline = phrase(2);
const oneLine = inline.map((text) => text.replace(/\n/g, ' '));

export const heading = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom(' ', ' ', ' ', '', '  '), sometimes(oneLine, 96), fc.constantFrom('', '', '', '', '', '', ' #', ' ##', '#', ' # ', ' '))
  .map(([depth, space, text, closing]) => `${'#'.repeat(depth)}${space}${text ?? ''}${closing}`);

export const paragraph = fc
  .tuple(inline, sometimes(fc.tuple(fc.constantFrom('', '', '', ' ', '   '), inline), 40))
  .map(([first, next]) => (next ? `${first}\n${next[0]}${next[1]}` : first));

export const fence = fc
  .tuple(
    fc.constantFrom('```', '```', '~~~', '````'),
    fc.constantFrom('', '', 'js', 'python title="x y"', ' ts', 'ts ', 'md'),
    fc.array(fc.constantFrom('code()', '', '# not a heading', '  indented', '- item', '[^1]: x', '```', '*a*', '🙂'), { maxLength: 3 }),
    fc.constantFrom('same', 'same', 'same', 'same', 'same', 'same', 'same', 'longer', 'indented', 'none'),
  )
  .map(([open, info, lines, close]) => {
    const closing = close === 'same' ? open : close === 'longer' ? `${open}${open[0]}` : close === 'indented' ? `  ${open}` : '';
    return [`${open}${info}`, ...lines, ...(closing ? [closing] : [])].join('\n');
  });

export const thematicBreak = fc.constantFrom('---', '***', '___', '- - -', '* * *', '-----', ' ***');

/** Mostly nothing; sometimes a block marker, so a definition or an item starts with a heading, a list or another definition. */
const blockStart = fc.constantFrom('', '', '', '', '', '', '', '', '', '', '', '', '- ', '# ', '[^2]: ', '1. ', '```');

export const footnoteDefinition = fc
  .tuple(label, fc.constantFrom(' ', ' ', ''), sometimes(fc.tuple(blockStart, inline), 95), sometimes(fc.tuple(fc.constantFrom('    ', '  ', ''), oneLine), 25))
  .map(([l, space, text, more]) => `[^${l}]:${text === null ? '' : space + text[0] + text[1]}${more ? `\n${more[0]}${more[1]}` : ''}`);

const listMarker = fc.oneof(
  fc.constantFrom('-', '*', '+'),
  fc.tuple(fc.constantFrom(1, 1, 2, 0, 9, 10, 123), fc.constantFrom('.', ')')).map(([n, d]) => `${n}${d}`),
);

const listItem = fc.tuple(
  sometimes(fc.tuple(blockStart, oneLine).map(([start, text]) => start + text), 95),
  sometimes(fc.tuple(fc.constantFrom('indent', 'indent', 'lazy', 'short'), oneLine), 20),
  fc.constantFrom('\n', '\n', '\n', '\n\n'),
);

export const list = fc
  .tuple(listMarker, fc.array(listItem, { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', ' ', ' ', '  '), sometimes(fc.tuple(fc.constantFrom('-', '1.', '*'), oneLine), 15))
  .map(([first, items, space, nested]) => {
    const ordered = /\d/.test(first);
    const start = ordered ? Number.parseInt(first, 10) : 0;
    const delimiter = ordered ? first.slice(-1) : first;
    let out = '';
    items.forEach(([text, more, after], k) => {
      const marker = ordered ? `${start + k}${delimiter}` : delimiter;
      const indent = ' '.repeat(marker.length + space.length);
      out += `${marker}${text === null ? '' : space + text}`;
      if (more) out += `\n${more[0] === 'indent' ? indent : more[0] === 'short' ? ' ' : ''}${more[1]}`;
      if (k === 0 && nested) out += `\n${indent}${nested[0]} ${nested[1]}`;
      if (k < items.length - 1) out += after;
    });
    return out;
  });

export const block = fc.oneof(
  { weight: 6, arbitrary: paragraph },
  { weight: 3, arbitrary: heading },
  { weight: 3, arbitrary: list },
  { weight: 2, arbitrary: footnoteDefinition },
  { weight: 2, arbitrary: fence },
  { weight: 1, arbitrary: thematicBreak },
);

export const frontmatter = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...TITLES), fc.constantFrom('[a, b]', '[]', '\n  - a\n  - b'), fc.constantFrom('\n', '\n', '', '\n\n'))
      .map(([title, tags, after]) => `---\ntitle: ${title}\ntags:${tags.startsWith('\n') ? '' : ' '}${tags}\n---\n${after}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '---\n---\n\n',
      '---\ntitle: unclosed\n\n',
      '--- \ntitle: A\n---\n\n',
      '---\ntitle: A\n--- \n\n',
      '---\ntitle: A\n---\t\n',
      '---\ntitle: A\n...\n\n',
      '----\ntitle: A\n----\n\n',
    ),
  },
);

/** Line endings as the document is written: LF, CRLF, CR, or a mix of them. */
const lineEnding = fc.constantFrom('\n', '\n', '\n', '\n', '\n', '\n', '\r\n', '\r', 'mixed');

/** A clean document of the subset's constructs (clean as generated: the edge pieces above still reach outside the subset). */
export const subsetDocument: fc.Arbitrary<string> = fc
  .tuple(
    frontmatter,
    fc.array(fc.tuple(block, fc.constantFrom('\n\n', '\n\n', '\n\n', '\n', '\n\n\n')), { minLength: 1, maxLength: 5 }),
    lineEnding,
    fc.constantFrom('\n', '\n', ''),
  )
  .map(([fm, blocks, eol, last]) => {
    const body = blocks.map(([b, sep], k) => (k === 0 ? b : sep + b)).join('');
    const text = fm + body + (body ? last : '');
    if (eol === '\n') return text;
    if (eol !== 'mixed') return text.replace(/\n/g, eol);
    let k = 0;
    return text.replace(/\n/g, () => ['\n', '\r\n', '\r'][k++ % 3] as string);
  });

/**
 * Inserts `char` at `at` (taken modulo the length + 1, so any number is a
 * place); an empty `char` deletes the code unit there instead (a lone
 * surrogate left behind is a near miss too).
 */
export function mutateAt(text: string, at: number, char: string): string {
  const place = at % (text.length + 1);
  return char === '' ? text.slice(0, place) + text.slice(place + 1) : text.slice(0, place) + char + text.slice(place);
}

/** Half clean documents, half with one or two characters of `MUTATION_CHARS` inserted (or, less often, one deleted) at random places. */
export const nearMissDocument: fc.Arbitrary<string> = fc
  .tuple(
    subsetDocument,
    fc.oneof(
      fc.constant([] as Array<[number, string]>),
      fc.array(fc.tuple(fc.nat(), fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...MUTATION_CHARS) }, { weight: 1, arbitrary: fc.constant('') })), {
        minLength: 1,
        maxLength: 2,
      }),
    ),
  )
  .map(([text, mutations]) => mutations.reduce((out, [at, char]) => mutateAt(out, at, char), text));
