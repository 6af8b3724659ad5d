import { defineRule, LineIndex, type Range, type RuleContext } from '@kblint/rule-kit';
import type { Heading, List, Nodes, Paragraph, PhrasingContent, RootContent } from 'mdast';

export interface Options {
  /** Section names checked as `Name:` labels and as headings. */
  sections: string[];
  /** Every heading must have content, not only the ones named in `sections`. */
  allHeadings: boolean;
  /** Text that stands in for content without being content. */
  placeholders: string[];
}

export const DEFAULT_SECTIONS = ['Advantages', 'Disadvantages', 'Pros', 'Cons'];
export const DEFAULT_PLACEHOLDERS = ['TODO', 'TBD', 'FIXME', 'Coming soon', '…'];

/** One line of a paragraph: its plain text, and whether it holds more than text (a link, an image, code). */
interface Line {
  text: string;
  rich: boolean;
}

/**
 * A container's children as the section walk sees them. Paragraphs that hold
 * label lines are split into one unit per label and one per run of other
 * lines, because scraped pages glue `Advantages:` and `Disadvantages:` into
 * one paragraph as often as not.
 */
type Unit =
  | { kind: 'heading'; depth: number; name: string; checked: boolean; range: Range | undefined }
  | { kind: 'label'; name: string; range: Range | undefined }
  | { kind: 'block'; content: boolean };

export default defineRule<Options>(
  {
    id: 'no-empty-sections',
    description: 'Headings and section labels such as `Advantages:` have content under them.',
    scope: 'file',
    version: 2,
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sections: { type: 'array', items: { type: 'string', minLength: 1 }, default: DEFAULT_SECTIONS },
        allHeadings: { type: 'boolean', default: true },
        placeholders: { type: 'array', items: { type: 'string', minLength: 1 }, default: DEFAULT_PLACEHOLDERS },
      },
    },
    defaults: { sections: DEFAULT_SECTIONS, allHeadings: true, placeholders: DEFAULT_PLACEHOLDERS },
  },
  (context) => new SectionWalk(context).run(),
);

class SectionWalk {
  private readonly sections: Set<string>;
  /** Placeholder text: nothing but punctuation, a placeholder, or `TODO: …`. */
  private readonly isPlaceholder: (text: string) => boolean;
  private lineIndex: LineIndex | undefined;
  // A nested list is asked about by every container above it; remember the answers.
  private readonly contentCache = new WeakMap<Nodes, boolean>();
  private readonly unitCache = new WeakMap<Paragraph, Unit[]>();

  constructor(private readonly context: RuleContext<Options>) {
    this.sections = new Set(context.options.sections.map((name) => normalize(stripColon(name.trim()))));
    this.isPlaceholder = placeholderTest(context.options.placeholders);
  }

  run(): void {
    this.walk(this.context.tree.children, false);
  }

  /**
   * Checks the sections of one container (the document, a blockquote, a list
   * item). `tailHasContent` says whether what follows the container counts
   * for a label that ends it: a bare `- Advantages:` item owns the plain items
   * after it, up to the next label item.
   */
  private walk(children: readonly RootContent[], tailHasContent: boolean): void {
    const units: Unit[] = [];
    for (const child of children) {
      if (child.type === 'heading') {
        units.push(this.headingUnit(child));
      } else if (child.type === 'paragraph') {
        units.push(...this.paragraphUnits(child));
      } else {
        units.push({ kind: 'block', content: this.isContent(child) });
        if (child.type === 'blockquote') this.walk(child.children, false);
        else if (child.type === 'list') this.walkList(child);
      }
    }

    for (let i = 0; i < units.length; i++) {
      const unit = units[i] as Unit;
      if (unit.kind === 'heading' && unit.checked) {
        let content = false;
        for (let j = i + 1; j < units.length && !content; j++) {
          const next = units[j] as Unit;
          if (next.kind === 'heading' && next.depth <= unit.depth) break;
          // A label has text of its own; whether it is empty is reported at the label, once.
          content = next.kind === 'label' || (next.kind === 'block' && next.content);
        }
        if (!content) this.report(unit.name, unit.range);
      } else if (unit.kind === 'label') {
        let content = false;
        let reachedEnd = true;
        for (let j = i + 1; j < units.length && !content; j++) {
          const next = units[j] as Unit;
          if (next.kind !== 'block') {
            reachedEnd = false;
            break;
          }
          content = next.content;
        }
        if (!content && !(reachedEnd && tailHasContent)) this.report(unit.name, unit.range);
      }
    }
  }

  private walkList(list: List): void {
    const items = list.children;
    // Computed from the end so a long list stays linear.
    const tail: boolean[] = new Array<boolean>(items.length).fill(false);
    for (let k = items.length - 2; k >= 0; k--) {
      const next = items[k + 1];
      if (!next || this.startsWithLabel(next.children)) continue;
      tail[k] = this.isContent(next) || (tail[k + 1] ?? false);
    }
    items.forEach((item, k) => this.walk(item.children, tail[k] ?? false));
  }

