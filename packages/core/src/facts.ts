import type {
  ArticleFacts,
  Directive,
  FootnoteFacts,
  HeadingFacts,
  LinkFacts,
  Range,
  SluggerFactory,
} from '@kblint/rule-kit';
import { footnoteKey, LineIndex, rangeOf, textSegments } from '@kblint/rule-kit';
import type { Nodes, Root, Yaml } from 'mdast';
import { toString } from 'mdast-util-to-string';
import path from 'node:path';
import { readFrontmatter } from './frontmatter.js';

export interface Location {
  /** Absolute path of the file. */
  path: string;
  contentRoot: string;
}

/** `[[Target#Heading|label]]`; `\|` is the table-safe divider. No nesting, so no backtracking. */
const WIKI_LINK = /(?<!\\)\[\[([^[\]\n]+)\]\]/g;
const DIRECTIVE = /^<!--\s*kblint-(disable-next-line|disable|enable)\b([^]*?)-->$/;
const HTML_COMMENT = /<!--[^]*?(?:-->|$)/g;
// Attributes stop at the next `<` as well as `>`: otherwise every unclosed
// `<a` in a large HTML block scans to its end (quadratic).
const HTML_TAG = /<([a-z][a-z\d-]*)(\s[^<>]*)?>/gi;
/** `id` on any element, `name` only on `<a>`: what a browser scrolls to. */
const HTML_ANCHOR_ATTRIBUTE = /\s(id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
/** `href` and `src`, checked on `<a>` and `<img>`: the links and images raw HTML writes. */
const HTML_LINK_ATTRIBUTE = /\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
const SCHEME = /^[a-z][a-z\d+.-]*:/i;

export function locate(filePath: string, contentRoot: string) {
  const relPath = relativeInside(contentRoot, filePath) ?? path.relative(contentRoot, filePath).split(path.sep).join('/');
  const inContent = !relPath.startsWith('../') && relPath !== '..' && !path.isAbsolute(relPath);
  const parts = relPath.split('/');
  const stem = path.posix.basename(relPath).replace(/\.md$/i, '');
  const folder = inContent && parts.length > 1 ? (parts[0] as string) : '';
  const id = folder ? `${folder}/${stem}` : stem;
  return { relPath, inContent, stem, folder, id };
}

/**
 * `path.relative(root, file)` without resolving both, for the common case on
 * POSIX: a file below the root as written, the rest of whose path has no
 * `.`, `..` or empty segment (resolving would change the root's part of both
 * paths alike). Undefined otherwise.
 */
function relativeInside(root: string, file: string): string | undefined {
  if (path.sep !== '/' || root === '' || file.length <= root.length + 1 || file.charCodeAt(root.length) !== 47 || !file.startsWith(root)) return undefined;
  const rest = file.slice(root.length + 1);
  return NOT_NORMAL.test(rest) ? undefined : rest;
}

/** A `.` or `..` segment, an empty one, or a trailing `/`. */
const NOT_NORMAL = /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|^\/|\/$/;

/** GFM compares footnote labels case-insensitively with whitespace collapsed. */

export function extractFacts(
  tree: Root,
  source: string,
  location: Location,
  slugger: SluggerFactory,
  lines = new LineIndex(source),
): ArticleFacts {
  const where = locate(location.path, location.contentRoot);
  const yamlNode = tree.children[0]?.type === 'yaml' ? (tree.children[0] as Yaml) : undefined;
  const frontmatter = readFrontmatter(yamlNode, source, lines);
  const data = isRecord(frontmatter.data) ? frontmatter.data : {};

  const headings: HeadingFacts[] = [];
  const anchors = new Set<string>();
  const definitions: FootnoteFacts[] = [];
  const references: FootnoteFacts[] = [];
  const links: LinkFacts[] = [];
  const directives: Directive[] = [];
  const slug = slugger();
  let firstH1: string | undefined;
  // Reference definitions used by `![alt][ref]` point at images.
  const imageReferences = new Set<string>();
  const definitionLinks = new Map<string, LinkFacts[]>();

  // A plain preorder walk (unist-util-visit's parent stacks cost more than the work here).
  const walk = (node: Nodes): void => {
    visitNode(node);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  const visitNode = (node: Nodes): void => {
    const range = node.position as Range | undefined;
    switch (node.type) {
      case 'heading': {
        if (!range) break;
        const text = toString(node);
        const anchor = slug.slug(renderedText(node));
        headings.push({ text, depth: node.depth, slug: anchor, range });
        anchors.add(anchor);
        if (node.depth === 1 && firstH1 === undefined) firstH1 = text;
        break;
      }
      case 'footnoteDefinition':
        if (range) definitions.push({ label: node.label ?? node.identifier, key: footnoteKey(node.identifier), range });
        break;
      case 'footnoteReference':
        if (range) references.push({ label: node.label ?? node.identifier, key: footnoteKey(node.identifier), range });
        break;
      case 'link':
      case 'image':
      case 'definition': {
        if (!range) break;
        const destination = destinationSpan(node, source);
        const link = classifyUrl(node.url, node.type === 'image', range, destination && { ...destination, lines });
        if (!link) break;
        links.push(link);
        if (node.type === 'definition') {
          const list = definitionLinks.get(node.identifier);
          if (list) list.push(link);
          else definitionLinks.set(node.identifier, [link]);
        }
        break;
      }
      case 'imageReference':
        imageReferences.add(node.identifier);
        break;
      case 'linkReference': {
        // `[[ReAct]]` next to a definition `[react]: …` parses as `[`, a
        // shortcut reference, `]`: the text scan never sees it, yet the site's
        // wiki-link syntax renders it as a wiki link.
        const start = node.position?.start.offset;
        const end = node.position?.end.offset;
        if (
          node.referenceType === 'shortcut' &&
          start !== undefined &&
          end !== undefined &&
          source[start - 1] === '[' &&
          source[start - 2] !== '\\' &&
          source[end] === ']'
        ) {
          links.push(parseWikiLink(source.slice(start + 1, end - 1), start - 1, lines));
        }
        break;
      }
      case 'html': {
        const value = node.value.trim();
        const directive = DIRECTIVE.exec(value);
        if (directive && range) {
          const rules = (directive[2] ?? '').split(/[\s,]+/).filter(Boolean);
          const kind = directive[1] as Directive['kind'];
          directives.push({
            kind,
            rules,
            line: range.start.line,
            ...(kind === 'disable-next-line' ? { targetLine: range.end.line + 1 } : {}),
          });
        }
        const html = readHtml(node.value, range && { range, source, lines });
        for (const anchor of html.anchors) anchors.add(anchor);
        links.push(...html.links);
        break;
      }
      default:
        break;
    }
  };
  walk(tree);

  for (const identifier of imageReferences) {
    for (const link of definitionLinks.get(identifier) ?? []) link.image = true;
  }

  let words = 0;
  for (const segment of textSegments(tree, source)) {
    words += countWords(segment.node.value);
    if (!segment.raw.includes('[[')) continue;
    for (const match of segment.raw.matchAll(WIKI_LINK)) {
      const start = segment.offset + (match.index ?? 0);
      const link = parseWikiLink(match[1] as string, start, lines);
      // `![[diagram.svg]]` embeds a file (Obsidian's syntax): it must exist.
      if (source[start - 1] === '!') link.image = true;
      links.push(link);
    }
  }

  // Markdown links were found in the tree walk and wiki links in the text
  // scan: put them in source order for the language server and the report.
  links.sort((a, b) => (a.range.start.offset ?? 0) - (b.range.start.offset ?? 0));

  const title = stringValue(data.title) ?? firstH1;
  return {
    path: location.path,
    ...where,
    ...(title !== undefined ? { title } : {}),
    aliases: stringList(data.aliases),
    ...(stringValue(data.category) !== undefined ? { category: stringValue(data.category) } : {}),
    tags: stringList(data.tags),
    frontmatter,
    headings,
    anchors: [...anchors],
    footnotes: { definitions, references },
    links,
    words,
    directives,
  };
}

/** Where a destination is written in the source, as found by `destinationSpan`. */
export interface WrittenDestination {
  /** The destination as written (escapes kept, `<>` dropped). */
  text: string;
  start: number;
  lines: LineIndex;
}

/**
 * Sorts a destination into a link form; external URLs (any scheme, `//host`)
 * and empty ones give undefined. With `written`, the facts carry the source
 * text and the ranges of the path and the fragment, so a fix can rewrite them.
 */
export function classifyUrl(url: string, image: boolean, range: Range, written?: WrittenDestination): LinkFacts | undefined {
  const value = url.trim();
  if (value === '' || SCHEME.test(value) || value.startsWith('//')) return undefined;
  const hash = value.indexOf('#');
  let pathPart = hash === -1 ? value : value.slice(0, hash);
  // The query is dropped: from the first `?` with no line break after it
  // (an attribute value may hold one), as `/\?.*$/` reads it.
  if (pathPart.includes('?')) pathPart = LINE_BREAK.test(pathPart) ? pathPart.replace(/\?.*$/, '') : pathPart.slice(0, pathPart.indexOf('?'));
  const anchor = hash === -1 ? undefined : decode(value.slice(hash + 1));
  // Built without spreading: this runs for every link of every article.
  let raw = value;
  let linkRange = range;
  let targetRange: Range | undefined;
  let anchorRange: Range | undefined;
  if (written) {
    raw = written.text;
    const { start, lines } = written;
    const end = start + raw.length;
    const writtenHash = raw.indexOf('#');
    const pathEnd = start + (writtenHash === -1 ? raw.length : writtenHash);
    const queryAt = raw.slice(0, pathEnd - start).indexOf('?');
    linkRange = rangeOf(lines, start, end);
    if (pathPart !== '') targetRange = rangeOf(lines, start, queryAt === -1 ? pathEnd : start + queryAt);
    if (writtenHash !== -1) anchorRange = rangeOf(lines, pathEnd + 1, end);
  }
  let link: LinkFacts;
  if (pathPart === '') {
    if (anchor === undefined) return undefined;
    link = { kind: 'anchor', raw, anchor, image, range: linkRange };
  } else {
    const kind = pathPart.startsWith('/') ? 'absolute' : 'relative';
    const path = decode(pathPart);
    link = anchor !== undefined ? { kind, raw, path, anchor, image, range: linkRange } : { kind, raw, path, image, range: linkRange };
    if (targetRange) link.targetRange = targetRange;
  }
  if (anchorRange) link.anchorRange = anchorRange;
  return link;
}

/** What `.` in a regular expression does not match. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * Reads `[[Target#Heading|label]]` from the text between the brackets, which
 * starts at offset `innerStart - 2` (the `[[`). `\|` is the divider inside
 * tables. Target and heading are trimmed, and their ranges cover the trimmed
 * text, so a fix replaces exactly what the author typed.
 */
export function parseWikiLink(inner: string, linkStart: number, lines: LineIndex): LinkFacts {
  const innerStart = linkStart + 2;
  const divider = inner.indexOf('|');
  // A `\|` (the divider inside a table) ends the destination at its backslash.
  const destinationEnd = divider === -1 ? inner.length : divider > 0 && inner.charCodeAt(divider - 1) === 92 ? divider - 1 : divider;
  const hashAt = inner.indexOf('#');
  const hash = hashAt < destinationEnd ? hashAt : -1;
  const targetSpan = trimSpan(inner, 0, hash === -1 ? destinationEnd : hash);
  const target = inner.slice(targetSpan[0], targetSpan[1]);
  const range = rangeOf(lines, linkStart, innerStart + inner.length + 2);
  const targetRange = rangeOf(lines, innerStart + targetSpan[0], innerStart + targetSpan[1]);
  // Built without spreading, in the order of its fields with or without an anchor.
  if (hash === -1) return { kind: 'wiki', raw: inner, target, image: false, range, targetRange };
  const anchorSpan = trimSpan(inner, hash + 1, destinationEnd);
  return {
    kind: 'wiki',
    raw: inner,
    target,
    anchor: inner.slice(anchorSpan[0], anchorSpan[1]),
    image: false,
    range,
    targetRange,
    anchorRange: rangeOf(lines, innerStart + anchorSpan[0], innerStart + anchorSpan[1]),
  };
}

function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && isSpace(text.charCodeAt(start), text, start)) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1), text, end - 1)) end--;
  return [start, end];
}

