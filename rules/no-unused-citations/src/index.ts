import { defineRule, footnoteKey, footnoteLabelRange, LineIndex } from '@kblint/rule-kit';
import type { FootnoteDefinition, Nodes } from 'mdast';

// Options are an empty object: the rule has nothing to configure yet.
export type Options = Record<string, never>;

export default defineRule<Options>(
  {
    id: 'no-unused-citations',
    description: 'Every footnote definition is referenced from the text or from another footnote.',
    scope: 'file',
    version: 1,
    // An unused definition is invisible on the rendered page (GFM drops it),
    // so nothing the reader sees is wrong: a warning, not an error.
    defaultSeverity: 'warn',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
  },
  ({ tree, source, report }) => {
    const lines = new LineIndex(source);
    const definitions: FootnoteDefinition[] = [];
    /** Keys referenced from the text or from a definition other than their own. */
    const used = new Set<string>();

    const walk = (node: Nodes, inside: string | undefined) => {
      if (node.type === 'footnoteReference') {
        const key = footnoteKey(node.identifier);
        // A footnote that only cites itself is still unreachable from the text.
        if (key !== inside) used.add(key);
        return;
      }
      let within = inside;
      if (node.type === 'footnoteDefinition') {
        definitions.push(node);
        within = footnoteKey(node.identifier);
      }
      if ('children' in node) for (const child of node.children) walk(child as Nodes, within);
    };
    walk(tree, undefined);

    const seen = new Set<string>();
    for (const definition of definitions) {
      const key = footnoteKey(definition.identifier);
      // A second definition of a label is `no-duplicate-citations`' finding, not an unused one.
      if (seen.has(key)) continue;
      seen.add(key);
      if (used.has(key)) continue;
      const label = `[^${definition.label ?? definition.identifier}]`;
      const start = definition.position?.start.offset;
      const end = definition.position?.end.offset;
      report({
        message: `Unexpected unused footnote definition \`${label}\`, expected a reference \`${label}\` in the text, or no definition`,
        ...(start !== undefined ? { range: footnoteLabelRange(source, lines, start) } : { node: definition }),
        ...(start !== undefined && end !== undefined
          ? { suggestions: [{ title: `Remove the definition \`${label}\``, edits: [removal(source, start, end)], certain: false }] }
          : {}),
      });
    }
  },
);

/** `[^label]:`, where a definition starts; the rest may run over many lines. */

/** Removes the definition with its line break, so no blank line is left behind. */
function removal(source: string, start: number, end: number) {
  const after = source.startsWith('\r\n', end) ? end + 2 : source[end] === '\n' ? end + 1 : end;
  return { start, end: after, text: '' };
}

/** GFM compares footnote labels case-insensitively with whitespace collapsed (as `@kblint/core` does for facts). */
