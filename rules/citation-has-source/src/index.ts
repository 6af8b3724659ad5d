import { defineRule, footnoteLabelRange, LineIndex, rangeOf, textSegments, type Range, type Suggestion } from '@kblint/rule-kit';
import type { FootnoteDefinition, Nodes } from 'mdast';

export interface Options {
  /** Also require a URL, DOI, ISBN or arXiv id in every definition, and check that URLs and DOIs are well formed. */
  requireLocator: boolean;
}

/**
 * What authors write while the source is still to be found. Compared with
 * the definition's whole text, ignoring case, surrounding brackets, emphasis
 * markers and a trailing `:` or `.`.
 */
const PLACEHOLDER = /^(?:todo|tbd|tba|fixme|xxx|\?+|citation needed|source needed|…|\.{3})$/;
/** `TODO: find the paper` is a note to self, not a source. */
const NOTE_TO_SELF = /^(?:TODO|TBD|FIXME)\b\s*[:-]/;

/** Something that starts like a web address, well formed or not: `https://`, `https:/`, `http//`. */
const URL_LIKE = /\bhttps?(?::|\/\/)[^\s<>]*/gi;
/**
 * A DOI named as one: `doi:…`, `doi.org/…`, `DOI …`. The value is checked
 * separately. Without a colon only upper-case `DOI` counts: `Doi 2019` is
 * more likely an author than an identifier.
 */
const DOI_MENTION = /\b(?:[Dd][Oo][Ii](?::\s*|\.org\/)|DOI\s+(?=\d))([^\s<>]*)/g;
/** A bare DOI (Crossref's pattern): counts as a locator without the `doi:` prefix. */
const DOI = /^10\.\d{4,9}\/\S+$/;
const BARE_DOI = /\b10\.\d{4,9}\/[^\s<>]+/;
const ISBN = /\bISBN(?:-1[03])?:?\s*([\dXx][\dXx -]*)/gi;
const ARXIV = /\barXiv:\s?(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?/i;
/** Sentence punctuation that follows an address in prose rather than belonging to it. */
const TRAILING = new Set('.,;:!?\'"*_');
const LEADING_WRAPPERS = new Set(' \t\n[]()*_');
const TRAILING_WRAPPERS = new Set(' \t\n[]()*_:');

export default defineRule<Options>(
  {
    id: 'citation-has-source',
    description: 'Every footnote definition names a source: not empty, not a placeholder such as `TODO`, and with `requireLocator` a well-formed URL, DOI, ISBN or arXiv id.',
    scope: 'file',
    version: 2,
    // A placeholder renders as the citation itself: the reader sees `TODO`.
    defaultSeverity: 'error',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        requireLocator: { type: 'boolean', default: false },
      },
    },
    defaults: { requireLocator: false },
  },
  ({ tree, source, options, report }) => {
    // Lines are indexed when a finding needs a position: most definitions have a source.
    let lineIndex: LineIndex | undefined;
    const lines = (): LineIndex => (lineIndex ??= new LineIndex(source));

    const check = (definition: FootnoteDefinition) => {
      const label = `[^${definition.label ?? definition.identifier}]`;
      const start = definition.position?.start.offset;
      const where = () => (start !== undefined ? { range: footnoteLabelRange(source, lines(), start) } : { node: definition });
      const hasLinks = contains(definition, (node) => node.type === 'link' || node.type === 'image' || node.type === 'linkReference');
      if (!hasLinks) {
        const raw = plainText(definition);
        // Nothing but whitespace (what `\s` and `trim` both mean).
        if (!/\S/.test(raw)) {
          report({ message: `Unexpected empty footnote definition \`${label}\`, expected a source: author, title, year and a URL or DOI`, ...where() });
          return;
        }
        if (allPlaceholders(definition, raw)) {
          const text = raw.replace(/\s+/g, ' ').trim();
          report({
            message: `Unexpected placeholder \`${text}\` in footnote definition \`${label}\`, expected a source: author, title, year and a URL or DOI`,
            ...contentRange(definition, lines(), where()),
          });
          return;
        }
      }
      if (options.requireLocator) checkLocators(definition, label, where());
    };

    const checkLocators = (definition: FootnoteDefinition, label: string, at: { range: Range } | { node: Nodes }) => {
      let found = false;
      const malformed: Array<{ message: string; start: number; end: number; expected?: string; repaired?: string }> = [];

      const consider = (value: string, start: number | undefined) => {
        for (const match of value.matchAll(URL_LIKE)) {
          const url = trimUrl(match[0]);
          if (url === '') continue;
          if (isWellFormedUrl(url)) {
            found = true;
          } else if (start !== undefined) {
            const repaired = repairUrl(url);
            malformed.push({
              message: `Unexpected malformed URL \`${url}\` in footnote definition \`${label}\`, expected ${repaired ? `\`${repaired}\`` : 'a URL such as `https://example.org/paper`'}`,
              start: start + match.index,
              end: start + match.index + url.length,
              ...(repaired ? { expected: repaired, repaired } : {}),
            });
          }
        }
        for (const match of value.matchAll(DOI_MENTION)) {
          const doi = trimEnd(match[1] as string, TRAILING);
          if (DOI.test(doi)) {
            found = true;
          } else if (start !== undefined) {
            const shown = trimEnd(match[0], TRAILING);
            malformed.push({
              message: `Unexpected malformed DOI \`${shown}\` in footnote definition \`${label}\`, expected \`10.<registrant>/<suffix>\` such as \`doi:10.1000/xyz123\``,
              start: start + match.index,
              end: start + match.index + shown.length,
            });
          }
        }
        if (BARE_DOI.test(value) || ARXIV.test(value)) found = true;
        for (const match of value.matchAll(ISBN)) {
          const digits = (match[1] as string).replace(/[ -]/g, '');
          if (/^(?:\d{9}[\dXx]|\d{13})$/.test(digits)) found = true;
        }
      };

      // Link destinations are checked where they are written; the link's text is prose and is not.
      const links: Array<{ start: number; end: number }> = [];
      walkNodes(definition, (node) => {
        if (node.type !== 'link' && node.type !== 'image') return;
        const start = node.position?.start.offset;
        const end = node.position?.end.offset;
        if (start === undefined || end === undefined) {
          consider(node.url, undefined);
          return;
        }
        links.push({ start, end });
        const at = source.slice(start, end).lastIndexOf(node.url);
        consider(node.url, at === -1 ? undefined : start + at);
      });
      // Segments and links are both in source order: one pointer walks the links once.
      let link = 0;
      for (const segment of textSegments(definition, source)) {
        while (link < links.length && (links[link] as { end: number }).end <= segment.offset) link++;
        const current = links[link];
        if (current && segment.offset >= current.start) continue;
        consider(segment.raw, segment.offset);
      }

      for (const problem of malformed) {
        const suggestions: Suggestion[] = problem.repaired
          ? [{ title: `Replace with \`${problem.repaired}\``, edits: [{ start: problem.start, end: problem.end, text: problem.repaired }], certain: false }]
          : [];
        report({
          message: problem.message,
          range: rangeOf(lines(), problem.start, problem.end),
          ...(problem.expected ? { expected: [problem.expected] } : {}),
          ...(suggestions.length ? { suggestions } : {}),
        });
      }
      if (!found && malformed.length === 0) {
        report({ message: `Unexpected footnote definition \`${label}\` without a locator, expected a URL, DOI, ISBN or arXiv id`, ...at });
      }
    };

    walkNodes(tree, (node) => {
      if (node.type === 'footnoteDefinition') check(node);
    });
  },
);

