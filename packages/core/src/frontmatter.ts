import type { FrontmatterFacts, KeyFacts, Range } from '@kblint/rule-kit';
import { LineIndex } from '@kblint/rule-kit';
import type { Yaml } from 'mdast';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';

/** More aliases than this in one frontmatter block is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses a frontmatter node with the `yaml` library in its safe defaults:
 * the core schema only, so `!!js/function` and friends stay inert strings,
 * and expansion of aliases is capped.
 */
export function readFrontmatter(node: Yaml | undefined, source: string, lines: LineIndex, fast = true): FrontmatterFacts {
  if (!node?.position) return { present: false, keys: {} };
  const blockStart = node.position.start.offset ?? 0;
  const blockEnd = node.position.end.offset ?? source.length;
  const range: Range = { start: lines.point(blockStart), end: lines.point(blockEnd) };
  // The YAML text starts on the line after the opening fence.
  const firstNewline = source.indexOf('\n', blockStart);
  const yamlStart = firstNewline === -1 ? blockEnd : firstNewline + 1;
  const toRange = (from: number, to: number): Range => ({
    start: lines.point(Math.min(yamlStart + from, blockEnd)),
    end: lines.point(Math.min(yamlStart + to, blockEnd)),
  });

  const simple = fast ? simpleFrontmatter(node.value) : undefined;
  if (simple) {
    const keys: Record<string, KeyFacts> = {};
    for (const [name, key] of Object.entries(simple.keys)) {
      keys[name] = {
        range: toRange(key.key[0], key.key[1]),
        valueRange: toRange(key.value[0], key.value[1]),
        ...(key.items ? { items: key.items.map(([from, to]) => toRange(from, to)) } : {}),
      };
    }
    return { present: true, range, data: simple.data, keys };
  }

  const lineCounter = new LineCounter();
  // logLevel 'error': the library would otherwise print its own warnings (a key that is a list, say) to stderr.
  const doc = parseDocument(node.value, { lineCounter, uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
  const firstError = doc.errors[0];
  if (firstError) {
    const [from, to] = firstError.pos;
    return {
      present: true,
      range,
      error: { message: firstLine(firstError.message), range: toRange(from, Math.max(to, from)) },
      keys: {},
    };
  }

  // An unknown tag (`!!js/function`, `!ruby/object`) stays an inert string
  // here, but other tools that read the same file may run it: say so.
  const unknownTag = doc.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) {
    const [from, to] = unknownTag.pos;
    const tag = node.value.slice(from, to).trim() || 'tag';
    return {
      present: true,
      range,
      error: {
        message: `unknown tag \`${tag}\`, expected plain YAML values (kblint never runs tags, but other YAML readers may)`,
        range: toRange(from, Math.max(to, from)),
      },
      keys: {},
    };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      present: true,
      range,
      error: { message: firstLine(error instanceof Error ? error.message : String(error)), range },
      keys: {},
    };
  }

  const keys: Record<string, KeyFacts> = {};
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = pair.key as YamlNode | null;
      if (!key?.range) continue;
      const name = String((key as { value?: unknown }).value ?? '');
      const value = pair.value as YamlNode | null;
      const keyRange = toRange(key.range[0], key.range[1]);
      const facts: KeyFacts = {
        range: keyRange,
        valueRange: value?.range ? toRange(value.range[0], value.range[1]) : keyRange,
      };
      if (isSeq(value)) {
        facts.items = value.items.map((item) => {
          const r = (item as YamlNode | null)?.range;
          return r ? toRange(r[0], r[1]) : keyRange;
        });
      }
      keys[name] = facts;
    }
  }
  return { present: true, range, data, keys };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

type Span = [number, number];

/**
 * The common frontmatter (`key: plain text`, `key: "quoted"`, `key: [a, b]`,
 * `key:` over `- item` lines) read without the YAML library, with the values
 * and ranges `parseDocument` gives. Anything else (numbers, booleans, nulls,
 * comments, nesting, escapes, anchors, duplicate keys...) returns undefined
 * and goes to the library; `frontmatter.test.ts` compares the two.
 */
