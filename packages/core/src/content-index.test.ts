import type { ArticleFacts, LinkResolution } from '@kblint/rule-kit';
import { githubSlugger } from '@kblint/rule-kit';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeMatches, isInside, KnowledgeIndex, wikiKey } from './content-index.js';
import { extractFacts } from './facts.js';
import { createParser } from './syntax.js';

const ROOT = path.resolve('/kb');
const CONTENT = path.join(ROOT, 'content');
const parser = createParser();

function facts(relPath: string, markdown: string): ArticleFacts {
  const file = path.join(CONTENT, relPath);
  return extractFacts(parser.parse(markdown), markdown, { path: file, contentRoot: CONTENT }, githubSlugger);
}

const react = facts(
  'reasoning/react.md',
  '---\ntitle: ReAct\naliases: [Reason and Act]\n---\n\n# ReAct\n\n## How It Works\n\n## Examples\n\n## Examples\n\n<a name="legacy"></a>\n',
);
const cot = facts('reasoning/chain-of-thought.md', '---\ntitle: Chain-of-Thought Prompting\naliases: [CoT]\n---\n\n# Chain of thought\n');
const guide = facts('meta/style guide.md', '---\ntitle: Style Guide\n---\n');
const reasoningOverview = facts('reasoning/overview.md', '# Reasoning overview\n');
const toolsOverview = facts('tools/overview.md', '# Tools overview\n');
const frameworksIndex = facts('frameworks/index.md', '# Frameworks\n');

/** Files that exist besides the articles, and every path the index asked about. */
function build(articles: ArticleFacts[] = [react, cot, guide, reasoningOverview, toolsOverview, frameworksIndex]) {
  const assets = new Set([path.join(CONTENT, 'assets/loop.svg'), path.join(ROOT, 'README.md')]);
  const probed: string[] = [];
  const index = new KnowledgeIndex(articles, {
    contentRoot: CONTENT,
    projectRoot: ROOT,
    fileExists: (file) => {
      probed.push(file);
      return assets.has(file);
    },
  });
  return { index, probed };
}

/** Resolves the links written in a file at `relPath`, in order, as `status target#anchor` strings. */
function resolveAll(relPath: string, markdown: string, index = build().index): string[] {
  const from = facts(relPath, markdown);
  return from.links.map((link) => describeResolution(index.resolveLink(from, link)));
}

function describeResolution(resolution: LinkResolution): string {
  switch (resolution.status) {
    case 'ok':
      return `ok ${resolution.target?.id ?? (resolution.file ? path.relative(ROOT, resolution.file) : '(site page)')}${resolution.anchor ? `#${resolution.anchor}` : ''}`;
    case 'missing-target':
      return `missing-target ${resolution.path}${resolution.suggestions ? ` -> ${resolution.suggestions.join(', ')}` : ''}`;
    case 'missing-anchor':
      return `missing-anchor ${resolution.target.id}#${resolution.anchor}${resolution.suggestions ? ` -> ${resolution.suggestions.join(', ')}` : ''}`;
    case 'ambiguous':
      return `ambiguous ${resolution.candidates.map((c) => c.id).join(', ')}`;
    case 'outside-repo':
      return `outside-repo ${resolution.path}`;
    case 'external':
      return 'external';
  }
}

