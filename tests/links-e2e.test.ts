/**
 * The cross-link graph end to end, through the built CLI: deleting or
 * renaming an article breaks exactly the links to it, in files nobody
 * touched, and a file's findings do not depend on what else was linted.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKb, runCli, runJson, TAXONOMY_YAML, type JsonOutput } from './helpers/kb.js';

const LINK_RULES = new Set(['no-dangling-links', 'no-duplicate-titles']);

const REACT = `---
title: ReAct
category: Reasoning
aliases: [Reason and Act]
---

# ReAct

ReAct interleaves reasoning and acting.

## How It Works

Thought, action, observation, repeated.
`;

const CHAIN_OF_THOUGHT = `---
title: Chain of Thought
category: Reasoning
---

# Chain of Thought

Compare [ReAct](react.md), [its loop](./react.md#how-it-works), [the page](/reasoning/react/),
[[ReAct]], [[Reason and Act|the alias]], [[ReAct#How It Works]] and [the reference][react].

[react]: react.md
`;

const SEARCH = `---
title: Web Search
category: Tools
---

# Web Search

Used by [[reasoning/react|ReAct agents]] and described in [ReAct](../reasoning/react.md#how-it-works).
`;

const INDEX = `---
title: Start Here
category: Meta
---

# Start Here

Read [[Chain of Thought]] and [[Web Search]].
`;

function knowledgeBase(): string {
  return makeKb({
    '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
    'taxonomy.yml': TAXONOMY_YAML,
    'content/reasoning/react.md': REACT,
    'content/reasoning/chain-of-thought.md': CHAIN_OF_THOUGHT,
    'content/tools/search.md': SEARCH,
    'content/meta/index.md': INDEX,
  });
}

/**
 * A knowledge base linted once, clean, so that the run after a change meets
 * a warm cache (on by default) as a user's second run would.
 */
function lintedKnowledgeBase(): string {
  const cwd = knowledgeBase();
  const first = runJson(cwd);
  expect(linkFindings(first.json)).toEqual([]);
  return cwd;
}

/** The link rules' findings as `file:line:col-line:col ruleId: message`. */
function linkFindings(json: JsonOutput | undefined): string[] {
  expect(json, 'the CLI printed JSON').toBeDefined();
  return (json as JsonOutput).messages
    .filter((m) => LINK_RULES.has(m.ruleId))
    .map((m) => `${m.file}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId}: ${m.message}`);
}