  private startsWithLabel(children: readonly RootContent[]): boolean {
    const first = children[0];
    return first?.type === 'paragraph' && this.paragraphUnits(first)[0]?.kind === 'label';
  }

  private headingUnit(heading: Heading): Unit {
    const name = plainText(heading).trim();
    const checked = this.context.options.allHeadings || this.sections.has(normalize(stripColon(name)));
    return { kind: 'heading', depth: heading.depth, name, checked, range: heading.position };
  }

  private paragraphUnits(paragraph: Paragraph): Unit[] {
    let units = this.unitCache.get(paragraph);
    if (!units) {
      units = this.splitParagraph(paragraph);
      this.unitCache.set(paragraph, units);
    }
    return units;
  }

  private splitParagraph(paragraph: Paragraph): Unit[] {
    const lines = phrasingLines(paragraph.children);
    const labels = lines.map((line) => this.labelName(line));
    if (!labels.some((label) => label !== undefined)) {
      return [{ kind: 'block', content: this.linesHaveContent(lines) }];
    }
    const position = paragraph.position;
    // Line numbers come from counting breaks in the text; when that does not
    // match the source (an entity that decodes to a newline), only a
    // one-line paragraph can be a label.
    const exact = position !== undefined && position.end.line - position.start.line + 1 === lines.length;
    if (!exact) {
      const only = lines.length === 1 ? labels[0] : undefined;
      return only === undefined
        ? [{ kind: 'block', content: this.linesHaveContent(lines) }]
        : [{ kind: 'label', name: only, range: position }];
    }
    const units: Unit[] = [];
    let run: Line[] = [];
    const flush = () => {
      if (run.length) units.push({ kind: 'block', content: this.linesHaveContent(run) });
      run = [];
    };
    lines.forEach((line, k) => {
      const label = labels[k];
      if (label === undefined) {
        run.push(line);
        return;
      }
      flush();
      const range = lines.length === 1 ? position : this.lineRange(paragraph, k, lines.length);
      units.push({ kind: 'label', name: label, range });
    });
    flush();
    return units;
  }

  /** The label's name as written, when the line is only a configured name and a colon. */
  private labelName(line: Line): string | undefined {
    if (line.rich) return undefined;
    const text = line.text.trim();
    if (!text.endsWith(':')) return undefined;
    const name = text.slice(0, -1).trim();
    return name !== '' && this.sections.has(normalize(name)) ? name : undefined;
  }

  /** Range of line `k` of a multi-line paragraph, without indentation and blockquote markers. */
  private lineRange(paragraph: Paragraph, k: number, count: number): Range | undefined {
    const position = paragraph.position;
    if (!position) return undefined;
    const source = this.context.source;
    this.lineIndex ??= new LineIndex(source);
    const line = position.start.line + k;
    const lineStart = this.lineIndex.offset(line, 1);
    const newline = source.indexOf('\n', lineStart);
    const raw = source.slice(lineStart, newline === -1 ? source.length : newline).replace(/\r$/, '');
    let column = position.start.column;
    if (k > 0) {
      let i = 0;
      while (i < raw.length && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '>')) i++;
      column = i + 1;
    }
    const endColumn = k === count - 1 ? position.end.column : raw.trimEnd().length + 1;
    return { start: { line, column }, end: { line, column: endColumn } };
  }

  private linesHaveContent(lines: Line[]): boolean {
    if (lines.some((line) => line.rich)) return true;
    return !this.isPlaceholder(lines.map((line) => line.text).join(' '));
  }


  /** Does the node show the reader anything beyond whitespace, comments, empty items and placeholders? */
  private isContent(node: Nodes): boolean {
    let content = this.contentCache.get(node);
    if (content === undefined) {
      content = this.computeIsContent(node);
      this.contentCache.set(node, content);
    }
    return content;
  }

  private computeIsContent(node: Nodes): boolean {
    switch (node.type) {
      case 'paragraph':
        return this.paragraphUnits(node).some((unit) => unit.kind !== 'block' || unit.content);
      case 'heading':
        return plainText(node).trim() !== '';
      case 'html':
        return !isCommentOnly(node.value);
      case 'code':
        return node.value.trim() !== '';
      case 'list':
      case 'listItem':
      case 'blockquote':
      case 'footnoteDefinition':
        return (node.children as Nodes[]).some((child) => this.isContent(child));
      case 'thematicBreak':
      case 'definition':
      case 'yaml':
        return false;
      default:
        return true;
    }
  }

  private report(name: string, range: Range | undefined): void {
    const message = name
      ? `Unexpected empty section \`${name}\`, expected content under it`
      : 'Unexpected empty section, expected content under its heading';
    this.context.report(range ? { message, range } : { message });
  }
}