describe('KnowledgeIndex: relative links', () => {
  it('resolves `y.md`, `./y.md`, `../x/y.md`, extensionless and folder links, with anchors', () => {
    expect(
      resolveAll(
        'reasoning/self-consistency.md',
        '[a](react.md) [b](./react.md#how-it-works) [c](../reasoning/react.md#examples-1) [d](react) [e](../frameworks/) [f](react.md#legacy)',
      ),
    ).toEqual([
      'ok reasoning/react',
      'ok reasoning/react#how-it-works',
      'ok reasoning/react#examples-1',
      'ok reasoning/react',
      'ok frameworks/index',
      'ok reasoning/react#legacy',
    ]);
  });

  it('accepts links to folders that hold articles, as GitHub and the site render them', () => {
    expect(resolveAll('tools/search.md', '[a](../reasoning/) [b](../reasoning) [c](..) [d](../assets/) [e](../nothing/)')).toEqual([
      'ok (site page)',
      'ok (site page)',
      'ok (site page)',
      'missing-target ../assets/',
      'missing-target ../nothing/',
    ]);
  });

  it('decodes percent-encoding and reads angle-bracket destinations', () => {
    expect(resolveAll('meta/contributing.md', '[a](style%20guide.md) [b](<style guide.md>) [c](style%20gide.md)')).toEqual([
      'ok meta/style guide',
      'ok meta/style guide',
      'missing-target style gide.md -> style guide.md',
    ]);
  });

  it('suggests close article paths, never the linking file itself, keeping the `./` and extension style', () => {
    expect(resolveAll('reasoning/reakt.md', '[a](reakt2.md) [b](./reac.md) [c](../reasoning/reac) [d](nothing-like-this.md)')).toEqual([
      'missing-target reakt2.md -> react.md',
      'missing-target ./reac.md -> ./react.md',
      'missing-target ../reasoning/reac -> ../reasoning/react',
      'missing-target nothing-like-this.md',
    ]);
  });

  it('finds the same file name in another folder, and a misspelt folder, one edit away', () => {
    expect(resolveAll('tools/search.md', '[a](./chain-of-thought.md) [b](../reasonin/react.md) [c](/tools/react) [d](../meta/react.md#how-it-works)')).toEqual([
      'missing-target ./chain-of-thought.md -> ../reasoning/chain-of-thought.md',
      'missing-target ../reasonin/react.md -> ../reasoning/react.md',
      'missing-target /tools/react -> /reasoning/react',
      'missing-target ../meta/react.md -> ../reasoning/react.md',
    ]);
  });

  it('reports missing anchors with the closest anchors', () => {
    expect(resolveAll('tools/search.md', '[a](../reasoning/react.md#how-it-work) [b](../reasoning/react.md#HOW-IT-WORKS) [c](../reasoning/react.md#zzz)')).toEqual([
      'missing-anchor reasoning/react#how-it-work -> how-it-works',
      'ok reasoning/react#HOW-IT-WORKS',
      'missing-anchor reasoning/react#zzz',
    ]);
  });

  it('accepts existing files outside the articles and reports missing ones without suggestions', () => {
    expect(resolveAll('reasoning/a.md', '![x](../assets/loop.svg) [r](../../README.md) ![y](../assets/loop.png)')).toEqual([
      'ok content/assets/loop.svg',
      'ok README.md',
      'missing-target ../assets/loop.png',
    ]);
  });

  it('reports links that leave the repository without probing the disk for them', () => {
    const { index, probed } = build();
    expect(resolveAll('reasoning/a.md', '[a](../../../../etc/passwd) [b](../../../kb2/x.md) [c](/../../etc/hosts)', index)).toEqual([
      'outside-repo ../../../../etc/passwd',
      'outside-repo ../../../kb2/x.md',
      'outside-repo /../../etc/hosts',
    ]);
    expect(probed).toEqual([]);
  });
});

describe('KnowledgeIndex: site-absolute links', () => {
  it('resolves `/<category>/<file>` with or without `.md` or a trailing slash, and the site pages', () => {
    expect(
      resolveAll(
        'tools/search.md',
        '[a](/reasoning/react) [b](/reasoning/react.md) [c](/reasoning/react/) [d](/reasoning/react#how-it-works) [e](/reasoning/) [f](/reasoning) [g](/) [h](/assets/loop.svg) [i](/frameworks/)',
      ),
    ).toEqual([
      'ok reasoning/react',
      'ok reasoning/react',
      'ok reasoning/react',
      'ok reasoning/react#how-it-works',
      'ok (site page)',
      'ok (site page)',
      'ok (site page)',
      'ok content/assets/loop.svg',
      'ok frameworks/index',
    ]);
  });

  it('is case-sensitive like URLs, and suggests in the style written', () => {
    expect(resolveAll('tools/search.md', '[a](/Reasoning/React) [b](/reasoning/reakt.md) [c](/reasoning/reakt/) [d](/nothing/at-all) [e](/safety/)')).toEqual([
      'missing-target /Reasoning/React -> /reasoning/react',
      'missing-target /reasoning/reakt.md -> /reasoning/react.md',
      'missing-target /reasoning/reakt/ -> /reasoning/react/',
      'missing-target /nothing/at-all',
      'missing-target /safety/',
    ]);
  });
});

