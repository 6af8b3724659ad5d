import type {
  BlockContent,
  Code,
  DefinitionContent,
  FootnoteDefinition,
  Heading,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Text,
} from 'mdast';
import { toString } from 'mdast-util-to-string';
import { classifyCharacter } from 'micromark-util-classify-character';
import { normalizeIdentifier } from 'micromark-util-normalize-identifier';

/**
 * The fast path of kblint's parser. Knowledge-base articles are mostly
 * headings, paragraphs, lists, fenced code and footnotes; for a document made
 * only of those, this builds exactly the mdast tree `createParser().parse()`
 * gives (every node, field and position) in a fraction of micromark's time.
 * Anything outside that subset (HTML, tables, block quotes, setext headings,
 * indented code, link definitions, escapes, entities, hard breaks, tabs,
 * CR line endings, ...) makes it decline, and the caller parses with
 * remark-parse. Declining is always allowed; a different tree never is, which
 * `tests/fast-parse.test.ts` checks against remark-parse on corpora, curated
 * edge cases and generated documents.
 *
 * The inline part follows micromark's own algorithms (left-to-right
 * constructs, label ends resolved as they are met, attention resolved per
 * span with micromark's character classes), since "the same tree" includes
 * every emphasis edge case.
 */
export function fastParse(source: string): Root | undefined {
  if (source.includes('\0')) return undefined;
  // CRLF files are taken whole (mdast keeps `\r\n` in values); a lone CR or a mix is declined.
  const crlf = source.includes('\r');
  if (crlf && (/\r(?!\n)/.test(source) || /(?<!\r)\n/.test(source))) return undefined;
  try {
    return new FastParser(source, crlf ? '\r\n' : '\n').parse();
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}

/** Thrown (never escapes `fastParse`) when the document leaves the subset. */
const DECLINE: unique symbol = Symbol('decline');
function decline(): never {
  throw DECLINE;
}

interface Point {
  line: number;
  column: number;
  offset: number;
}

/** One line of a container's content: its text and where that text starts. */
interface Line {
  text: string;
  line: number;
  column: number;
  offset: number;
  /** Not part of the container by indentation: only a paragraph may take it (lazy continuation). */
  lazy?: boolean;
}

/** The container a flow is in. */
interface Where {
  nested: boolean;
  inFootnote: boolean;
}
const ROOT: Where = { nested: false, inFootnote: false };

interface Flow {
  nodes: Array<BlockContent | DefinitionContent>;
  /** A blank line separates two of `nodes` (what makes a list item spread). */
  blankBetween: boolean;
}

const THEMATIC_BREAK = /^(?:(?:\* *){3,}|(?:- *){3,}|(?:_ *){3,})$/;
const ATX = /^(#{1,6})(?: |$)/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const FOOTNOTE_DEFINITION = /^\[\^([^\s[\]\\]{1,999})\]:( *)/;
const BULLET = /^([-+*])( *)/;
const ORDERED = /^(\d{1,9})([.)])( *)/;
/** A GFM table delimiter row (`| --- | :-: |`): tables are left to remark. */
const TABLE_DELIMITER = /^[ |:-]+$/;
/** What in a paragraph's text would need escapes, entities, HTML, autolinks or link definitions. */
const INLINE_OUTSIDE = /[\\<&]|\]:/;
const HTML_OR_AUTOLINK = /<[A-Za-z/!?]/;
const ENTITY_LIKE = /&(?:#|[A-Za-z][A-Za-z\d]*;)/;

/** Inline items before they become nodes: text ranges, finished nodes, attention runs, label starts. */
type Item =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'node'; node: PhrasingContent }
  | { kind: 'attention'; marker: number; start: number; end: number; open: boolean; close: boolean }
  | Label;

/** A label start (`[` or `![`); `seq` orders them, for "no links inside links". */
interface Label {
  kind: 'label';
  image: boolean;
  start: number;
  end: number;
  seq: number;
}

/** Label starts not yet closed or given up, innermost last, and which of them a link has made inactive. */
interface Labels {
  open: Label[];
  seq: number;
  /** Link label starts with `seq` up to this one can no longer open a link (a link formed after them). */
  inactiveUpTo: number;
}

