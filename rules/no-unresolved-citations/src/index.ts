import { closest, defineRule, footnoteKey, LineIndex, rangeOf, textSegments, type Suggestion, type TextSegment } from '@kblint/rule-kit';
import type { Nodes, Parents } from 'mdast';

// Options are an empty object: the rule has nothing to configure yet.
export type Options = Record<string, never>;

/**
 * `[^label]` as GFM would read it if it were defined: no whitespace, `[` or
 * `]` in the label. A backslash escapes one following character. `[` cannot
 * occur inside a match, so a failed attempt never rescans its characters:
 * the scan is linear.
 */
const FOOTNOTE_CALL = /\[\^((?:[^[\]\s\\]|\\[^\s[\]])+)\]/g;
/** `[12]` left behind where a rendered page had a numbered citation. */
const BRACKETED_NUMERAL = /\[(\d{1,3})\]/g;
const LETTER = /\p{L}/u;
/** What may not follow a bracketed numeral that is a citation marker: it would be part of a word, path or glob. */
const GLUED_AFTER = /[\p{L}\p{N}\-/(=+]/u;
/** Blocks whose inline content is one run of prose: the paren balance is checked over each as a whole. */
const PROSE_BLOCKS = new Set(['paragraph', 'heading', 'tableCell']);
const SKIPPED_BLOCKS = new Set(['code', 'html', 'yaml']);

export default defineRule<Options>(
  {
    id: 'no-unresolved-citations',
    description:
      'Every footnote reference has a definition in the same file, and no stray rendered citation marker (`making3)`, `[12]`) is left in the text.',
    scope: 'file',
    version: 3,
    defaultSeverity: 'error',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
  },
  ({ tree, source, facts, report }) => {
    const lines = new LineIndex(source);
    const defined = new Map<string, string>();
    for (const definition of facts.footnotes.definitions) {
      if (!defined.has(definition.key)) defined.set(definition.key, definition.label);
    }
    const labels = [...defined.values()];
    const stubAt = source.length;
    const stubPrefix = source === '' || source.endsWith('\n\n') ? '' : source.endsWith('\n') ? '\n' : '\n\n';

    const suggestionCache = new Map<string, { close: string | undefined; reachable: number }>();
    /** The closest defined label, and how many defined labels are within reach at all; once per distinct label. */
    const suggestionFor = (label: string) => {
      let cached = suggestionCache.get(label);
      if (cached) return cached;
      const close = closest(label, labels);
      const reachable = close === undefined ? 0 : labels.filter((candidate) => closest(label, [candidate]) !== undefined).length;
      cached = { close, reachable };
      suggestionCache.set(label, cached);
      return cached;
    };

    const reportReference = (label: string, start: number, end: number) => {
      const written = `[^${label}]`;
      const { close, reachable } = suggestionFor(label);
      if (close !== undefined) {
        // Certain only when no other defined label is within reach either.
        report({
          message: `Unexpected undefined footnote \`${written}\`, did you mean \`[^${close}]\`?`,
          range: rangeOf(lines, start, end),
          expected: [close],
          suggestions: [{ title: `Replace with \`[^${close}]\``, edits: [{ start, end, text: `[^${close}]` }], certain: reachable === 1 }],
        });
        return;
      }
      report({
        message: `Unexpected undefined footnote \`${written}\`, expected a definition \`${written}: <source>\` in this file`,
        range: rangeOf(lines, start, end),
        suggestions: [
          {
            title: `Add a stub definition \`${written}: TODO\` at the end of the file`,
            edits: [{ start: stubAt, end: stubAt, text: `${stubPrefix}${written}: TODO\n` }],
            certain: false,
          },
        ],
      });
    };

    const reportMarker = (marker: string, number: string, start: number, end: number) => {
      const reference = `[^${number}]`;
      const suggestions: Suggestion[] = [];
      if (defined.has(footnoteKey(number))) {
        suggestions.push({ title: `Replace with \`${reference}\``, edits: [{ start, end, text: reference }], certain: false });
      }
      suggestions.push({ title: `Remove \`${marker}\``, edits: [{ start, end, text: '' }], certain: false });
      report({
        message: `Unexpected stray citation marker \`${marker}\`, expected a footnote reference such as \`${reference}\` with a definition, or no marker`,
        range: rangeOf(lines, start, end),
        expected: [reference],
        suggestions,
      });
    };

    const checkProse = (block: Parents) => {
      const segments = textSegments(block, source);
      // `[[1]](https://…)` is a link whose text is `[1]`: a working citation,
      // not a stray one. Collected when a bracketed numeral is first found.
      let links: Array<[number, number]> | undefined;
      // Matches come in source order, so one pointer walks the (sorted, non-nested) links once.
      let link = 0;
      const inLink = (offset: number) => {
        if (!links) collectLinks(block, (links = []));
        while (link < links.length && (links[link] as [number, number])[1] <= offset) link++;
        const current = links[link];
        return current !== undefined && offset >= current[0];
      };
      for (const segment of segments) {
        // Both patterns start with a bracket; most text has none.
        if (!segment.raw.includes('[')) continue;
        for (const match of segment.raw.matchAll(FOOTNOTE_CALL)) {
          const at = match.index;
          if (isEscaped(segment.raw, at)) continue;
          const label = match[1] as string;
          // A defined label is a `footnoteReference` node, never text; this
          // only guards against a parser that leaves one as text anyway.
          if (defined.has(footnoteKey(label))) continue;
          reportReference(label, segment.offset + at, segment.offset + at + match[0].length);
        }
        for (const match of segment.raw.matchAll(BRACKETED_NUMERAL)) {
          const at = match.index;
          const before = segment.raw[at - 1];
          const after = segment.raw[at + match[0].length];
          // `[[12]]` is a wiki link, `\[12]` is literal on purpose, `[12]:` is a hand-made footnote's own
          // label, and `anaconda[23]-5.3` is a glob: a citation marker ends where a word would.
          if (before === '[' || after === ']' || after === ':' || isEscaped(segment.raw, at)) continue;
          const end = at + match[0].length;
          if (gluedAfter(segment.raw, end)) continue;
          const start = segment.offset + at;
          if (inLink(start)) continue;
          reportMarker(match[0], match[1] as string, start, start + match[0].length);
        }
      }
      for (const marker of unbalancedMarkers(segments)) reportMarker(marker.text, marker.number, marker.start, marker.end);
    };

    const walk = (node: Nodes) => {
      if (SKIPPED_BLOCKS.has(node.type)) return;
      if (PROSE_BLOCKS.has(node.type)) {
        checkProse(node as Parents);
        return;
      }
      if ('children' in node) for (const child of node.children) walk(child as Nodes);
    };
    walk(tree);
  },
);

function collectLinks(node: Nodes, links: Array<[number, number]>): void {
  if ((node.type === 'link' || node.type === 'linkReference') && node.position?.start.offset !== undefined && node.position.end.offset !== undefined) {
    links.push([node.position.start.offset, node.position.end.offset]);
    return;
  }
  if ('children' in node) for (const child of node.children) collectLinks(child as Nodes, links);
}

/** `[23]-5.3.1`, `[12].txt`: the brackets are part of a word, path or glob, not a citation after one. */
function gluedAfter(text: string, end: number): boolean {
  const next = text[end];
  if (next === undefined) return false;
  if (GLUED_AFTER.test(next)) return true;
  const afterDot = text[end + 1];
  return next === '.' && afterDot !== undefined && GLUED_AFTER.test(afterDot);
}

interface Marker {
  text: string;
  number: string;
  start: number;
  end: number;
}

/**
 * `3)` glued to the end of a word, with no open `(` before it in the same
 * block: what is left when a rendered superscript citation is copied as
 * text. One pass over the block's text, counting parentheses across text
 * nodes (emphasis and links split a paragraph into several), so `(see 3)`,
 * `(GPT-4)` and `(on an H100)` are balanced and never reported.
 */
export function unbalancedMarkers(segments: TextSegment[]): Marker[] {
  const markers: Marker[] = [];
  let open = 0;
  for (const segment of segments) {
    const raw = segment.raw;
    // From parenthesis to parenthesis with native searches: most text has few.
    let nextOpen = raw.indexOf('(');
    let i = raw.indexOf(')');
    while (i !== -1) {
      if (nextOpen !== -1 && nextOpen < i) {
        open++;
        nextOpen = raw.indexOf('(', nextOpen + 1);
        continue;
      }
      const close = i;
      i = raw.indexOf(')', close + 1);
      if (open > 0) {
        open--;
        continue;
      }
      let digits = 0;
      while (digits < 4 && isDigit(raw.charCodeAt(close - digits - 1))) digits++;
      if (digits === 0 || digits > 3) continue;
      const wordEnd = raw[close - digits - 1];
      if (wordEnd === undefined || !LETTER.test(wordEnd)) continue;
      const start = close - digits;
      markers.push({ text: raw.slice(start, close + 1), number: raw.slice(start, close), start: segment.offset + start, end: segment.offset + close + 1 });
    }
    for (; nextOpen !== -1; nextOpen = raw.indexOf('(', nextOpen + 1)) open++;
  }
  return markers;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** An odd run of backslashes before `at` escapes the character there. */
function isEscaped(text: string, at: number): boolean {
  let count = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/** GFM compares footnote labels case-insensitively with whitespace collapsed (as `@kblint/core` does for facts). */
