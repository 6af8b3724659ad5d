import type { ArticleFacts, Range } from '@kblint/rule-kit';
import { defineRule } from '@kblint/rule-kit';

export type Options = Record<string, never>;

const START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** One name an article answers to, and where it is written. */
interface Name {
  field: 'title' | 'alias';
  value: string;
  range: Range;
}

export default defineRule<Options>(
  {
    id: 'no-duplicate-titles',
    description: 'No two articles share a title, and no title or alias of one article is a title or alias of another.',
    scope: 'index',
    version: 1,
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
  },
  ({ facts, index, report }) => {
    if (!index) return;
    // Where the names are written is looked up only for a duplicate: most
    // articles have none, and their frontmatter and headings are not read.
    let names: Name[] | undefined;
    nameValues(facts).forEach(({ value }, k) => {
      for (const other of index.findByTitle(value)) {
        if (other.path === facts.path) continue;
        const match = namesOf(other).find((candidate) => sameName(candidate.value, value));
        if (!match) continue;
        names ??= namesOf(facts);
        const name = names[k] as Name;
        const theirs = `${match.field === 'title' ? 'the title' : 'an alias'} of \`${other.id}\``;
        report({
          message: `Unexpected duplicate ${name.field} \`${name.value.trim()}\`: also ${theirs}, expected ${name.field === 'title' ? 'a title' : 'an alias'} no other article uses`,
          range: name.range,
          related: [{ file: other.path, range: match.range, message: theirs }],
        });
      }
    });
  },
);

/** The title and the aliases that are not blank, in the order `namesOf` gives them with their ranges. */
function nameValues(article: ArticleFacts): Array<Pick<Name, 'field' | 'value'>> {
  const values: Array<Pick<Name, 'field' | 'value'>> = [];
  if (article.title?.trim()) values.push({ field: 'title', value: article.title });
  for (const alias of article.aliases) if (alias.trim()) values.push({ field: 'alias', value: alias });
  return values;
}

/**
 * The title (from frontmatter, else the first `# heading`) and the aliases,
 * each with the range of its value. Title first, so that an article whose
 * title and alias both match names its title.
 */
function namesOf(article: ArticleFacts): Name[] {
  const names: Name[] = [];
  const keys = article.frontmatter.keys;
  if (article.title?.trim()) {
    const h1 = article.headings.find((heading) => heading.depth === 1 && heading.text === article.title);
    const range = keys.title?.valueRange ?? h1?.range ?? START;
    names.push({ field: 'title', value: article.title, range });
  }
  const items = keys.aliases?.items;
  article.aliases.forEach((alias, i) => {
    if (!alias.trim()) return;
    names.push({ field: 'alias', value: alias, range: items?.[aliasItemIndex(article, i)] ?? keys.aliases?.valueRange ?? START });
  });
  return names;
}

/**
 * `aliases` facts keep only the string items; find the i-th string among the
 * frontmatter items so a stray number before it does not shift the range.
 */
function aliasItemIndex(article: ArticleFacts, i: number): number {
  const data = article.frontmatter.data;
  const raw = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).aliases : undefined;
  if (!Array.isArray(raw)) return i;
  let seen = -1;
  for (let k = 0; k < raw.length; k++) {
    if (typeof raw[k] === 'string' && ++seen === i) return k;
  }
  return i;
}

/** Titles compare case-insensitively with whitespace collapsed, as wiki links match them. */
function sameName(a: string, b: string): boolean {
  return normalize(a) === normalize(b);
}

function normalize(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
