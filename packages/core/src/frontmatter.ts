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
export function readFrontmatter(node: Yaml | undefined, source: string, lines: LineIndex): FrontmatterFacts {
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

  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, { lineCounter, uniqueKeys: true, prettyErrors: false });
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
