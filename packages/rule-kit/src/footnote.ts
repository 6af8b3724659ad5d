import type { LineIndex } from './position.js';
import { rangeOf } from './position.js';
import type { Range } from './types.js';

/** A footnote label as GFM compares it: whitespace collapsed, case folded. */
export function footnoteKey(label: string): string {
  // Printable ASCII without spaces (nearly every label): only the case to fold.
  for (let i = 0; i < label.length; i++) {
    const code = label.charCodeAt(i);
    if (code <= 32 || code >= 127) return label.replace(/[\t\n\r ]+/g, ' ').trim().toLowerCase().toUpperCase();
  }
  return label.toUpperCase();
}

/**
 * The range of a footnote definition's `[^label]:` starting at `start`: up to
 * and including the colon, or to the end of the line when it is not there.
 */
export function footnoteLabelRange(source: string, lines: LineIndex, start: number): Range {
  const close = source.indexOf(']:', start);
  const lineEnd = source.indexOf('\n', start);
  const end = close !== -1 && (lineEnd === -1 || close < lineEnd) ? close + 2 : lineEnd === -1 ? source.length : lineEnd;
  return rangeOf(lines, start, end);
}