/** Where inline text lives: the paragraph's lines joined by the line ending, with the source point of each line. */
interface Span {
  text: string;
  starts: number[];
  lines: Line[];
  /** Inside a list item or footnote definition. */
  nested: boolean;
}

class FastParser {
  private readonly lines: Line[] = [];
  /** Footnote labels defined anywhere in the document (normalized as micromark does). */
  private readonly defined = new Set<string>();
  /** Paragraphs and headings whose inline content is parsed once every definition is known. */
  private readonly pending: Array<{ node: Paragraph | Heading; lines: Line[]; nested: boolean }> = [];

  constructor(
    private readonly source: string,
    /** The document's line ending, as values keep it: `\n` or `\r\n`. */
    private readonly eol: string,
  ) {
    let offset = 0;
    let line = 1;
    for (;;) {
      const end = source.indexOf('\n', offset);
      const text = end === -1 ? source.slice(offset) : source.slice(offset, end - eol.length + 1);
      this.lines.push({ text, line, column: 1, offset });
      if (end === -1) break;
      offset = end + 1;
      line++;
    }
  }

  parse(): Root {
    const children: RootContent[] = [];
    let first = 0;
    if (this.lines[0]?.text === '---') {
      // A fence followed by spaces or tabs closes the block too: that form is left to remark.
      const close = this.lines.findIndex((line, i) => i > 0 && /^---[ \t]*$/.test(line.text));
      if (close === -1 || (this.lines[close] as Line).text !== '---') decline();
      const end = this.lines[close] as Line;
      children.push({
        type: 'yaml',
        value: this.lines
          .slice(1, close)
          .map((line) => line.text)
          .join(this.eol),
        position: { start: { line: 1, column: 1, offset: 0 }, end: this.endOf(end) },
      });
      first = close + 1;
    }
    children.push(...this.flow(this.lines.slice(first), false, ROOT).nodes);
    for (const { node, lines, nested } of this.pending) node.children = this.inline(lines, nested);
    const last = this.lines[this.lines.length - 1] as Line;
    return {
      type: 'root',
      children,
      position: { start: { line: 1, column: 1, offset: 0 }, end: this.endOf(last) },
    };
  }

  private endOf(line: Line): Point {
    return { line: line.line, column: line.column + line.text.length, offset: line.offset + line.text.length };
  }

  private startOf(line: Line): Point {
    return { line: line.line, column: line.column, offset: line.offset };
  }

  /**
   * Block structure of one container's lines (the document, a list item, a
   * footnote definition). `interrupting`: the container started on a line
   * that interrupted a paragraph, and micromark keeps applying the interrupt
   * rules to what starts on that same line (so `- 2) x` there is text).
   */
  private flow(lines: Line[], interrupting: boolean, where: Where): Flow {
    const nodes: Flow['nodes'] = [];
    let blank = false;
    let blankBetween = false;
    let i = 0;
    while (i < lines.length) {
      const line = lines[i] as Line;
      const text = line.text;
      if (text === '') {
        if (line.lazy) decline();
        blank = true;
        i++;
        continue;
      }
      const blankBefore = blank;
      if (blank && nodes.length) blankBetween = true;
      blank = false;
      // A lazy line that no paragraph took, or any indented block start: not ours.
      if (line.lazy || text.charCodeAt(0) === 32) decline();
      checkLine(text);

      if (THEMATIC_BREAK.test(text)) {
        nodes.push({ type: 'thematicBreak', position: { start: this.startOf(line), end: this.endOf(line) } });
        i++;
        continue;
      }
      const atx = ATX.exec(text);
      if (atx) {
        nodes.push(this.heading(line, (atx[1] as string).length, where));
        i++;
        continue;
      }
      const fence = FENCE.exec(text);
      if (fence) {
        const [code, next] = this.fenced(lines, i, fence[1] as string, fence[2] as string);
        nodes.push(code);
        i = next;
        continue;
      }
      // Whether this line interrupts a paragraph (right before it, or the one the container opened with).
      const previous = nodes[nodes.length - 1];
      const interrupt = i === 0 ? interrupting : previous?.type === 'paragraph' && !blankBefore;
      const footnote = FOOTNOTE_DEFINITION.exec(text);
      if (footnote) {
        // Definitions nested in definitions continue in ways not modelled here.
        if (where.inFootnote) decline();
        const [definition, next] = this.footnoteDefinition(lines, i, footnote, interrupt);
        nodes.push(definition);
        i = next;
        continue;
      }
      const marker = listMarker(text);
      if (marker && (!interrupt || !marker.ordered || marker.number === '1')) {
        // mdast-util-from-markdown ends such items at odd places (it does not skip the definition's indent).
        if (where.inFootnote) decline();
        const [list, next] = this.list(lines, i, marker, interrupt, where);
        nodes.push(list);
        i = next;
        continue;
      }
      if (text.charCodeAt(0) === 62 /* > */ || text.charCodeAt(0) === 60 /* < */ || /^=+$/.test(text) || TABLE_DELIMITER.test(text)) {
        decline();
      }
      const [paragraph, next] = this.paragraph(lines, i, where);
      nodes.push(paragraph);
      i = next;
    }
    return { nodes, blankBetween };
  }