/** `\s` for the character at `at`, whose code is `code`: ASCII by its code, anything else by the pattern. */
function isSpace(code: number, text: string, at: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code >= 128 && /\s/.test(text[at] as string));
}

/**
 * Finds the destination of a link, image or definition in the source: mdast
 * keeps only its decoded value. Gives undefined when the written text does not
 * match the parsed value (a construct this scanner does not follow), and the
 * link is then reported at the whole node.
 */
export function destinationSpan(
  node: { type: 'link' | 'image' | 'definition'; url: string; position?: Nodes['position']; children?: Nodes[] },
  source: string,
): { text: string; start: number } | undefined {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return undefined;
  let at: number;
  if (node.type === 'definition') {
    const close = closingBracket(source, start + 1, end);
    if (close === -1 || source[close + 1] !== ':') return undefined;
    at = close + 2;
  } else {
    const lastChild = node.children?.at(-1)?.position?.end.offset;
    const from = lastChild ?? start + (node.type === 'image' ? 2 : 1);
    const close = closingBracket(source, from, end);
    if (close === -1 || source[close + 1] !== '(') return undefined;
    at = close + 2;
  }
  // Character codes rather than one-character strings and a regular
  // expression per character: this runs over every link of every article.
  for (let code = source.charCodeAt(at); at < end && (code === 32 || code === 9 || code === 13 || code === 10); code = source.charCodeAt(++at));
  let text: string;
  let textStart = at;
  if (source.charCodeAt(at) === 60 /* < */) {
    const close = source.indexOf('>', at + 1);
    if (close === -1 || close > end) return undefined;
    textStart = at + 1;
    text = source.slice(textStart, close);
  } else {
    let depth = 0;
    let i = at;
    for (; i < end; i++) {
      const code = source.charCodeAt(i);
      if (code === 92 /* \\ */) {
        i++;
        continue;
      }
      if (isSpace(code, source, i)) break;
      if (code === 40 /* ( */) depth++;
      else if (code === 41 /* ) */) {
        if (depth === 0) break;
        depth--;
      }
    }
    text = source.slice(at, i);
  }
  const unescaped = text.includes('\\') ? text.replace(/\\([!-/:-@[-`{-~])/g, '$1') : text;
  if (unescaped !== node.url && !text.includes('&')) return undefined;
  return { text, start: textStart };
}

/** The first `]` from `from` that is not escaped. */
function closingBracket(source: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const code = source.charCodeAt(i);
    if (code === 92 /* \\ */) i++;
    else if (code === 93 /* ] */) return i;
  }
  return -1;
}

/**
 * The text a browser shows for a heading, which is what GitHub slugs: inline
 * HTML tags and image alt text are not part of it.
 */
function renderedText(node: Nodes): string {
  if (node.type === 'html' || node.type === 'image' || node.type === 'imageReference') return '';
  if ('value' in node) return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(renderedText).join('');
  return '';
}

/**
 * What raw HTML adds to an article, in one pass over its tags (comments
 * excluded):
 * - `anchors`: the `id` of any element and the `name` of `<a>`;
 * - `links`, when `at` says where the HTML is: the `href` of `<a>` and the
 *   `src` of `<img>`, as links. The value is the destination as written; one
 *   holding a character reference (`&amp;`) is left out rather than guessed
 *   at. When the HTML is the source text at `at.range` (not HTML inside a
 *   block quote, whose `>` markers the value drops), each link has the
 *   ranges of its path and fragment, like a Markdown link; otherwise it is
 *   reported on the whole HTML.
 */
export function readHtml(html: string, at?: { range: Range; source: string; lines: LineIndex }): { anchors: string[]; links: LinkFacts[] } {
  const anchors: string[] = [];
  const links: LinkFacts[] = [];
  if (!html.includes('<')) return { anchors, links };
  const start = at?.range.start.offset;
  const exact = at !== undefined && start !== undefined && at.source.startsWith(html, start);
  // Comments blanked out, not removed, so offsets stay those of the source.
  const text = html.includes('<!--') ? html.replace(HTML_COMMENT, (comment) => ' '.repeat(comment.length)) : html;
  for (const tag of text.matchAll(HTML_TAG)) {
    const element = (tag[1] as string).toLowerCase();
    const attributes = tag[2] ?? '';
    for (const attribute of attributes.matchAll(HTML_ANCHOR_ATTRIBUTE)) {
      if ((attribute[1] as string).toLowerCase() === 'name' && element !== 'a') continue;
      const value = attribute[2] ?? attribute[3] ?? attribute[4];
      if (value) anchors.push(value);
    }
    if (!at || (element !== 'a' && element !== 'img')) continue;
    const attributesAt = (tag.index ?? 0) + 1 + (tag[1] as string).length;
    for (const attribute of attributes.matchAll(HTML_LINK_ATTRIBUTE)) {
      if ((attribute[1] as string).toLowerCase() !== (element === 'a' ? 'href' : 'src')) continue;
      const value = attribute[2] ?? attribute[3] ?? attribute[4] ?? '';
      if (value.includes('&')) continue;
      const whole = attribute[0];
      const quoted = attribute[2] !== undefined || attribute[3] !== undefined;
      const valueAt = attributesAt + (attribute.index ?? 0) + whole.length - value.length - (quoted ? 1 : 0);
      const image = element === 'img';
      const link = exact
        ? classifyUrl(value, image, at.range, { text: value, start: (start as number) + valueAt, lines: at.lines })
        : classifyUrl(value, image, at.range);
      if (link) links.push(link);
    }
  }
  return { anchors, links };
}

function decode(value: string): string {
  // Without a `%`, decodeURIComponent gives the text back unchanged.
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function countWords(text: string): number {
  // Text whose only separator is the space (most of it): one native search
  // per word instead of a test per character.
  if (!text.includes('\n') && !text.includes('\t') && !text.includes('\r')) {
    let count = 0;
    let i = 0;
    for (;;) {
      while (text.charCodeAt(i) === 32) i++;
      if (i >= text.length) return count;
      count++;
      i = text.indexOf(' ', i);
      if (i === -1) return count;
    }
  }
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const space = code === 32 || code === 10 || code === 9 || code === 13;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