export function simpleFrontmatter(value: string): { data: Record<string, unknown>; keys: Record<string, { key: Span; value: Span; items?: Span[] }> } | undefined {
  if (UNUSUAL.test(value)) return undefined;
  const data: Record<string, unknown> = {};
  const keys: Record<string, { key: Span; value: Span; items?: Span[] }> = {};
  const lines = value.split('\n');
  let offset = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const start = offset;
    offset += line.length + 1;
    i++;
    if (line === '') continue;
    const match = KEY_LINE.exec(line);
    if (!match) return undefined;
    const name = match[1] as string;
    if (Object.hasOwn(keys, name) || name === '__proto__' || NOT_A_STRING.test(name)) return undefined;
    const key: Span = [start, start + name.length];
    const rest = match[2];
    if (rest === undefined) {
      // `key:` followed by a block sequence.
      const items: Span[] = [];
      const list: string[] = [];
      let seqStart = -1;
      let indent = -1;
      while (i < lines.length) {
        const item = SEQUENCE_ITEM.exec(lines[i] as string);
        if (!item) break;
        const itemIndent = (item[1] as string).length;
        if (indent === -1) indent = itemIndent;
        else if (itemIndent !== indent) return undefined;
        const itemStart = offset + itemIndent + 2;
        if (seqStart === -1) seqStart = offset + itemIndent;
        const scalar = readScalar(item[2] as string);
        if (scalar === undefined) return undefined;
        list.push(scalar);
        items.push([itemStart, itemStart + (item[2] as string).length]);
        offset += (lines[i] as string).length + 1;
        i++;
      }
      if (seqStart === -1) return undefined;
      data[name] = list;
      keys[name] = { key, value: [seqStart, Math.min(offset, value.length)], items };
      continue;
    }
    const valueStart = start + name.length + 2;
    if (rest.startsWith('[')) {
      if (!rest.endsWith(']')) return undefined;
      const inner = rest.slice(1, -1);
      const list: string[] = [];
      const items: Span[] = [];
      if (inner.trim() !== '') {
        let at = valueStart + 1;
        for (const part of inner.split(',')) {
          const lead = part.length - part.trimStart().length;
          const text = part.trim();
          const scalar = readScalar(text);
          if (scalar === undefined || /[[\]{}]/.test(text)) return undefined;
          list.push(scalar);
          items.push([at + lead, at + lead + text.length]);
          at += part.length + 1;
        }
      } else if (inner !== '') return undefined;
      data[name] = list;
      keys[name] = { key, value: [valueStart, valueStart + rest.length], items };
      continue;
    }
    const scalar = readScalar(rest);
    if (scalar === undefined) return undefined;
    data[name] = scalar;
    keys[name] = { key, value: [valueStart, valueStart + rest.length] };
  }
  // An empty block is null to YAML, not a mapping.
  return Object.keys(keys).length ? { data, keys } : undefined;
}

/** `key: rest` or `key:` at the start of a line; plain keys only. */
const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_-]*):(?: (\S(?:.*\S)?))?$/;
const SEQUENCE_ITEM = /^( *)- (\S(?:.*\S)?)$/;
/** A plain scalar that stays a string in YAML's core schema: no indicators, no `: ` or ` #`, not a number, bool or null. */
const PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`.+~0-9][^:#\\\t]*$/;
/** Control characters, BOMs and line separators: the library has opinions about each. */
const UNUSUAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;
const NOT_A_STRING = /^(?:null|true|false)$/i;

function readScalar(text: string): string | undefined {
  if (text.length >= 2 && text[0] === '"' && text[text.length - 1] === '"') {
    const inner = text.slice(1, -1);
    return /["\\]/.test(inner) ? undefined : inner;
  }
  if (text.length >= 2 && text[0] === "'" && text[text.length - 1] === "'") {
    const inner = text.slice(1, -1);
    return inner.includes("'") ? undefined : inner;
  }
  if (!PLAIN.test(text) || NOT_A_STRING.test(text)) return undefined;
  return text;
}

/** A YAML snippet as a rule reads it (`RuleEnvironment.readYaml`): undefined on any error or warning, and nothing is logged. */
export function readYamlSnippet(text: string): unknown {
  const doc = parseDocument(text, { logLevel: 'silent' });
  if (doc.errors.length || doc.warnings.length) return undefined;
  return doc.toJS({ maxAliasCount: 0 }) ?? undefined;
}