  private paragraph(lines: Line[], start: number, where: Where): [Paragraph, number] {
    const first = lines[start] as Line;
    const content: Line[] = [first];
    let i = start + 1;
    while (i < lines.length) {
      const line = lines[i] as Line;
      if (line.text === '') break;
      checkLine(line.text);
      const indent = leadingSpaces(line.text);
      const rest = line.text.slice(indent);
      if (indent < 4) {
        const interrupt = interrupts(rest);
        if (interrupt === 'decline') decline();
        if (interrupt) break;
      }
      content.push({
        text: rest,
        line: line.line,
        column: line.column + indent,
        offset: line.offset + indent,
      });
      i++;
    }
    const last = content[content.length - 1] as Line;
    const node: Paragraph = { type: 'paragraph', children: [], position: { start: this.startOf(first), end: this.endOf(last) } };
    this.pending.push({ node, lines: content, nested: where.nested });
    return [node, i];
  }

  private heading(line: Line, depth: number, where: Where): Heading {
    const text = line.text;
    let start = depth;
    while (text.charCodeAt(start) === 32) start++;
    let end = text.length;
    let hashes = end;
    while (hashes > start && text.charCodeAt(hashes - 1) === 35 /* # */) hashes--;
    if (hashes < end && (hashes === start || text.charCodeAt(hashes - 1) === 32)) {
      end = hashes;
      while (end > start && text.charCodeAt(end - 1) === 32) end--;
    }
    const node: Heading = {
      type: 'heading',
      depth: depth as Heading['depth'],
      children: [],
      position: { start: this.startOf(line), end: this.endOf(line) },
    };
    if (end > start) {
      this.pending.push({
        node,
        lines: [{ text: text.slice(start, end), line: line.line, column: line.column + start, offset: line.offset + start }],
        nested: where.nested,
      });
    }
    return node;
  }

  private fenced(lines: Line[], start: number, fence: string, infoRaw: string): [Code, number] {
    const marker = fence.charCodeAt(0);
    if (marker === 96 /* ` */ && infoRaw.includes('`')) decline();
    // micromark decodes escapes and character references in the info string.
    if (infoRaw.includes('\\') || infoRaw.includes('&')) decline();
    const info = infoRaw.trim();
    const space = info.indexOf(' ');
    const lang = info === '' ? null : space === -1 ? info : info.slice(0, space);
    const meta = space === -1 ? null : info.slice(space + 1).trim() || null;
    let close = start + 1;
    for (; close < lines.length; close++) {
      const line = lines[close] as Line;
      if (line.lazy) decline();
      const text = line.text;
      const indent = leadingSpaces(text);
      if (indent < 4 && text.charCodeAt(indent) === marker) {
        let run = indent;
        while (text.charCodeAt(run) === marker) run++;
        const closes = run - indent >= fence.length && /^[ \t]*$/.test(text.slice(run));
        if (closes && indent === 0 && run === text.length) break;
        // An indented or space-trailed closing fence: left to remark.
        if (closes) decline();
      }
    }
    if (close >= lines.length) decline();
    const first = lines[start] as Line;
    const end = lines[close] as Line;
    const value = lines
      .slice(start + 1, close)
      .map((line) => line.text)
      .join(this.eol);
    return [{ type: 'code', lang, meta, value, position: { start: this.startOf(first), end: this.endOf(end) } }, close + 1];
  }

