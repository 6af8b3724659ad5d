import {
  closest,
  defineRule,
  normalizeForMatch,
  trimEnd,
  type ArticleFacts,
  type Range,
  type Suggestion,
  type Taxonomy,
  type TaxonomyCategory,
} from '@kblint/rule-kit';

export interface Options {
  /** An article must live in `<content>/<category slug>/`. */
  enforceFolders: boolean;
}

/** Category names listed in a message before it is cut short. */
const LISTED_CATEGORIES = 10;

export default defineRule<Options>(
  {
    id: 'valid-taxonomy',
    description: "An article's category and tags come from the taxonomy, and the article lives in its category's folder.",
    scope: 'file',
    version: 1,
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enforceFolders: { type: 'boolean', default: true },
      },
    },
    defaults: { enforceFolders: true },
  },
  ({ facts, source, taxonomy, options, report, readYaml }) => {
    // Missing or broken frontmatter is valid-frontmatter's finding alone, and
    // without a taxonomy there is nothing to check against.
    const data = facts.frontmatter.data;
    if (!taxonomy || facts.unreadable || !facts.frontmatter.present || facts.frontmatter.error) return;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
    const record = data as Record<string, unknown>;

    const categoryKey = facts.frontmatter.keys.category;
    if (typeof record.category === 'string' && record.category.trim() !== '' && categoryKey && taxonomy.categories.length) {
      const written = record.category;
      const at = categoryKey.valueRange;
      const category = taxonomy.categories.find((c) => c.name === written || c.slug === written);
      if (!category) {
        const match = closestCategory(written, taxonomy.categories);
        const edit = match === undefined ? undefined : replaceScalar(source, at, written, match, readYaml);
        report({
          message: match
            ? `Unexpected unknown category \`${written}\`, did you mean \`${match}\`?`
            : `Unexpected unknown category \`${written}\`, expected one of ${listCategories(taxonomy.categories)}`,
          range: at,
          ...(match ? { expected: [match] } : {}),
          ...(edit ? { suggestions: [{ title: `Replace with \`${match}\``, edits: [edit], certain: true }] } : {}),
        });
      } else if (options.enforceFolders && facts.inContent && facts.folder !== category.slug) {
        const expected = expectedPath(facts, category.slug);
        const here = facts.folder ? `\`${contentName(facts)}/${facts.folder}/\`` : `the root of \`${contentName(facts)}/\``;
        report({
          message: `Unexpected file in ${here} for category \`${category.name}\`, expected \`${expected}\``,
          range: at,
          expected: [expected],
        });
      }
    }

    const tags = record.tags;
    const tagsKey = facts.frontmatter.keys.tags;
    if (!Array.isArray(tags) || !tagsKey) return;
    const allowed = taxonomy.tags ? new Set(taxonomy.tags) : undefined;
    const deprecated = taxonomy.deprecatedTags ?? {};
    tags.forEach((tag: unknown, i) => {
      if (typeof tag !== 'string') return;
      const at = tagsKey.items?.[i] ?? tagsKey.valueRange;
      if (Object.hasOwn(deprecated, tag)) {
        const replacement = deprecated[tag] as string;
        if (tags.includes(replacement)) {
          report({
            message: `Unexpected deprecated tag \`${tag}\`, expected \`${replacement}\` (already listed: remove \`${tag}\`)`,
            range: at,
            expected: [replacement],
          });
          return;
        }
        const edit = replaceScalar(source, at, tag, replacement, readYaml);
        report({
          message: `Unexpected deprecated tag \`${tag}\`, expected \`${replacement}\``,
          range: at,
          expected: [replacement],
          ...(edit ? { suggestions: [{ title: `Replace with \`${replacement}\``, edits: [edit], certain: true }] } : {}),
        });
      } else if (allowed && !allowed.has(tag)) {
        const match = closest(tag, allowed);
        const edit = match === undefined ? undefined : replaceScalar(source, at, tag, match, readYaml);
        report({
          message: match
            ? `Unexpected unknown tag \`${tag}\`, did you mean \`${match}\`?`
            : `Unexpected unknown tag \`${tag}\`, expected a tag listed in the taxonomy's \`tags\``,
          range: at,
          ...(match ? { expected: [match] } : {}),
          // A tag list is long and tags are short, so a close tag is offered, not applied.
          ...(edit ? { suggestions: [{ title: `Replace with \`${match}\``, edits: [edit], certain: false } satisfies Suggestion] } : {}),
        });
      }
    });
  },
);