/** Splits a paragraph's inline content into source lines (soft and hard breaks). */
function phrasingLines(children: readonly PhrasingContent[]): Line[] {
  const lines: Line[] = [{ text: '', rich: false }];
  const current = () => lines[lines.length - 1] as Line;
  const newLines = (value: string, rich: boolean) => {
    for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) lines.push({ text: '', rich });
  };
  const walk = (nodes: readonly PhrasingContent[], rich: boolean) => {
    for (const node of nodes) {
      switch (node.type) {
        case 'text': {
          const value = node.value;
          // Most text nodes are one line.
          if (!value.includes('\n')) {
            const line = current();
            line.text += value;
            if (rich && value.trim() !== '') line.rich = true;
            break;
          }
          const parts = value.split('\n');
          parts.forEach((part, i) => {
            if (i > 0) lines.push({ text: '', rich: false });
            const line = current();
            line.text += part;
            if (rich && part.trim() !== '') line.rich = true;
          });
          break;
        }
        case 'break':
          lines.push({ text: '', rich: false });
          break;
        case 'strong':
        case 'emphasis':
        case 'delete':
          walk(node.children, rich);
          break;
        case 'html':
          if (!isCommentOnly(node.value)) current().rich = true;
          newLines(node.value, false);
          break;
        default:
          current().rich = true;
          if ('children' in node) walk(node.children as PhrasingContent[], true);
          else if ('value' in node) newLines(node.value, true);
          break;
      }
    }
  };
  walk(children, false);
  return lines;
}

function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if (node.type === 'image') return node.alt ?? '';
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

/** True when the HTML is nothing but comments (an unclosed one runs to the end, as in CommonMark). */
function isCommentOnly(html: string): boolean {
  let rest = html.trim();
  while (rest.startsWith('<!--')) {
    const close = rest.indexOf('-->', 2);
    if (close === -1) return true;
    rest = rest.slice(close + 3).trimStart();
  }
  return rest === '';
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

function stripColon(text: string): string {
  return text.endsWith(':') ? text.slice(0, -1).trim() : text;
}

const PUNCTUATION = new Set(['.', '!', ':', '…', '(', ')', '[', ']', ' ', '-', '—', '–', '*', '_']);

/** Trims punctuation at both ends with a loop: a regex like `[.!]+$` backtracks quadratically. */
/** Characters of a paragraph that a placeholder test looks at before normalising all of it. */
const PREFIX = 256;

/**
 * Is a text a placeholder: nothing but punctuation, one of `placeholders`
 * (case and whitespace aside), or one followed by a colon (`TODO: …`)?
 */
export function placeholderTest(placeholders: readonly string[]): (text: string) => boolean {
  // Without surrounding punctuation: what a placeholder text must start with.
  const bares = [...new Set(placeholders.map((p) => trimPunctuation(normalize(p))))].filter((bare) => bare !== '');
  const longest = Math.max(0, ...bares.map((bare) => bare.length));
  const firstCodes = new Set(bares.map((bare) => bare.charCodeAt(0)));
  return (text) => {
    // The normalised value starts at the first character that is neither
    // whitespace nor punctuation. When that is ASCII, its lower case must
    // start some placeholder; most paragraphs are told apart right there.
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128) break;
      if (code === 32 || (code >= 9 && code <= 13) || PUNCTUATION.has(text[i] as string)) continue;
      if (!firstCodes.has(code >= 65 && code <= 90 ? code + 32 : code)) return false;
      // Its next characters too: "The …" is told from `todo` and `tbd` at its second letter.
      if (!bares.some((bare) => mayStartWith(text, i, bare))) return false;
      break;
    }
    // Most paragraphs are told apart by their first words, without
    // normalising all of them. `head` is where the whole normalised value
    // starts; it is used only when it reaches past every placeholder, so
    // the characters compared are never its last (case folding can depend
    // on the character after).
    if (text.length > PREFIX) {
      const head = trimLeadingPunctuation(normalize(text.slice(0, PREFIX)));
      if (head.length > longest + 1 && !bares.some((bare) => head.startsWith(bare))) return false;
    }
    const value = trimPunctuation(normalize(text));
    if (value === '') return true;
    return bares.some((bare) => value === bare || value.startsWith(`${bare}:`));
  };
}

/**
 * Can the normalised value that starts at `text[start]` begin with `bare`?
 * False only on a sure difference: an ASCII character (case aside) other
 * than the bare's, or whitespace where the bare has none. A character that
 * normalising could change (beyond ASCII, or a space in the bare) and a text
 * that ends first leave the answer to the full test.
 */
function mayStartWith(text: string, start: number, bare: string): boolean {
  for (let j = 0, k = start; j < bare.length && k < text.length; j++, k++) {
    const expected = bare.charCodeAt(j);
    let code = text.charCodeAt(k);
    if (code >= 128 || expected === 32) return true;
    if (code === 32 || (code >= 9 && code <= 13)) return false;
    if (code >= 65 && code <= 90) code += 32;
    if (code !== expected) return false;
  }
  return true;
}

function trimLeadingPunctuation(text: string): string {
  let start = 0;
  while (start < text.length && PUNCTUATION.has(text[start] as string)) start++;
  return text.slice(start);
}

function trimPunctuation(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PUNCTUATION.has(text[start] as string)) start++;
  while (end > start && PUNCTUATION.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}
