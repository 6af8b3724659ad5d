import type {
  ArticleFacts,
  Directive,
  FootnoteFacts,
  HeadingFacts,
  LinkFacts,
  Range,
  SluggerFactory,
} from '@kblint/rule-kit';
import { LineIndex, textSegments } from '@kblint/rule-kit';
import type { Nodes, Root, Yaml } from 'mdast';
import { toString } from 'mdast-util-to-string';
import path from 'node:path';
import { visit } from 'unist-util-visit';
import { readFrontmatter } from './frontmatter.js';

export interface Location {
  /** Absolute path of the file. */
  path: string;
  contentRoot: string;
}

/** `[[Target#Heading|label]]`; `\|` is the table-safe divider. No nesting, so no backtracking. */
const WIKI_LINK = /(?<!\\)\[\[([^[\]\n]+)\]\]/g;
const DIRECTIVE = /^<!--\s*kblint-(disable-next-line|disable|enable)\b([^]*?)-->$/;
const HTML_ANCHOR = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const SCHEME = /^[a-z][a-z\d+.-]*:/i;

export function locate(filePath: string, contentRoot: string) {
  const relPath = path.relative(contentRoot, filePath).split(path.sep).join('/');
  const inContent = !relPath.startsWith('../') && relPath !== '..' && !path.isAbsolute(relPath);
  const parts = relPath.split('/');
  const stem = path.posix.basename(relPath).replace(/\.md$/i, '');
  const folder = inContent && parts.length > 1 ? (parts[0] as string) : '';
  const id = folder ? `${folder}/${stem}` : stem;
  return { relPath, inContent, stem, folder, id };
}

/** GFM compares footnote labels case-insensitively with whitespace collapsed. */
export function footnoteKey(label: string): string {
  return label.replace(/[\t\n\r ]+/g, ' ').trim().toLowerCase().toUpperCase();
}

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

  visit(tree, (node: Nodes) => {
    const range = node.position as Range | undefined;
    switch (node.type) {
      case 'heading': {
        if (!range) break;
        const text = toString(node);
        const anchor = slug.slug(text);
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
        const link = classifyUrl(node.url, node.type === 'image', range);
        if (link) links.push(link);
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
        for (const match of value.matchAll(HTML_ANCHOR)) {
          const anchor = match[1] ?? match[2];
          if (anchor) anchors.add(anchor);
        }
        break;
      }
      default:
        break;
    }
  });

  let words = 0;
  for (const segment of textSegments(tree, source)) {
    words += countWords(segment.node.value);
    for (const match of segment.raw.matchAll(WIKI_LINK)) {
      const start = segment.offset + (match.index ?? 0);
      const end = start + match[0].length;
      links.push(parseWikiLink(match[1] as string, { start: lines.point(start), end: lines.point(end) }));
    }
  }

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

/** Sorts a destination into a link form; external URLs and empty ones give undefined. */
export function classifyUrl(url: string, image: boolean, range: Range): LinkFacts | undefined {
  const raw = url.trim();
  if (raw === '' || SCHEME.test(raw) || raw.startsWith('//')) return undefined;
  const hash = raw.indexOf('#');
  const pathPart = (hash === -1 ? raw : raw.slice(0, hash)).replace(/\?.*$/, '');
  const anchor = hash === -1 ? undefined : decode(raw.slice(hash + 1));
  if (pathPart === '') {
    return anchor === undefined ? undefined : { kind: 'anchor', raw, anchor, image, range };
  }
  return {
    kind: pathPart.startsWith('/') ? 'absolute' : 'relative',
    raw,
    path: decode(pathPart),
    ...(anchor !== undefined ? { anchor } : {}),
    image,
    range,
  };
}

function parseWikiLink(inner: string, range: Range): LinkFacts {
  const divider = inner.search(/\\?\|/);
  const destination = (divider === -1 ? inner : inner.slice(0, divider)).trim();
  const hash = destination.indexOf('#');
  const target = (hash === -1 ? destination : destination.slice(0, hash)).trim();
  const anchor = hash === -1 ? undefined : destination.slice(hash + 1).trim();
  return { kind: 'wiki', raw: inner, target, ...(anchor !== undefined ? { anchor } : {}), image: false, range };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function countWords(text: string): number {
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
