import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from './knowledge-base.js';

const root = mkdtempSync(path.join(tmpdir(), 'kblint-kb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const article = (title: string, body: string, extra = '') => `---\ntitle: ${title}\ncategory: Reasoning\n${extra}---\n\n# ${title}\n\n${body}\n`;
const files: Record<string, string> = {
  '.kblintrc.yml': 'content: content\ntaxonomy:\n  categories:\n    - { name: Reasoning, slug: reasoning }\n',
  'content/reasoning/b.md': article('Bravo', '## Details\n\nText.', 'aliases: [Bee]\n'),
  'content/reasoning/wiki.md': article('Wiki', 'See [[Bee#Details]].'),
  'content/reasoning/relative.md': article('Relative', 'See [b](b.md#details).'),
  'content/reasoning/absolute.md': article('Absolute', 'See [b](/reasoning/b#details).'),
  'content/reasoning/other.md': article('Other', 'See [[Wiki]].'),
};
for (const [name, content] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  writeFileSync(path.join(root, name), content);
}
const at = (name: string) => path.join(root, 'content/reasoning', name);

describe('KnowledgeBase', () => {
  it('re-checks exactly the open documents linking to an edited one, by every link form, and all of them when its title or aliases change', async () => {
    const kb = new KnowledgeBase({ root, workers: 1 });
    await kb.load();
    for (const name of ['wiki.md', 'relative.md', 'absolute.md', 'other.md']) kb.setText(at(name), files[`content/reasoning/${name}`] as string);
    const names = (paths: string[]) => paths.map((p) => path.basename(p)).sort();

    const body = kb.setText(at('b.md'), article('Bravo', '## Renamed\n\nText.', 'aliases: [Bee]\n'));
    expect(names(kb.dependents(body))).toEqual(['absolute.md', 'relative.md', 'wiki.md']);
    expect(kb.diagnose(at('wiki.md')).map((d) => `${d.line}:${d.column} ${d.ruleId}`)).toEqual(['8:5 no-dangling-links']);

    // The alias is gone: [[Bee]] used to reach b.md, so wiki.md is re-checked too.
    const alias = kb.setText(at('b.md'), article('Bravo', '## Details\n\nText.'));
    expect(names(kb.dependents(alias))).toEqual(['absolute.md', 'other.md', 'relative.md', 'wiki.md']);
    expect(kb.diagnose(at('wiki.md')).map((d) => `${d.line}:${d.column} ${d.ruleId}`)).toEqual(['8:5 no-dangling-links']);
  });

  it("indexes from the project's .kblintcache on a second start, with the same findings", async () => {
    const first = new KnowledgeBase({ root, workers: 1 });
    await first.load();
    expect(existsSync(path.join(root, '.kblintcache'))).toBe(true);
    const second = new KnowledgeBase({ root, workers: 1 });
    await second.load();
    expect([...second.getIndex().articles()].map((a) => a.id).sort()).toEqual([...first.getIndex().articles()].map((a) => a.id).sort());
    for (const kb of [first, second]) kb.setText(at('other.md'), article('Other', 'See [[Wiki]] and [[Nowhere]].'));
    expect(second.diagnose(at('other.md'))).toEqual(first.diagnose(at('other.md')));
    expect(second.diagnose(at('other.md')).map((d) => `${d.line}:${d.column} ${d.ruleId}`)).toEqual(['8:18 no-dangling-links']);
  });

  it('lets the disk count again when a document closes, and forgets files deleted on disk', async () => {
    const kb = new KnowledgeBase({ root, workers: 1 });
    await kb.load();
    kb.setText(at('wiki.md'), files['content/reasoning/wiki.md'] as string);
    kb.setText(at('b.md'), article('Bravo', 'No details.', 'aliases: [Bee]\n'));
    expect(kb.diagnose(at('wiki.md')).map((d) => d.ruleId)).toEqual(['no-dangling-links']);
    const closed = await kb.close(at('b.md'));
    expect(closed.after?.headings.map((h) => h.text)).toEqual(['Bravo', 'Details']);
    expect(kb.diagnose(at('wiki.md'))).toEqual([]);

    rmSync(at('relative.md'));
    const deleted = await kb.fileChanged(at('relative.md'));
    expect(deleted?.after).toBeUndefined();
    expect(kb.getIndex().get(at('relative.md'))).toBeUndefined();
  });
});
