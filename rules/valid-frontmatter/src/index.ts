import { defineRule } from '@kblint/rule-kit';

export interface Options {
  /** Keys every article must have. */
  required: string[];
}

/** Keys whose value must be a list of strings when present. */
const LIST_KEYS = ['tags', 'aliases'];
/** Keys whose value must be a non-empty string when present. */
const STRING_KEYS = ['title', 'category'];

export default defineRule<Options>(
  {
    id: 'valid-frontmatter',
    description: 'Every article opens with YAML frontmatter that parses to a mapping with the required keys of the right types.',
    scope: 'file',
    version: 1,
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        required: { type: 'array', items: { type: 'string' }, default: ['title', 'category'] },
      },
    },
    defaults: { required: ['title', 'category'] },
  },
  ({ facts, source, options, report }) => {
    const frontmatter = facts.frontmatter;
    if (!frontmatter.present) {
      const firstLine = source.slice(0, source.search(/\r?\n|$/));
      if (/^---\s*$/.test(firstLine)) {
        report({
          message: 'Unexpected unclosed frontmatter, expected a closing `---` line',
          range: { start: { line: 1, column: 1 }, end: { line: 1, column: firstLine.length + 1 } },
        });
      } else {
        report({
          message: `Unexpected missing frontmatter, expected a \`---\` block with ${list(options.required)} at the start of the file`,
          range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
        });
      }
      return;
    }
    const block = frontmatter.range ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 4 } };
    const opening = { start: block.start, end: { line: block.start.line, column: 4 } };
    if (frontmatter.error) {
      report({ message: `Unexpected invalid YAML in frontmatter: ${frontmatter.error.message}`, range: frontmatter.error.range });
      return;
    }
    const data = frontmatter.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      const kind = data === null || data === undefined ? 'empty frontmatter' : `frontmatter of type ${typeName(data)}`;
      report({ message: `Unexpected ${kind}, expected a mapping with ${list(options.required)}`, range: opening });
      return;
    }
    const record = data as Record<string, unknown>;
    for (const key of options.required) {
      if (!(key in record) || record[key] === null) {
        report({ message: `Unexpected missing key \`${key}\` in frontmatter, expected \`${key}: …\``, range: opening });
      }
    }
    for (const key of STRING_KEYS) {
      const value = record[key];
      const at = frontmatter.keys[key]?.valueRange ?? opening;
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string') {
        report({ message: `Unexpected \`${key}\` of type ${typeName(value)}, expected a string`, range: at });
      } else if (value.trim() === '') {
        report({ message: `Unexpected empty \`${key}\`, expected text`, range: at });
      }
    }
    for (const key of LIST_KEYS) {
      const value = record[key];
      const facts = frontmatter.keys[key];
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) {
        report({
          message: `Unexpected \`${key}\` of type ${typeName(value)}, expected a list of strings`,
          range: facts?.valueRange ?? opening,
        });
        continue;
      }
      value.forEach((item, i) => {
        if (typeof item !== 'string') {
          report({
            message: `Unexpected ${typeName(item)} in \`${key}\`, expected a string`,
            range: facts?.items?.[i] ?? facts?.valueRange ?? opening,
          });
        }
      });
    }
  },
);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'date';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

function list(keys: string[]): string {
  return keys.map((key) => `\`${key}\``).join(' and ') || 'keys';
}
