import { defineRule, footnoteKey, footnoteLabelRange, LineIndex } from '@kblint/rule-kit';
import type { FootnoteDefinition, Nodes } from 'mdast';

// Options are an empty object: the rule has nothing to configure yet.
export type Options = Record<string, never>;

export default defineRule<Options>(
  {
    id: 'no-duplicate-citations',
    description: 'No footnote label is defined twice in a file.',
    scope: 'file',
    version: 1,
    // GFM renders only the first definition, so every reference to the label
    // silently shows the other source: an error.
    defaultSeverity: 'error',
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
  },
  ({ tree, source, file, report }) => {
    const lines = new LineIndex(source);
    const first = new Map<string, FootnoteDefinition>();

    const walk = (node: Nodes) => {
      if (node.type === 'footnoteDefinition') check(node);
      if ('children' in node) for (const child of node.children) walk(child as Nodes);
    };

    const check = (definition: FootnoteDefinition) => {
      const key = footnoteKey(definition.identifier);
      const original = first.get(key);
      if (!original) {
        first.set(key, definition);
        return;
      }
      const label = `[^${definition.label ?? definition.identifier}]`;
      const firstLabel = `[^${original.label ?? original.identifier}]`;
      const start = definition.position?.start.offset;
      const end = definition.position?.end.offset;
      const firstStart = original.position?.start.offset;
      const firstLine = original.position?.start.line;
      const spelled = firstLabel === label ? '' : ` as \`${firstLabel}\``;
      const where = firstLine !== undefined ? ` on line ${firstLine}` : '';
      const same = start !== undefined && end !== undefined && firstStart !== undefined && original.position !== undefined
        ? body(source, start, end) === body(source, firstStart, original.position.end.offset ?? firstStart)
        : false;
      report({
        message: `Unexpected second definition of footnote \`${label}\`, expected one definition per label (first defined${spelled}${where})`,
        ...(start !== undefined ? { range: footnoteLabelRange(source, lines, start) } : { node: definition }),
        ...(firstStart !== undefined
          ? { related: [{ file: file.path, range: footnoteLabelRange(source, lines, firstStart), message: `First definition of \`${firstLabel}\`` }] }
          : {}),
        ...(start !== undefined && end !== undefined
          ? {
              suggestions: [
                {
                  // Removing an exact copy loses nothing; otherwise a person must choose.
                  title: same ? `Remove the repeated definition \`${label}\`` : `Remove this definition of \`${label}\``,
                  edits: [removal(source, start, end)],
                  certain: same,
                },
              ],
            }
          : {}),
      });
    };
    walk(tree);
  },
);

/** The definition's text after its label, with whitespace collapsed: equal bodies are copies. */
function body(source: string, start: number, end: number): string {
  const text = source.slice(start, end);
  const close = text.indexOf(']:');
  return (close === -1 ? text : text.slice(close + 2)).replace(/\s+/g, ' ').trim();
}

/** `[^label]:`, where a definition starts; the rest may run over many lines. */

/** Removes the definition with its line break, so no blank line is left behind. */
function removal(source: string, start: number, end: number) {
  const after = source.startsWith('\r\n', end) ? end + 2 : source[end] === '\n' ? end + 1 : end;
  return { start, end: after, text: '' };
}

/** GFM compares footnote labels case-insensitively with whitespace collapsed (as `@kblint/core` does for facts). */