  private footnoteDefinition(lines: Line[], start: number, match: RegExpExecArray, interrupting: boolean): [FootnoteDefinition, number] {
    const line = lines[start] as Line;
    const label = match[1] as string;
    if ((match[2] as string).length > 3 || match[0].length === line.text.length) decline();
    this.defined.add(identifierKey(label));
    const width = match[0].length;
    const first: Line = { text: line.text.slice(width), line: line.line, column: line.column + width, offset: line.offset + width };
    const { content, next, trailingBlank } = this.gather(lines, start, first, 4);
    const flow = this.flow(content, interrupting, { nested: true, inFootnote: true });
    const last = flow.nodes[flow.nodes.length - 1];
    if (!last?.position) decline();
    const node: FootnoteDefinition = {
      type: 'footnoteDefinition',
      identifier: identifierKey(label).toLowerCase(),
      label,
      children: flow.nodes,
      position: { start: this.startOf(line), end: { ...last.position.end } },
    };
    // Blank lines after it belong to the parent.
    return [node, next - trailingBlank];
  }

  private list(lines: Line[], start: number, first: Marker, interrupting: boolean, where: Where): [List, number] {
    const items: ListItem[] = [];
    let spread = false;
    let i = start;
    let marker = first;
    for (;;) {
      const line = lines[i] as Line;
      const content: Line = {
        text: line.text.slice(marker.width),
        line: line.line,
        column: line.column + marker.width,
        offset: line.offset + marker.width,
      };
      const { content: itemLines, next, trailingBlank } = this.gather(lines, i, content, marker.width);
      // Only the first item can interrupt a paragraph; its siblings never do.
      const flow = this.flow(itemLines, interrupting && items.length === 0, { nested: true, inFootnote: where.inFootnote });
      const last = flow.nodes[flow.nodes.length - 1];
      if (!last?.position) decline();
      items.push({
        type: 'listItem',
        spread: flow.blankBetween,
        checked: null,
        children: flow.nodes as ListItem['children'],
        position: { start: this.startOf(line), end: { ...last.position.end } },
      });
      const following = lines[next];
      const sibling = following && !following.lazy ? listMarker(following.text) : undefined;
      if (sibling && sameList(first, sibling)) {
        if (trailingBlank) spread = true;
        i = next;
        marker = sibling;
        continue;
      }
      // The list ends; blank lines after it belong to the parent.
      const firstItem = items[0] as ListItem;
      const lastItem = items[items.length - 1] as ListItem;
      const list: List = {
        type: 'list',
        ordered: first.ordered,
        start: first.ordered ? first.start : null,
        spread,
        children: items,
        position: { start: { ...(firstItem.position as { start: Point }).start }, end: { ...(lastItem.position as { end: Point }).end } },
      };
      return [list, next - trailingBlank];
    }
  }

  /**
   * The lines of a container that starts at `start`: blank lines, lines
   * indented at least `width` (with that indentation removed), and lazy
   * paragraph continuations, which are marked so that only a paragraph may
   * take them. Trailing blank lines are counted, not included.
   */
  private gather(
    lines: Line[],
    start: number,
    first: Line,
    width: number,
  ): { content: Line[]; next: number; trailingBlank: number } {
    const content: Line[] = [first];
    let i = start + 1;
    for (; i < lines.length; i++) {
      const line = lines[i] as Line;
      const text = line.text;
      if (text === '') {
        content.push(line);
        continue;
      }
      const indent = leadingSpaces(text);
      if (indent >= width) {
        content.push({ text: text.slice(width), line: line.line, column: line.column + width, offset: line.offset + width, ...(line.lazy ? { lazy: true } : {}) });
        continue;
      }
      if ((content[content.length - 1] as Line).text === '') break;
      checkLine(text);
      if (indent < 4) {
        const rest = text.slice(indent);
        // Out of a container, any list item starts a list (the same one or a
        // new one): the interrupt rules do not apply there, so `2.` does too.
        if (listMarker(rest)) break;
        const interrupt = interrupts(rest);
        if (interrupt === 'decline') decline();
        if (interrupt) break;
      }
      content.push({ ...line, lazy: true });
    }
    let trailingBlank = 0;
    while (content.length > 1 && (content[content.length - 1] as Line).text === '') {
      content.pop();
      trailingBlank++;
    }
    return { content, next: i, trailingBlank };
  }