/**
 * The closest category name or slug. A slug that normalises to its own name
 * (`reasoning` for `Reasoning`) would tie with it, so it is left out; when
 * names and slugs still tie, a suggestion is only made if both point at the
 * same category.
 */
function closestCategory(written: string, categories: TaxonomyCategory[]): string | undefined {
  const candidates: string[] = [];
  for (const category of categories) {
    candidates.push(category.name);
    if (normalizeForMatch(category.slug) !== normalizeForMatch(category.name)) candidates.push(category.slug);
  }
  const best = closest(written, candidates);
  if (best !== undefined) return best;
  const byName = closest(written, categories.map((c) => c.name));
  const bySlug = closest(written, categories.map((c) => c.slug));
  const owner = (value: string | undefined) => categories.find((c) => c.name === value || c.slug === value);
  if (byName !== undefined && bySlug !== undefined && owner(byName) === owner(bySlug)) return byName;
  return undefined;
}

function listCategories(categories: Taxonomy['categories']): string {
  const names = categories.slice(0, LISTED_CATEGORIES).map((c) => `\`${c.name}\``);
  return `${names.join(', ')}${categories.length > LISTED_CATEGORIES ? ', …' : ''} (by name or slug)`;
}

/** The content root's folder name, as the user sees it in paths. */
function contentName(facts: ArticleFacts): string {
  const root = trimEnd(facts.path.slice(0, facts.path.length - facts.relPath.length), '\\/');
  return root.split(/[\\/]/).pop() || '.';
}

function expectedPath(facts: ArticleFacts, slug: string): string {
  const rest = facts.folder ? facts.relPath.slice(facts.folder.length + 1) : facts.relPath;
  return `${contentName(facts)}/${slug}/${rest}`;
}

/**
 * An edit that replaces a YAML scalar with `value`, in the scalar's own
 * quoting style so the frontmatter stays valid YAML. No edit when the range
 * is not a one-line scalar holding `current` (a block scalar, a tagged value).
 */
function replaceScalar(source: string, range: Range, current: string, value: string, readYaml: (text: string) => unknown) {
  const start = range.start.offset;
  const end = range.end.offset;
  if (start === undefined || end === undefined) return undefined;
  const written = source.slice(start, end);
  if (written.includes('\n')) return undefined;
  let text: string;
  if (written.startsWith("'")) {
    if (written !== `'${current.replace(/'/g, "''")}'`) return undefined;
    text = `'${value.replace(/'/g, "''")}'`;
  } else if (written.startsWith('"')) {
    if (parseDoubleQuoted(written, readYaml) !== current) return undefined;
    text = JSON.stringify(value);
  } else {
    if (written !== current) return undefined;
    text = isPlainSafe(value, readYaml) ? value : JSON.stringify(value);
  }
  return { start, end, text };
}

function parseDoubleQuoted(written: string, readYaml: (text: string) => unknown): unknown {
  return (readYaml(`v: ${written}`) as { v?: unknown } | undefined)?.v;
}

/**
 * Can `value` be written unquoted and read back as the same string, both as a
 * mapping value and as an item of a `[...]` list (which may span lines)?
 */
function isPlainSafe(value: string, readYaml: (text: string) => unknown): boolean {
  if (value.trim() !== value || value === '') return false;
  const inBlock = (readYaml(`v: ${value}`) as { v?: unknown } | undefined)?.v;
  const inFlow = (readYaml(`[${value}]`) as unknown[] | undefined)?.[0];
  return inBlock === value && inFlow === value;
}
