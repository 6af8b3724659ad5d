/**
 * Block containers (block quotes and list items) deeper than this are not
 * parsed. micromark's cost grows with the square of the depth and more, and
 * tree walkers recurse once per level: 10,000 levels take minutes and then
 * overflow the stack. Real articles stay under ten.
 */
export const MAX_NESTING = 100;

export interface NestingExcess {
  depth: number;
  /** 0-based offset of the marker that opens the first level too many. */
  offset: number;
}

/**
 * Finds where block nesting could first exceed `limit`, in one linear pass
 * over the lines, before anything is parsed. It over-counts rather than
 * under-counts, so no input gets past it: on any line, each container the
 * parser can have open is either opened there by a marker (`>`, `-`, `+`,
 * `*`, `1.`, `1)`) or continued by at least two columns of indentation (a
 * list item's content column is at least two past its parent's). So the
 * depth is at most the markers plus half the remaining indentation. Only lines indented
 * by about 200 columns or more can be counted too deep.
 */
export function findExcessiveNesting(source: string, limit = MAX_NESTING): NestingExcess | undefined {
  let i = 0;
  while (i < source.length) {
    let markers = 0;
    let whitespace = 0;
    for (;;) {
      const char = source[i];
      if (char === ' ') {
        whitespace++;
        i++;
        continue;
      }
      if (char === '\t') {
        whitespace += 4;
        i++;
        continue;
      }
      const markerEnd = markerEndAt(source, i);
      if (markerEnd === -1) break;
      markers++;
      // The one space a list marker needs is part of it, not indentation.
      if (source[i] !== '>' && source[markerEnd] === ' ') i = markerEnd + 1;
      else i = markerEnd;
      const depth = markers + Math.floor(whitespace / 2);
      if (depth > limit) return { depth, offset: markerEnd - 1 };
    }
    const lineEnd = source.indexOf('\n', i);
    if (lineEnd === -1) break;
    i = lineEnd + 1;
  }
  return undefined;
}

/** End of a container marker at `i` (`>`, or `-`, `+`, `*`, `1.`, `1)` before a space), or -1. */
function markerEndAt(source: string, i: number): number {
  const char = source[i];
  if (char === '>') return i + 1;
  let end = -1;
  if (char === '-' || char === '+' || char === '*') {
    end = i + 1;
  } else {
    let k = i;
    while (k - i < 9 && source.charCodeAt(k) >= 48 && source.charCodeAt(k) <= 57) k++;
    if (k > i && (source[k] === '.' || source[k] === ')')) end = k + 1;
  }
  if (end === -1) return -1;
  const next = source[end];
  return next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r' ? end : -1;
}
