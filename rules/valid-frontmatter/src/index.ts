import { defineRule, type RuleContext } from '@kblint/rule-kit';

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
    version: 2,
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
      reportAbsent(source, options.required, report);
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
      if (!Object.hasOwn(record, key)) {
        report({ message: `Unexpected missing key \`${key}\` in frontmatter, expected \`${key}: …\``, range: opening });
      } else if (record[key] === null) {
        // `category:` with nothing after it: the key is there, its value is not.
        report({
          message: `Unexpected empty \`${key}\` in frontmatter, expected a value after \`${key}:\``,
          range: frontmatter.keys[key]?.range ?? opening,
        });
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

/**
 * No frontmatter was parsed. Says why when the cause is recognisable: a block
 * that is never closed (or closed with YAML's `...`), one that does not start
 * on the first line, or TOML's `+++`.
 */
function reportAbsent(source: string, required: string[], report: RuleContext<Options>['report']): void {
  const lines = source.split('\n', 200).map((line) => line.replace(/\r$/, ''));
  const first = lines[0] ?? '';
  const at = (line: number, text: string) => ({
    start: { line: line + 1, column: 1 },
    end: { line: line + 1, column: text.length + 1 },
  });
  if (first.trimEnd() === '---') {
    const dots = lines.findIndex((line, i) => i > 0 && line.trimEnd() === '...');
    if (dots !== -1) {
      report({ message: 'Unexpected `...` closing the frontmatter, expected `---`', range: at(dots, lines[dots] as string) });
    } else {
      report({ message: 'Unexpected unclosed frontmatter, expected a closing `---` line', range: at(0, first) });
    }
    return;
  }
  if (first.trimEnd() === '+++') {
    report({ message: 'Unexpected TOML frontmatter, expected YAML between `---` lines', range: at(0, first) });
    return;
  }
  const opening = lines.findIndex((line) => line.trim() !== '');
  const opened = opening !== -1 && (lines[opening] as string).trim() === '---';
  if (opened && lines.some((line, i) => i > opening && line.trimEnd() === '---')) {
    report({
      message: 'Unexpected frontmatter not at the start of the file, expected `---` at the start of the first line',
      range: at(opening, lines[opening] as string),
    });
    return;
  }
  report({
    message: `Unexpected missing frontmatter, expected a \`---\` block with ${list(required)} at the start of the file`,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  });
}

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