describe('KnowledgeIndex: same-file anchors', () => {
  it('checks anchors of the linking file, including duplicate suffixes and HTML anchors', () => {
    expect(
      resolveAll('reasoning/a.md', '# A\n\n## Setup\n\n## Setup\n\n<span id="note"></span>\n\n[a](#setup-1) [b](#note) [c](#) [d](#setup-2) [e](#setpu)'),
    ).toEqual(['ok reasoning/a#setup-1', 'ok reasoning/a#note', 'ok reasoning/a', 'missing-anchor reasoning/a#setup-2 -> setup-1, setup', 'missing-anchor reasoning/a#setpu -> setup']);
  });

  it('accepts the anchors a rendered page adds: #top, user-content- ids, and the anchors of footnotes that are defined and referenced', () => {
    const markdown = [
      '# A',
      '',
      '## Setup',
      '',
      'Text.[^note-2] More.[^Café] Again.[^CAFÉ]',
      '',
      '[^note-2]: First.',
      '[^café]: Second.',
      '[^unused]: Never cited.',
      '',
      '<span id="Aside"></span>',
      '',
      '[a](#top) [b](#user-content-setup) [c](#fn-note-2) [d](#fnref-note-2) [e](#FN-Caf%C3%A9) [f](#user-content-fnref-caf%C3%A9-2)',
      '[g](#user-content-top) [h](#fn-unused) [i](#fnref-café-3) [j](#fnref-note) [k](#fn-) [l](#user-content-) [m](#fn-cited-only) [n](#user-content-Aside)',
      '',
      'Cited, never defined.[^cited-only]',
    ].join('\n');
    expect(resolveAll('reasoning/a.md', markdown).map((line) => line.replace(/ -> .*/, ''))).toEqual([
      'ok reasoning/a#top',
      'ok reasoning/a#user-content-setup',
      'ok reasoning/a#fn-note-2',
      'ok reasoning/a#fnref-note-2',
      'ok reasoning/a#FN-Café',
      'ok reasoning/a#user-content-fnref-café-2',
      'missing-anchor reasoning/a#user-content-top',
      'missing-anchor reasoning/a#fn-unused',
      'missing-anchor reasoning/a#fnref-café-3',
      'missing-anchor reasoning/a#fnref-note',
      'missing-anchor reasoning/a#fn-',
      'missing-anchor reasoning/a#user-content-',
      'missing-anchor reasoning/a#fn-cited-only',
      'ok reasoning/a#user-content-Aside',
    ]);
    // Another article's footnotes, through a relative link.
    const cited = facts('reasoning/cited.md', '# Cited\n\nA claim.[^1]\n\n[^1]: A source.\n');
    const index = build([cited]).index;
    expect(resolveAll('reasoning/b.md', '[x](cited.md#fn-1) [y](cited.md#user-content-fnref-1) [z](cited.md#fn-2)', index).map((line) => line.replace(/ -> .*/, ''))).toEqual([
      'ok reasoning/cited#fn-1',
      'ok reasoning/cited#user-content-fnref-1',
      'missing-anchor reasoning/cited#fn-2',
    ]);
  });
});

