/** Empty and placeholder footnotes, against the plain definition of both, on generated definitions. */
import { createParser } from '../../../packages/core/src/syntax.js';
import type { FootnoteDefinition, Nodes } from 'mdast';
import { describe, expect, it } from 'vitest';
import { runExample } from '../../../tests/helpers/readme-examples.js';
import { seededRandom } from '../../../tests/helpers/random.js';

const FRONTMATTER = '---\ntitle: ReAct\ncategory: Reasoning\n---\n\n';
const PLACEHOLDER = /^(?:todo|tbd|tba|fixme|xxx|\?+|citation needed|source needed|…|\.{3})$/;
const NOTE_TO_SELF = /^(?:TODO|TBD|FIXME)\b\s*[:-]/;

function plainText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') return node.value;
  if (!('children' in node)) return '';
  return (node.children as Nodes[]).map(plainText).join(node.type === 'footnoteDefinition' ? ' ' : '');
}
function contains(node: Nodes, test: (node: Nodes) => boolean): boolean {
  return test(node) || ('children' in node && (node.children as Nodes[]).some((child) => contains(child, test)));
}
function isPlaceholder(text: string): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && ' \t\n[]()*_'.includes(text[start] as string)) start++;
  while (end > start && ' \t\n[]()*_:'.includes(text[end - 1] as string)) end--;
  const wrapped = text.slice(start, end);
  return PLACEHOLDER.test(wrapped.toLowerCase()) || NOTE_TO_SELF.test(wrapped);
}
/** The definition the rule must keep: normalise the whole text, then test every paragraph. */
function expected(definition: FootnoteDefinition): 'empty' | 'placeholder' | undefined {
  const text = plainText(definition).replace(/\s+/g, ' ').trim();
  const hasLinks = contains(definition, (node) => node.type === 'link' || node.type === 'image' || node.type === 'linkReference');
  if (text === '' && !hasLinks) return 'empty';
  const blocks = definition.children.map((child) => plainText(child).trim()).filter((block) => block !== '');
  return blocks.every(isPlaceholder) && !hasLinks ? 'placeholder' : undefined;
}

describe('citation-has-source: empty and placeholder definitions', () => {
  it('reports what normalising each whole definition reports, on 600 generated definitions', async () => {
    const random = seededRandom(17);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const pieces = ['TODO', 'todo:', 'TBD', '(TBD)', '**TODO**', 'FIXME - later', '?', '???', '...', '…', 'citation needed', 'Smith (2020).', '`x`', '[link](https://e.org)', '\u00a0', '\u3000', ' ', '*', '_'];
    const parser = createParser();
    let body = 'Text';
    const definitions: string[] = [];
    for (let n = 0; n < 600; n++) {
      let first = '';
      for (let k = Math.floor(random() * 3); k >= 0; k--) first += pick(pieces);
      // Half have a second paragraph: a placeholder, text that shows nothing, a source or a link.
      const second = random() < 0.5 ? `\n\n    ${pick(['TODO', '???', '(TBD)', '\u00a0', '\u3000\u00a0', 'Smith (2020).', '[x](https://e.org)'])}` : '';
      body += `[^n${n}]`;
      definitions.push(`[^n${n}]: ${first}${second}`);
    }
    const source = `${FRONTMATTER}${body}.\n\n${definitions.join('\n\n')}\n`;
    const tree = parser.parse(source);
    const wanted = new Map<string, string | undefined>();
    for (const node of tree.children) if (node.type === 'footnoteDefinition') wanted.set(node.identifier, expected(node));
    const { result } = await runExample(
      { title: 'placeholders', config: {}, files: [{ path: 'content/reasoning/react.md', content: source }], output: [], allRules: false },
      'citation-has-source',
    );
    const got = new Map<string, string>();
    for (const d of result.diagnostics.filter((d) => d.ruleId === 'citation-has-source')) {
      const label = /`\[\^(n\d+)\]`/.exec(d.message)?.[1] as string;
      got.set(label, d.message.startsWith('Unexpected empty') ? 'empty' : 'placeholder');
    }
    for (const [label, kind] of wanted) expect(got.get(label), label).toBe(kind);
    const kinds = [...wanted.values()];
    // Every outcome was common.
    for (const kind of ['empty', 'placeholder', undefined]) expect(kinds.filter((k) => k === kind).length, String(kind)).toBeGreaterThan(10);
  });
});
