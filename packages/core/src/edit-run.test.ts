import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../tests/helpers/random.js';
import { LintCache } from './cache.js';
import { lint } from './runner.js';

// Random edits to a small, densely linked knowledge base, linted with every
// built-in rule after each: a run with the cache must report exactly what a
// run without it reports, whichever way the cache answered (the whole last
// run, the graph of an edit run, or every entry).

const TAXONOMY = 'categories:\n  - { name: Reasoning, slug: reasoning }\n  - { name: Tools, slug: tools }\n';
const HEADINGS = ['Overview', 'How It Works', 'Limits', 'History', 'Examples', 'See Also'];
const FOLDERS = ['reasoning', 'tools'];

interface Article {
  folder: string;
  stem: string;
  title: string;
  headings: string[];
  links: string[];
  body: string;
}

const slug = (text: string) => text.toLowerCase().replace(/\s+/g, '-');
const file = (a: Article) => `content/${a.folder}/${a.stem}.md`;

function render(a: Article): string {
  const sections = a.headings.map((heading, i) => `## ${heading}\n\n${i === 0 ? `${a.body} ${a.links.join(' ')}` : `Text of ${heading}.`}[^${i + 1}]\n`);
  const notes = a.headings.map((_, i) => `[^${i + 1}]: Source ${i + 1}, p. ${i + 3}.`);
  return `---\ntitle: ${a.title}\ncategory: ${a.folder === 'tools' ? 'Tools' : 'Reasoning'}\n---\n\n# ${a.title}\n\n${sections.join('\n')}\n${notes.join('\n')}\n`;
}

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('edit runs', () => {
  it('report what an uncached run reports after each of 60 random edits', async () => {
    const next = seededRandom(20261128);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    dir = mkdtempSync(path.join(tmpdir(), 'kblint-edit-'));
    const write = (name: string, text: string) => {
      const target = path.join(dir, name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
      // Old enough for the stat table to vouch for it, as on a real disk.
      const past = new Date(Date.now() - 60_000 + Math.floor(next() * 1000));
      utimesSync(target, past, past);
    };
    write('taxonomy.yml', TAXONOMY);
    write('.kblintrc.yml', 'content: content\ntaxonomy: taxonomy.yml\n');

    let made = 0;
    const articles: Article[] = [];
    const link = (): string => {
      const target = pick(articles);
      const heading = next() < 0.3 ? 'Nowhere' : pick(target.headings);
      switch (Math.floor(next() * 4)) {
        case 0:
          return `[${target.title}](../${target.folder}/${target.stem}.md#${slug(heading)})`;
        case 1:
          return `[[${target.title}#${heading}]]`;
        case 2:
          return `[[${target.title}]]`;
        default:
          return `[see](/${target.folder}/${target.stem})`;
      }
    };
    const add = () => {
      const article: Article = { folder: pick(FOLDERS), stem: `a${made}`, title: `Article ${made}`, headings: ['Overview', pick(HEADINGS)], links: [], body: 'Body.' };
      made++;
      articles.push(article);
      return article;
    };
    for (let i = 0; i < 16; i++) add();
    for (const article of articles) article.links = [link(), link()];
    for (const article of articles) write(file(article), render(article));

    const edits: Record<string, () => void> = {
      body: () => {
        const a = pick(articles);
        a.body = `Body ${Math.floor(next() * 1000)}.`;
        write(file(a), render(a));
      },
      heading: () => {
        const a = pick(articles);
        a.headings[a.headings.length - 1] = pick(HEADINGS);
        write(file(a), render(a));
      },
      addLink: () => {
        const a = pick(articles);
        a.links.push(link());
        write(file(a), render(a));
      },
      dropLink: () => {
        const a = pick(articles);
        a.links.pop();
        write(file(a), render(a));
      },
      title: () => {
        const a = pick(articles);
        a.title = next() < 0.5 ? `Article ${Math.floor(next() * made)}` : `${a.title} Revised`;
        write(file(a), render(a));
      },
      footnote: () => {
        const a = pick(articles);
        writeFileSync(path.join(dir, file(a)), `${render(a)}[^9]: A source without a call.\n`);
      },
      remove: () => {
        const a = pick(articles);
        if (articles.length < 8) return;
        articles.splice(articles.indexOf(a), 1);
        rmSync(path.join(dir, file(a)));
      },
      create: () => {
        const a = add();
        a.links = [link()];
        write(file(a), render(a));
      },
      nothing: () => {},
    };
    // Mostly the edits an author makes between two runs; now and then one that renames or adds or deletes an article.
    const weighted = ['body', 'body', 'heading', 'heading', 'addLink', 'addLink', 'dropLink', 'footnote', 'title', 'remove', 'create', 'nothing'];
    const location = path.join(dir, '.kblintcache');
    const paths = { edit: 0, reused: 0, full: 0 };
    await lint({ cwd: dir, cache: new LintCache(location) });
    for (let step = 0; step < 60; step++) {
      const kind = pick(weighted);
      (edits[kind] as () => void)();
      const cache = new LintCache(location);
      const cached = await lint({ cwd: dir, cache });
      const uncached = await lint({ cwd: dir });
      if (JSON.stringify(cached.diagnostics) !== JSON.stringify(uncached.diagnostics)) {
        expect.fail(`step ${step} (${kind}): the cached run reported ${JSON.stringify(cached.diagnostics, null, 1)}\nexpected ${JSON.stringify(uncached.diagnostics, null, 1)}`);
      }
      if (cache.stats.edit) paths.edit++;
      else if (cache.stats.runReused) paths.reused++;
      else paths.full++;
    }
    // Every way of answering was taken, the edit run most often.
    expect(paths).toEqual({ edit: 40, reused: 7, full: 13 });
  });
});