  // -------------------------------------------------------------------------
  // Inline

  private inline(lines: Line[], nested: boolean): PhrasingContent[] {
    const text = lines.map((line) => line.text).join(this.eol);
    if (INLINE_OUTSIDE.test(text)) {
      if (text.includes('\\') || text.includes(']:') || HTML_OR_AUTOLINK.test(text) || ENTITY_LIKE.test(text)) decline();
    }
    const starts: number[] = [];
    let at = 0;
    for (const line of lines) {
      starts.push(at);
      at += line.text.length + this.eol.length;
    }
    const span: Span = { text, starts, lines, nested };
    const items = this.scan(span);
    this.attention(span, items);
    return this.nodes(span, items);
  }

  /** micromark's text tokenizer, for the subset: one pass, label ends resolved as they are met. */
  private scan(span: Span): Item[] {
    const text = span.text;
    const length = text.length;
    const items: Item[] = [];
    const labels: Labels = { open: [], seq: 0, inactiveUpTo: 0 };
    let i = 0;
    const pushText = (start: number, end: number) => {
      const last = items[items.length - 1];
      if (last?.kind === 'text' && last.end === start) last.end = end;
      else items.push({ kind: 'text', start, end });
    };
    while (i < length) {
      const code = text.charCodeAt(i);
      if (code === 96 /* ` */) {
        let run = i;
        while (text.charCodeAt(run) === 96) run++;
        const size = run - i;
        const close = closingRun(text, run, size);
        if (close === -1) {
          pushText(i, run);
          i = run;
          continue;
        }
        let value = text.slice(run, close);
        if (value.includes('\n')) decline();
        if (value.length > 2 && value.charCodeAt(0) === 32 && value.charCodeAt(value.length - 1) === 32 && !/^ +$/.test(value)) {
          value = value.slice(1, -1);
        }
        items.push({ kind: 'node', node: { type: 'inlineCode', value, position: this.position(span, i, close + size) } });
        i = close + size;
        continue;
      }
      if (code === 33 /* ! */ && text.charCodeAt(i + 1) === 91) {
        if (text.charCodeAt(i + 2) === 94 /* ^ */) decline();
        const label: Label = { kind: 'label', image: true, start: i, end: i + 2, seq: ++labels.seq };
        labels.open.push(label);
        items.push(label);
        i += 2;
        continue;
      }
      if (code === 91 /* [ */) {
        if (text.charCodeAt(i + 1) === 94 /* ^ */) {
          const end = this.footnoteCall(text, i);
          if (end !== -1) {
            const label = text.slice(i + 2, end - 1);
            items.push({
              kind: 'node',
              node: {
                type: 'footnoteReference',
                identifier: identifierKey(label).toLowerCase(),
                label,
                position: this.position(span, i, end),
              },
            });
            i = end;
            continue;
          }
        }
        const label: Label = { kind: 'label', image: false, start: i, end: i + 1, seq: ++labels.seq };
        labels.open.push(label);
        items.push(label);
        i++;
        continue;
      }
      if (code === 93 /* ] */) {
        i = this.labelEnd(span, items, labels, i, pushText);
        continue;
      }
      if (code === 42 /* * */ || code === 95 /* _ */) {
        let run = i;
        while (text.charCodeAt(run) === code) run++;
        const before = classifyCharacter(i === 0 ? null : text.charCodeAt(i - 1));
        const after = classifyCharacter(run === length ? null : text.charCodeAt(run));
        const open = !after || (after === 2 && Boolean(before));
        const close = !before || (before === 2 && Boolean(after));
        items.push({
          kind: 'attention',
          marker: code,
          start: i,
          end: run,
          open: code === 42 ? open : open && (Boolean(before) || !close),
          close: code === 42 ? close : close && (Boolean(after) || !open),
        });
        i = run;
        continue;
      }
      let next = i + 1;
      while (next < length) {
        const c = text.charCodeAt(next);
        if (c === 96 || c === 33 || c === 91 || c === 93 || c === 42 || c === 95) break;
        next++;
      }
      pushText(i, next);
      i = next;
    }
    return items;
  }

