import type { ArticleFacts, LinkFacts, Range, RelatedLocation, ReportInput, Suggestion } from '@kblint/rule-kit';
import { defineRule, trimEnd } from '@kblint/rule-kit';

export type Options = Record<string, never>;

const START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

export default defineRule<Options>(
  {
    id: 'no-dangling-links',
    description:
      'Every link reaches an existing article, file and anchor: relative, site-absolute, same-file and wiki links, checked against the whole knowledge base.',
    scope: 'index',
    // 2: `![[file]]` embeds and folder links resolve. 3: `#top`,
    // `#user-content-…` and footnote anchors exist. The version is part of
    // the cache key, so findings cached before those changes are not reused.
    version: 3,
    optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
    defaults: {},
  },
  ({ facts, index, report }) => {
    if (!index) return;
    for (const link of facts.links) {
      const resolution = index.resolveLink(facts, link);
      switch (resolution.status) {
        case 'ok':
        case 'external':
          break;
        case 'outside-repo':
          report({
            message: `Unexpected link \`${writtenPath(link)}\` leaving the repository, expected a path inside it`,
            range: link.range,
          });
          break;
        case 'ambiguous': {
          const ids = resolution.candidates.map((candidate) => candidate.id);
          report({
            message: `Unexpected ambiguous wiki link \`${link.target ?? ''}\`, expected one of ${ids.map(code).join(', ')}`,
            range: link.range,
            expected: ids,
            related: resolution.candidates.map((candidate) => ({
              file: candidate.path,
              range: titleRange(candidate),
              message: `candidate \`${candidate.id}\``,
            })),
            suggestions: replacements(link.targetRange, ids, (id) => `Link to \`${id}\``, false),
          });
          break;
        }
        case 'missing-target':
          report(missingTarget(link, resolution.suggestions ?? []));
          break;
        case 'missing-anchor': {
          const target = resolution.target;
          const where = target.path === facts.path ? 'this file' : code(target.id);
          const related: RelatedLocation[] =
            target.path === facts.path ? [] : [{ file: target.path, range: titleRange(target), message: `the linked article \`${target.id}\`` }];
          const found = resolution.suggestions ?? [];
          if (link.kind === 'wiki') {
            report({
              message: `Unexpected missing heading \`${resolution.anchor}\` in ${where}, ${
                found[0] !== undefined ? `did you mean ${code(found[0])}?` : "expected a heading's text or anchor"
              }`,
              range: link.range,
              ...(found.length ? { expected: found } : {}),
              ...(related.length ? { related } : {}),
              suggestions: replacements(link.anchorRange, found, (heading) => `Link to heading \`${heading}\``),
            });
          } else {
            const anchors = found.map((anchor) => `#${anchor}`);
            report({
              message: `Unexpected missing anchor \`#${resolution.anchor}\` in ${where}, ${
                anchors[0] !== undefined ? `did you mean ${code(anchors[0])}?` : "expected a heading's anchor or an HTML `id`"
              }`,
              range: link.range,
              ...(anchors.length ? { expected: anchors } : {}),
              ...(related.length ? { related } : {}),
              suggestions: replacements(link.anchorRange, found, (anchor) => `Link to \`#${anchor}\``),
            });
          }
          break;
        }
      }
    }
  },
);

function missingTarget(link: LinkFacts, found: string[]): ReportInput {
  if (link.kind === 'wiki') {
    if ((link.target ?? '') === '') {
      return { message: 'Unexpected empty wiki link, expected `[[Target]]`', range: link.range };
    }
    if (link.image && found.length === 0 && /\.[a-z\d]+$/i.test(link.target ?? '') && !/\.md$/i.test(link.target ?? '')) {
      return {
        message: `Unexpected embed of missing file \`${link.target}\`, expected a file beside this article or under the content root`,
        range: link.range,
      };
    }
    return {
      message: `Unexpected wiki link to missing article \`${link.target}\`, ${
        found[0] !== undefined ? `did you mean ${code(found[0])}?` : 'expected the title, an alias, the file name or `category/file` of an article'
      }`,
      range: link.range,
      ...(found.length ? { expected: found } : {}),
      suggestions: replacements(link.targetRange, found, (name) => `Link to \`${name}\``),
    };
  }
  const written = writtenPath(link);
  const isArticle = found.length > 0 || isArticlePath(written, link.image);
  const what = isArticle ? 'article' : 'file';
  // An unbracketed destination cannot hold a space: encode it in the fix.
  const destinations = link.raw.includes(' ') ? found : found.map((value) => value.replace(/ /g, '%20'));
  return {
    message: `Unexpected missing ${what} \`${written}\`, ${
      destinations[0] !== undefined
        ? `did you mean ${code(destinations[0])}?`
        : isArticle
          ? 'expected the path of an existing article'
          : 'expected the path of an existing file'
    }`,
    range: link.range,
    ...(destinations.length ? { expected: destinations } : {}),
    suggestions: replacements(link.targetRange, destinations, (value) => `Link to \`${value}\``),
  };
}

/**
 * One edit per close match, rewriting just the part that is wrong. Only a
 * single close match is certain enough for `--fix`.
 */
function replacements(range: Range | undefined, values: string[], title: (value: string) => string, certain = values.length === 1): Suggestion[] {
  const start = range?.start.offset;
  const end = range?.end.offset;
  if (start === undefined || end === undefined) return [];
  return values.map((value) => ({ title: title(value), edits: [{ start, end, text: value }], certain }));
}

/** The path part of a Markdown destination as the author wrote it (no `#fragment`). */
function writtenPath(link: LinkFacts): string {
  const hash = link.raw.indexOf('#');
  return hash === -1 ? link.raw : link.raw.slice(0, hash);
}

function isArticlePath(written: string, image: boolean): boolean {
  if (image) return false;
  const base = trimEnd(written).split('/').pop() ?? '';
  return /\.md$/i.test(base) || !base.includes('.');
}

/** Where a linked article says what it is: its `title:` line, else its first heading. */
function titleRange(article: ArticleFacts): Range {
  return article.frontmatter.keys.title?.range ?? article.headings[0]?.range ?? START;
}

function code(value: string): string {
  return `\`${value}\``;
}