describe('KnowledgeIndex: wiki links', () => {
  it('matches title, alias, file stem and `category/stem`, case-insensitively and whitespace-collapsed', () => {
    expect(
      resolveAll('tools/search.md', '[[ReAct]] [[react]] [[reason  and act]] [[Reasoning/React]] [[react.md]] [[CoT|label]] [[Style Guide]] [[style guide]]'),
    ).toEqual([
      'ok reasoning/react',
      'ok reasoning/react',
      'ok reasoning/react',
      'ok reasoning/react',
      'ok reasoning/react',
      'ok reasoning/chain-of-thought',
      'ok meta/style guide',
      'ok meta/style guide',
    ]);
  });

  it('matches a heading by text or anchor; repeated headings by text mean the first, later ones by anchor', () => {
    expect(
      resolveAll('tools/search.md', '[[ReAct#How It Works]] [[ReAct#how  it works|x]] [[ReAct#how-it-works]] [[ReAct#Examples]] [[ReAct#examples-1]] [[ReAct#legacy]] [[ReAct#]]'),
    ).toEqual([
      'ok reasoning/react#how-it-works',
      'ok reasoning/react#how-it-works',
      'ok reasoning/react#how-it-works',
      'ok reasoning/react#examples',
      'ok reasoning/react#examples-1',
      'ok reasoning/react#legacy',
      'ok reasoning/react',
    ]);
  });

  it('suggests heading text for text and anchors for slugs', () => {
    expect(resolveAll('tools/search.md', '[[ReAct#How It Work]] [[ReAct#how-it-work]] [[ReAct#Nothing]]')).toEqual([
      'missing-anchor reasoning/react#How It Work -> How It Works',
      'missing-anchor reasoning/react#how-it-work -> how-it-works',
      'missing-anchor reasoning/react#Nothing',
    ]);
  });

  it('resolves `[[#Heading]]` in the linking file and reports empty links', () => {
    expect(resolveAll('tools/search.md', '# Search\n\n## Usage\n\n[[#Usage]] [[#usage]] [[#Use]] [[ ]] [[|label]]')).toEqual([
      'ok tools/search#usage',
      'ok tools/search#usage',
      'missing-anchor tools/search#Use -> Usage',
      'missing-target ',
      'missing-target ',
    ]);
  });

  it('resolves `![[file.ext]]` embeds beside the article or under the content root, never probing outside', () => {
    const { index, probed } = build();
    expect(resolveAll('tools/search.md', '![[assets/loop.svg]] ![[../assets/loop.svg]] ![[loop.svg]] ![[../../../etc/passwd.png]] ![[ReAct]] [[loop.svg]]', index)).toEqual([
      'ok content/assets/loop.svg',
      'ok content/assets/loop.svg',
      'missing-target loop.svg',
      'outside-repo ../../../etc/passwd.png',
      'ok reasoning/react',
      // Without `!` it is a wiki link to an article named `loop.svg`.
      'missing-target loop.svg',
    ]);
    expect(probed.every((file) => file.startsWith(ROOT + path.sep))).toBe(true);
  });

  it('lists every candidate of an ambiguous target by id, and suggests names for a missing one (hyphens are not spaces)', () => {
    expect(resolveAll('meta/index.md', '[[Overview]] [[tools/overview]] [[ReAkt]] [[Chain of Thought Prompting]] [[Nothing Like It]]')).toEqual([
      'ambiguous reasoning/overview, tools/overview',
      'ok tools/overview',
      'missing-target ReAkt -> ReAct',
      'missing-target Chain of Thought Prompting -> Chain-of-Thought Prompting',
      'missing-target Nothing Like It',
    ]);
  });
});