  /** `[^label]` naming a defined footnote: the end offset, else -1. */
  private footnoteCall(text: string, start: number): number {
    let i = start + 2;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 93) break;
      if (code === 91 || code === 32 || code === 10 || code === 13 || code === 92) return -1;
    }
    if (i >= text.length || i === start + 2 || i - start - 2 > 999) return -1;
    return this.defined.has(identifierKey(text.slice(start + 2, i))) ? i + 1 : -1;
  }

  /**
   * A `]`: closes the nearest open label into a link or image when a resource
   * follows; otherwise that label start is given up (it stays text). The
   * open labels are a stack, so a run of brackets costs linear time.
   */
  private labelEnd(span: Span, items: Item[], labels: Labels, at: number, pushText: (start: number, end: number) => void): number {
    const label = labels.open.pop();
    const inactive = label !== undefined && !label.image && label.seq <= labels.inactiveUpTo;
    const resource = label && !inactive && span.text.charCodeAt(at + 1) === 40 /* ( */ ? parseResource(span.text, at + 2) : undefined;
    if (!label || !resource) {
      pushText(at, at + 1);
      return at + 1;
    }
    const inner = items.splice(items.lastIndexOf(label));
    inner.shift();
    this.attention(span, inner);
    const children = this.nodes(span, inner);
    const position = this.position(span, label.start, resource.end);
    if (label.image) {
      items.push({ kind: 'node', node: { type: 'image', title: resource.title, url: resource.url, alt: toString(children), position } });
    } else {
      // No links inside links: every link label start before this one is spent.
      labels.inactiveUpTo = labels.seq;
      items.push({ kind: 'node', node: { type: 'link', title: resource.title, url: resource.url, children, position } });
    }
    return resource.end;
  }

  /** Items to mdast nodes; leftover runs and label starts are text, adjacent text merges. */
  private nodes(span: Span, items: Item[]): PhrasingContent[] {
    const out: PhrasingContent[] = [];
    let textStart = -1;
    let textEnd = -1;
    const flush = () => {
      if (textStart === -1) return;
      const node: Text = { type: 'text', value: span.text.slice(textStart, textEnd), position: this.position(span, textStart, textEnd) };
      out.push(node);
      textStart = -1;
    };
    for (const item of items) {
      if (item.kind === 'node') {
        flush();
        out.push(item.node);
        continue;
      }
      if (item.start === item.end) continue;
      if (textStart !== -1 && textEnd === item.start) textEnd = item.end;
      else {
        flush();
        textStart = item.start;
        textEnd = item.end;
      }
    }
    flush();
    return out;
  }

  /**
   * micromark's attention resolution: each closing run, left to right, pairs
   * with the nearest earlier opening run of the same marker (skipping pairs
   * the rule of three forbids); the emphasis or strong node takes the items
   * between, whose own runs were resolved already and are text now.
   */
  private attention(span: Span, items: Item[]): void {
    if (!items.some((item) => item.kind === 'attention')) return;
    // A doubly linked list over the items (groups are appended to `list`):
    // splicing one array per match would make long paragraphs quadratic.
    const list = items.slice();
    const next: number[] = list.map((_, i) => (i + 1 < list.length ? i + 1 : -1));
    const prev: number[] = list.map((_, i) => i - 1);
    let head = 0;
    let closeIndex = 0;
    while (closeIndex !== -1) {
      const closer = list[closeIndex] as Item;
      if (closer.kind !== 'attention' || !closer.close) {
        closeIndex = next[closeIndex] as number;
        continue;
      }
      let openIndex = prev[closeIndex] as number;
      let opener: Extract<Item, { kind: 'attention' }> | undefined;
      for (; openIndex !== -1; openIndex = prev[openIndex] as number) {
        const candidate = list[openIndex] as Item;
        if (candidate.kind !== 'attention' || !candidate.open || candidate.marker !== closer.marker) continue;
        const openSize = candidate.end - candidate.start;
        const closeSize = closer.end - closer.start;
        if ((candidate.close || closer.open) && closeSize % 3 && !((openSize + closeSize) % 3)) continue;
        opener = candidate;
        break;
      }
      if (!opener) {
        closeIndex = next[closeIndex] as number;
        continue;
      }
      const use = opener.end - opener.start > 1 && closer.end - closer.start > 1 ? 2 : 1;
      // micromark resolves the runs inside the new span again, with what
      // is left of them now: `_**o****b*_` gets a strong `o` that way.
      const inner: Item[] = [];
      for (let k = next[openIndex] as number; k !== closeIndex; k = next[k] as number) inner.push(list[k] as Item);
      this.attention(span, inner);
      const group: Item = {
        kind: 'node',
        node: {
          type: use > 1 ? 'strong' : 'emphasis',
          children: this.nodes(span, inner),
          position: this.position(span, opener.end - use, closer.start + use),
        },
      };
      opener.end -= use;
      closer.start += use;
      const groupIndex = list.push(group) - 1;
      const before = opener.end > opener.start ? openIndex : (prev[openIndex] as number);
      // What is left of the closing run is looked at again.
      const after = closer.end > closer.start ? closeIndex : (next[closeIndex] as number);
      prev[groupIndex] = before;
      next[groupIndex] = after;
      if (before === -1) head = groupIndex;
      else next[before] = groupIndex;
      if (after !== -1) prev[after] = groupIndex;
      closeIndex = after;
    }
    items.length = 0;
    for (let k = head; k !== -1; k = next[k] as number) items.push(list[k] as Item);
  }

  private point(span: Span, index: number): Point {
    const k = lineAt(span.starts, index);
    const line = span.lines[k] as Line;
    const delta = index - (span.starts[k] as number);
    return { line: line.line, column: line.column + delta, offset: line.offset + delta };
  }

  private position(span: Span, start: number, end: number) {
    return { start: this.point(span, start), end: this.endPoint(span, end) };
  }

  /**
   * Where a node ending at `index` ends. Text that ends with a line ending
   * ends at column 1 of the next line, before the indentation the paragraph
   * stripped. Inside containers micromark ends it sometimes after the
   * container's indentation and sometimes before: left to remark.
   */
  private endPoint(span: Span, index: number): Point {
    const k = lineAt(span.starts, index);
    if (k === 0 || span.starts[k] !== index) return this.point(span, index);
    if (span.nested) decline();
    const line = span.lines[k] as Line;
    return { line: line.line, column: 1, offset: line.offset - (line.column - 1) };
  }
}

