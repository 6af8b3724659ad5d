import type { Nodes, Root, Text } from 'mdast';
import { SKIP, visit } from 'unist-util-visit';

export interface TextSegment {
  node: Text;
  /** The text as written in the source (escapes and entities included). */
  raw: string;
  /** Offset of `raw` in the source. */
  offset: number;
}

/**
 * Every text node outside code, with its raw source. Scanners for syntax the
 * parser leaves as text (wiki links, undefined `[^x]`, stray `3)` markers)
 * work on the raw source so that their offsets are exact.
 */
export function textSegments(tree: Root | Nodes, source: string): TextSegment[] {
  const segments: TextSegment[] = [];
  visit(tree, (node) => {
    if (node.type === 'code' || node.type === 'inlineCode' || node.type === 'html' || node.type === 'yaml') {
      return SKIP;
    }
    if (node.type === 'text') {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start === undefined || end === undefined) return;
      segments.push({ node, raw: source.slice(start, end), offset: start });
    }
    return undefined;
  });
  return segments;
}
