import type { Nodes, Root, Text } from 'mdast';

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
  // A plain walk in document order: it runs on every block of every file,
  // and unist-util-visit's parent stacks cost more than the scan itself.
  const walk = (node: Nodes): void => {
    const type = node.type;
    if (type === 'code' || type === 'inlineCode' || type === 'html' || type === 'yaml') return;
    if (type === 'text') {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start !== undefined && end !== undefined) segments.push({ node, raw: source.slice(start, end), offset: start });
      return;
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree as Nodes);
  return segments;
}