/**
 * Is every paragraph of a footnote that shows any text a placeholder? Each
 * one must be for the whole to be one. `raw` is the definition's plain text,
 * which is its only child's when it has one.
 */
function allPlaceholders(definition: FootnoteDefinition, raw: string): boolean {
  const only = definition.children.length === 1;
  for (const child of definition.children) {
    const block = (only ? raw : plainText(child)).trim();
    if (block !== '' && !isPlaceholder(block)) return false;
  }
  return true;
}

function isPlaceholder(text: string): boolean {
  const wrapped = trimEnd(trimStart(text, LEADING_WRAPPERS), TRAILING_WRAPPERS);
  return PLACEHOLDER.test(wrapped.toLowerCase()) || NOTE_TO_SELF.test(wrapped);
}

function walkNodes(node: Nodes, visit: (node: Nodes) => void): void {
  visit(node);
  if ('children' in node) for (const child of node.children) walkNodes(child as Nodes, visit);
}

function contains(node: Nodes, test: (node: Nodes) => boolean): boolean {
  if (test(node)) return true;
  return 'children' in node && node.children.some((child) => contains(child as Nodes, test));
}

/** The definition's text as a reader sees it, code included, blocks separated by a space. */
function plainText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') return node.value;
  if (!('children' in node)) return '';
  return node.children.map((child) => plainText(child as Nodes)).join(node.type === 'footnoteDefinition' ? ' ' : '');
}

/** From the first to the last character of the definition's content; the label when it has no positions. */
function contentRange(definition: FootnoteDefinition, lines: LineIndex, fallback: { range: Range } | { node: Nodes }) {
  const start = definition.children[0]?.position?.start.offset;
  const end = definition.children.at(-1)?.position?.end.offset;
  return start !== undefined && end !== undefined ? { range: rangeOf(lines, start, end) } : fallback;
}

/** `[^label]:`, where a definition starts; the rest may run over many lines. */

/** Drops prose punctuation after a URL, and `)` that close a parenthesis opened before the URL. */
function trimUrl(url: string): string {
  let unmatched = 0;
  for (const char of url) {
    if (char === '(') unmatched--;
    else if (char === ')') unmatched++;
  }
  let end = url.length;
  for (;;) {
    while (end > 0 && TRAILING.has(url[end - 1] as string)) end--;
    if (end === 0 || url[end - 1] !== ')' || unmatched <= 0) break;
    end--;
    unmatched--;
  }
  return url.slice(0, end);
}

// Loops rather than `/[…]+$/`: an anchored run pattern backtracks quadratically on a long run that does not end the text.
function trimEnd(text: string, chars: ReadonlySet<string>): string {
  let end = text.length;
  while (end > 0 && chars.has(text[end - 1] as string)) end--;
  return text.slice(0, end);
}

function trimStart(text: string, chars: ReadonlySet<string>): string {
  let start = 0;
  while (start < text.length && chars.has(text[start] as string)) start++;
  return text.slice(start);
}

function isWellFormedUrl(url: string): boolean {
  if (!/^https?:\/\/[^/]/i.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return true;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  const tld = labels.at(-1) as string;
  return labels.every((part) => /^[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?$/i.test(part)) && /^(?:[a-z]{2,63}|xn--[a-z\d-]+)$/i.test(tld);
}

/** The usual typos in a scheme (`https//`, `https:/`, `http:///`), repaired when the rest is sound. */
function repairUrl(url: string): string | undefined {
  const match = /^(https?)[:/]+/i.exec(url);
  if (!match) return undefined;
  const repaired = `${(match[1] as string).toLowerCase()}://${url.slice(match[0].length)}`;
  return repaired !== url && isWellFormedUrl(repaired) ? repaired : undefined;
}