interface Marker {
  ordered: boolean;
  /** The digits of an ordered marker as written ('' for bullets). */
  number: string;
  /** The bullet (`-`, `+`, `*`) or the delimiter after the number (`.`, `)`). */
  char: string;
  start: number;
  /** Marker plus the spaces after it: how far the item's content is indented. */
  width: number;
}

/** A list item start that is ours: non-empty, content after 1–4 spaces. Empty items and indented code are declined. */
function listMarker(text: string): Marker | undefined {
  let ordered = false;
  let digits = '';
  let char: string;
  let start = 1;
  let size: number;
  let spaces: number;
  const bullet = BULLET.exec(text);
  if (bullet) {
    if (THEMATIC_BREAK.test(text)) return undefined;
    char = bullet[1] as string;
    size = 1;
    spaces = (bullet[2] as string).length;
  } else {
    const number = ORDERED.exec(text);
    if (!number) return undefined;
    ordered = true;
    char = number[2] as string;
    digits = number[1] as string;
    start = Number(digits);
    size = (number[1] as string).length + 1;
    spaces = (number[3] as string).length;
  }
  // `-` alone, or `1.` with nothing after: an empty item.
  if (size + spaces === text.length) decline();
  if (spaces === 0) return undefined;
  if (spaces > 4) decline();
  return { ordered, number: digits, char, start, width: size + spaces };
}

function sameList(a: Marker, b: Marker): boolean {
  return a.ordered === b.ordered && a.char === b.char;
}

/**
 * Whether a line (indentation under four columns removed) ends the paragraph
 * before it, or 'decline' when it might turn that paragraph into something
 * the fast path leaves to remark (a setext heading, a table).
 */