describe('KnowledgeIndex: titles, updates and backlinks', () => {
  it('finds articles by title or alias, not by file name', () => {
    const { index } = build();
    expect(index.findByTitle('reason and act').map((a) => a.id)).toEqual(['reasoning/react']);
    expect(index.findByTitle(' REACT ').map((a) => a.id)).toEqual(['reasoning/react']);
    expect(index.findByTitle('chain-of-thought').map((a) => a.id)).toEqual([]);
    expect(index.findWikiTargets('chain-of-thought').map((a) => a.id)).toEqual(['reasoning/chain-of-thought']);
  });

  it('looks ids up exactly first, then case-insensitively', () => {
    const { index } = build();
    expect(index.byId('reasoning/react')?.id).toBe('reasoning/react');
    expect(index.byId('Reasoning/React')?.id).toBe('reasoning/react');
    expect(index.byId('reasoning/nothing')).toBeUndefined();
  });

  it('updates incrementally: a removed or renamed article stops resolving, its backlinks move', () => {
    const linking = facts('tools/search.md', '[[ReAct]] and [the loop](../reasoning/react.md#how-it-works)');
    const { index } = build([react, cot, linking]);
    expect(index.backlinks(react.path).map((b) => b.link.raw)).toEqual(['ReAct', '../reasoning/react.md#how-it-works']);

    index.remove(react.path);
    expect(linking.links.map((link) => describeResolution(index.resolveLink(linking, link)))).toEqual([
      'missing-target ReAct',
      'missing-target ../reasoning/react.md',
    ]);
    expect(index.backlinks(react.path)).toEqual([]);

    const renamed = facts('reasoning/react-pattern.md', '---\ntitle: ReAct\n---\n\n## How It Works\n');
    index.upsert(renamed);
    expect(linking.links.map((link) => describeResolution(index.resolveLink(linking, link)))).toEqual([
      'ok reasoning/react-pattern',
      // Too far from the old name to guess: no suggestion.
      'missing-target ../reasoning/react.md',
    ]);
    expect(index.backlinks(renamed.path).map((b) => b.from.id)).toEqual(['tools/search']);
    expect(index.size).toBe(3);
  });

  it('replaces an article upserted at the same path, dropping its old names', () => {
    const { index } = build([react]);
    index.upsert(facts('reasoning/react.md', '---\ntitle: Reason then Act\n---\n'));
    expect(index.findByTitle('ReAct')).toEqual([]);
    expect(index.findByTitle('Reason then Act').map((a) => a.id)).toEqual(['reasoning/react']);
    expect(index.size).toBe(1);
  });

  it('counts a link to itself as no backlink', () => {
    const self = facts('reasoning/self.md', '# Self\n\n[[Self]] [top](#self)');
    const { index } = build([self]);
    expect(index.backlinks(self.path)).toEqual([]);
  });
});

describe('closeMatches', () => {
  it('orders by distance then alphabetically, counts normalised duplicates once, and stops at 40%', () => {
    expect(closeMatches('reakt', ['react', 'ReAct', 'reach', 'zebra'])).toEqual(['react', 'reach']);
    expect(closeMatches('memory and retrieval', ['Memory & Retrieval'])).toEqual(['Memory & Retrieval']);
    expect(closeMatches('abc', ['xyz'])).toEqual([]);
    expect(closeMatches('a', ['b', 'c', 'd', 'e', 'f', 'g'])).toEqual(['b', 'c', 'd', 'e', 'f']);
  });
});

describe('isInside and wikiKey', () => {
  it('is path arithmetic, not a prefix test', () => {
    expect(isInside(ROOT, path.join(ROOT, 'content/a.md'))).toBe(true);
    expect(isInside(ROOT, ROOT)).toBe(true);
    expect(isInside(ROOT, path.join(ROOT, '..foo/a.md'))).toBe(true);
    expect(isInside(ROOT, path.resolve(ROOT, '../kb2/a.md'))).toBe(false);
    expect(isInside(ROOT, path.resolve(ROOT, '..'))).toBe(false);
  });

  it('folds case and whitespace and drops `.md`', () => {
    expect(wikiKey('  Reason\tand  Act.md ')).toBe('reason and act');
    expect(wikiKey('.MD')).toBe('');
    expect(wikiKey('Notes .md')).toBe('notes ');
  });

  it('takes its ASCII shortcut only where the full normalisation gives the same key', () => {
    // Every string of up to four characters from an alphabet that mixes the
    // shortcut's cases (printable ASCII, single spaces) with what it must
    // leave to the full path (tabs, double and non-breaking spaces, accents
    // that NFC composes).
    const full = (value: string) => value.normalize('NFC').trim().replace(/\.md$/i, '').replace(/\s+/g, ' ').toLowerCase();
    const alphabet = [' ', '\t', 'a', 'B', '.', 'm', 'D', '\u00a0', 'e\u0301', 'É', '\n'];
    let strings = [''];
    let checked = 0;
    for (let length = 1; length <= 4; length++) {
      strings = strings.flatMap((prefix) => alphabet.map((c) => prefix + c));
      for (const value of strings) {
        if (wikiKey(value) !== full(value)) expect.fail(`wikiKey(${JSON.stringify(value)}) is ${JSON.stringify(wikiKey(value))}, expected ${JSON.stringify(full(value))}`);
        checked++;
      }
    }
    expect(checked).toBe(11 + 11 ** 2 + 11 ** 3 + 11 ** 4);
  });
});