describe('links end to end', () => {
  it('a knowledge base whose links all resolve has no link findings', () => {
    const run = runJson(knowledgeBase());
    expect(run.stderr).toBe('');
    expect(linkFindings(run.json)).toEqual([]);
    expect(run.json?.summary.files).toBe(4);
  });

  it('deleting an article fails every link to it, in the untouched linking articles', () => {
    const cwd = lintedKnowledgeBase();
    rmSync(path.join(cwd, 'content/reasoning/react.md'));
    const run = runJson(cwd);
    expect(run.code).toBe(1);
    expect(linkFindings(run.json)).toEqual([
      'content/reasoning/chain-of-thought.md:8:17-8:25 no-dangling-links: Unexpected missing article `react.md`, expected the path of an existing article',
      'content/reasoning/chain-of-thought.md:8:39-8:62 no-dangling-links: Unexpected missing article `./react.md`, expected the path of an existing article',
      'content/reasoning/chain-of-thought.md:8:76-8:93 no-dangling-links: Unexpected missing article `/reasoning/react/`, expected the path of an existing article',
      'content/reasoning/chain-of-thought.md:9:1-9:10 no-dangling-links: Unexpected wiki link to missing article `ReAct`, expected the title, an alias, the file name or `category/file` of an article',
      'content/reasoning/chain-of-thought.md:9:12-9:40 no-dangling-links: Unexpected wiki link to missing article `Reason and Act`, expected the title, an alias, the file name or `category/file` of an article',
      'content/reasoning/chain-of-thought.md:9:42-9:64 no-dangling-links: Unexpected wiki link to missing article `ReAct`, expected the title, an alias, the file name or `category/file` of an article',
      'content/reasoning/chain-of-thought.md:11:10-11:18 no-dangling-links: Unexpected missing article `react.md`, expected the path of an existing article',
      'content/tools/search.md:8:9-8:41 no-dangling-links: Unexpected wiki link to missing article `reasoning/react`, expected the title, an alias, the file name or `category/file` of an article',
      'content/tools/search.md:8:67-8:101 no-dangling-links: Unexpected missing article `../reasoning/react.md`, expected the path of an existing article',
    ]);
  });

  it('renaming an article fails the links by path and keeps those by title working', () => {
    const cwd = lintedKnowledgeBase();
    renameSync(path.join(cwd, 'content/reasoning/react.md'), path.join(cwd, 'content/reasoning/reakt.md'));
    const run = runJson(cwd);
    expect(run.code).toBe(1);
    expect(linkFindings(run.json)).toEqual([
      'content/reasoning/chain-of-thought.md:8:17-8:25 no-dangling-links: Unexpected missing article `react.md`, did you mean `reakt.md`?',
      'content/reasoning/chain-of-thought.md:8:39-8:62 no-dangling-links: Unexpected missing article `./react.md`, did you mean `./reakt.md`?',
      'content/reasoning/chain-of-thought.md:8:76-8:93 no-dangling-links: Unexpected missing article `/reasoning/react/`, did you mean `/reasoning/reakt/`?',
      'content/reasoning/chain-of-thought.md:11:10-11:18 no-dangling-links: Unexpected missing article `react.md`, did you mean `reakt.md`?',
      'content/tools/search.md:8:9-8:41 no-dangling-links: Unexpected wiki link to missing article `reasoning/react`, did you mean `reasoning/reakt`?',
      'content/tools/search.md:8:67-8:101 no-dangling-links: Unexpected missing article `../reasoning/react.md`, did you mean `../reasoning/reakt.md`?',
    ]);
  });

  it('renaming a heading fails the anchors, and the target article is the cause', () => {
    const cwd = lintedKnowledgeBase();
    writeFileSync(path.join(cwd, 'content/reasoning/react.md'), REACT.replace('## How It Works', '## How It Work'));
    const run = runJson(cwd);
    const messages = run.json?.messages.filter((m) => m.ruleId === 'no-dangling-links') ?? [];
    expect(linkFindings(run.json)).toEqual([
      'content/reasoning/chain-of-thought.md:8:39-8:62 no-dangling-links: Unexpected missing anchor `#how-it-works` in `reasoning/react`, did you mean `#how-it-work`?',
      'content/reasoning/chain-of-thought.md:9:42-9:64 no-dangling-links: Unexpected missing heading `How It Works` in `reasoning/react`, did you mean `How It Work`?',
      'content/tools/search.md:8:67-8:101 no-dangling-links: Unexpected missing anchor `#how-it-works` in `reasoning/react`, did you mean `#how-it-work`?',
    ]);
    expect(messages[0]?.related).toEqual([
      {
        file: 'content/reasoning/react.md',
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 6,
        message: 'the linked article `reasoning/react`',
      },
    ]);
  });

  it('--fix rewrites a link with exactly one close match, and leaves the ones it cannot be sure of', () => {
    const cwd = knowledgeBase();
    const file = path.join(cwd, 'content/tools/search.md');
    writeFileSync(
      path.join(cwd, 'content/reasoning/reflexion.md'),
      '---\ntitle: Reflexion\ncategory: Reasoning\n---\n\n# Reflexion\n\nVerbal self-critique.\n',
    );
    writeFileSync(
      file,
      SEARCH.replace(
        'Used by [[reasoning/react|ReAct agents]]',
        'Used by [[ReAkt|ReAct agents]], [[ReAct#How It Work]], [[Reflexion#Nothing Like It]] and [the loop](../reasoning/reakt.md#how-it-works)',
      ),
    );
    const run = runCli(cwd, ['--fix', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(
      SEARCH.replace(
        'Used by [[reasoning/react|ReAct agents]]',
        'Used by [[ReAct|ReAct agents]], [[ReAct#How It Works]], [[Reflexion#Nothing Like It]] and [the loop](../reasoning/react.md#how-it-works)',
      ),
    );
    expect(linkFindings(JSON.parse(run.stdout) as JsonOutput)).toEqual([
      "content/tools/search.md:8:57-8:86 no-dangling-links: Unexpected missing heading `Nothing Like It` in `reasoning/reflexion`, expected a heading's text or anchor",
    ]);
  });

  it("a file's findings are the same linted alone as with the whole knowledge base", () => {
    const cwd = knowledgeBase();
    rmSync(path.join(cwd, 'content/reasoning/react.md'));
    writeFileSync(path.join(cwd, 'content/tools/search-copy.md'), SEARCH);
    const whole = runJson(cwd);
    expect(whole.json?.summary.files).toBe(4);
    for (const file of ['content/reasoning/chain-of-thought.md', 'content/tools/search.md', 'content/tools/search-copy.md', 'content/meta/index.md']) {
      const expected = whole.json?.messages.filter((m) => m.file === file);
      const alone = runJson(cwd, [file]);
      expect(alone.json?.summary.files, file).toBe(1);
      expect(alone.json?.messages, file).toEqual(expected);
    }
    // And with nothing remembered from the earlier runs.
    const fresh = runJson(cwd, ['--no-cache', 'content/reasoning/chain-of-thought.md']);
    expect(fresh.json?.messages).toEqual(whole.json?.messages.filter((m) => m.file === 'content/reasoning/chain-of-thought.md'));
    expect(fresh.json?.messages.length).toBeGreaterThan(0);
    // The copy shares the title: both articles are reported, so the comparison above covered an index rule's findings.
    expect(linkFindings(whole.json).filter((line) => line.includes('no-duplicate-titles'))).toEqual([
      'content/tools/search-copy.md:2:8-2:18 no-duplicate-titles: Unexpected duplicate title `Web Search`: also the title of `tools/search`, expected a title no other article uses',
      'content/tools/search.md:2:8-2:18 no-duplicate-titles: Unexpected duplicate title `Web Search`: also the title of `tools/search-copy`, expected a title no other article uses',
    ]);
  }, 60_000);
});