function interrupts(text: string): boolean | 'decline' {
  const code = text.charCodeAt(0);
  if (code === 62 /* > */ || code === 60 /* < */) return 'decline';
  if (/^(?:=+|-+) *$/.test(text)) return 'decline';
  // A table delimiter row needs neither pipes nor more than one column: `a` over `-:` is a table.
  if (TABLE_DELIMITER.test(text) && text.includes('-') && (text.includes('|') || text.includes(':'))) return 'decline';
  if (THEMATIC_BREAK.test(text)) return true;
  if (ATX.test(text)) return true;
  const fence = FENCE.exec(text);
  if (fence) {
    if ((fence[1] as string).charCodeAt(0) === 96 && (fence[2] as string).includes('`')) return 'decline';
    return true;
  }
  if (FOOTNOTE_DEFINITION.test(text)) return true;
  const bullet = BULLET.exec(text);
  if (bullet) {
    const spaces = (bullet[2] as string).length;
    if (spaces === 0) return false;
    if (spaces > 4 || spaces + 1 === text.length) return 'decline';
    return true;
  }
  const number = ORDERED.exec(text);
  if (number) {
    const spaces = (number[3] as string).length;
    if (spaces === 0) return false;
    if (spaces > 4 || (number[1] as string).length + 1 + spaces === text.length) return 'decline';
    return number[1] === '1';
  }
  return false;
}

/** Tabs and trailing spaces change columns and breaks in ways the fast path does not model. */
function checkLine(text: string): void {
  if (text.includes('\t') || text.charCodeAt(text.length - 1) === 32) decline();
}

function leadingSpaces(text: string): number {
  let i = 0;
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

/** The start of the next run of exactly `size` backticks at or after `from`, else -1. */
function closingRun(text: string, from: number, size: number): number {
  let i = text.indexOf('`', from);
  while (i !== -1) {
    let run = i;
    while (text.charCodeAt(run) === 96) run++;
    if (run - i === size) return i;
    i = text.indexOf('`', run);
  }
  return -1;
}

/** An inline resource after `](`: destination and optional title, as micromark reads them. */
function parseResource(text: string, from: number): { url: string; title: string | null; end: number } | undefined {
  let i = skipWhitespace(text, from);
  if (text.charCodeAt(i) === 41 /* ) */) return { url: '', title: null, end: i + 1 };
  if (text.charCodeAt(i) === 60 /* < */) decline();
  const start = i;
  let balance = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 40 /* ( */) {
      if (++balance > 32) decline();
    } else if (code === 41 /* ) */) {
      if (balance === 0) break;
      balance--;
    } else if (code <= 32 || code === 127) break;
  }
  if (i === start || balance !== 0) return undefined;
  const url = text.slice(start, i);
  const afterDestination = i;
  i = skipWhitespace(text, i);
  if (text.charCodeAt(i) === 41) return { url, title: null, end: i + 1 };
  if (i === afterDestination) return undefined;
  const quote = text.charCodeAt(i);
  if (quote === 40) decline();
  if (quote !== 34 && quote !== 39) return undefined;
  const close = text.indexOf(String.fromCharCode(quote), i + 1);
  if (close === -1) return undefined;
  const title = text.slice(i + 1, close);
  if (title.includes('\n')) decline();
  const end = skipWhitespace(text, close + 1);
  if (text.charCodeAt(end) !== 41) return undefined;
  // An empty title is no title to mdast.
  return { url, title: title === '' ? null : title, end: end + 1 };
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  let newlines = 0;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === 32) i++;
    else if (code === 10 && newlines++ === 0) i++;
    else if (code === 13 && text.charCodeAt(i + 1) === 10 && newlines++ === 0) i += 2;
    else return i;
  }
}

/** The last line of a span that starts at or before `index` (binary search: paragraphs can be long). */
function lineAt(starts: number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= index) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * micromark's `normalizeIdentifier`, without its regular expressions for a
 * label of printable ASCII (nearly every one): nothing to collapse or trim,
 * and lower- then upper-casing ASCII is upper-casing it.
 */
export function identifierKey(label: string): string {
  for (let i = 0; i < label.length; i++) {
    const code = label.charCodeAt(i);
    if (code <= 32 || code >= 127) return normalizeIdentifier(label);
  }
  return label.toUpperCase();
}
