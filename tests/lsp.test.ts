/**
 * The language server as an editor sees it: the real server process over
 * stdio, driven by vscode-languageserver-protocol's client connection, on
 * small knowledge bases written for each test.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Location,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { makeKb, REPO_ROOT, TAXONOMY_YAML } from './helpers/kb.js';

const SERVER_BIN = path.join(REPO_ROOT, 'packages/language-server/bin/kblint-language-server.js');

const TAXONOMY = `${TAXONOMY_YAML}tags: [agents, planning, prompting, retrieval]
deprecatedTags:
  rag: retrieval
`;

const REACT = `---
title: ReAct
category: Reasoning
tags: [planning, agents]
---

# ReAct

ReAct interleaves reasoning and acting[^yao2022].

## How It Works

See [[Chain of Thought#Why It Helps]] and [the pipeline](../memory-retrieval/rag.md#pipeline).

[^yao2022]: Yao et al. ReAct: Synergizing Reasoning and Acting in Language Models. 2022. https://arxiv.org/abs/2210.03629
`;

const COT = `---
title: Chain of Thought
category: Reasoning
tags: [prompting]
---

# Chain of Thought

Models write out intermediate steps.

## Why It Helps

More computation per answer.
`;

const RAG = `---
title: Retrieval-Augmented Generation
category: Memory & Retrieval
tags: [retrieval]
aliases: [RAG]
---

# Retrieval-Augmented Generation

Fetch documents, then generate.

## Pipeline

Embed, search, read.
`;

function baseKb(extra: Record<string, string> = {}): string {
  return makeKb({
    '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\n',
    'taxonomy.yml': TAXONOMY,
    'content/reasoning/react.md': REACT,
    'content/reasoning/chain-of-thought.md': COT,
    'content/memory-retrieval/rag.md': RAG,
    ...extra,
  });
}

// ---------------------------------------------------------------------------
// A minimal LSP client over the real process.

interface Session {
  root: string;
  connection: ProtocolConnection;
  process: ChildProcessWithoutNullStreams;
  logs: string[];
  progress: unknown[];
  stderr: string[];
  uri(relative: string): string;
  open(relative: string, text?: string): Promise<Diagnostic[]>;
  edit(relative: string, text: string): void;
  diagnostics(relative: string, after?: number): Promise<Diagnostic[]>;
  request<R>(method: string, params: unknown): Promise<R>;
  publishCount(relative: string): number;
}

const sessions: Session[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) {
    try {
      await Promise.race([session.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await session.connection.sendNotification('exit');
    } catch {
      // The process may already be gone; the kill below is what matters.
    }
    session.connection.dispose();
    session.process.kill();
  }
});

async function start(root: string, capabilities: Record<string, unknown> = {}): Promise<Session> {
  const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { cwd: root, stdio: 'pipe' });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const logs: string[] = [];
  const progress: unknown[] = [];
  /** Every publishDiagnostics per URI, in order, so a test can wait for the next one. */
  const published = new Map<string, PublishDiagnosticsParams[]>();
  const waiters: Array<() => void> = [];
  const versions = new Map<string, number>();
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    const list = published.get(params.uri) ?? [];
    list.push(params);
    published.set(params.uri, list);
    for (const wake of waiters.splice(0)) wake();
  });
  connection.onNotification('window/logMessage', (params: { message: string }) => logs.push(params.message));
  connection.onNotification('window/showMessage', (params: { message: string }) => logs.push(params.message));
  connection.onNotification('$/progress', (params: { value: unknown }) => progress.push(params.value));
  connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
    logs.push(params.message);
    return null;
  });
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();

  const uri = (relative: string) => pathToFileURL(path.join(root, relative)).href;
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'kb' }],
    capabilities,
    initializationOptions: { debounceMs: 0 },
  });
  await connection.sendNotification('initialized', {});

  /** Resolves with the first publish for `relative` after the `after`-th one. */
  const diagnostics = async (relative: string, after = 0): Promise<Diagnostic[]> => {
    const target = uri(relative);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const list = published.get(target) ?? [];
      if (list.length > after) return (list[after] as PublishDiagnosticsParams).diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${relative} (stderr: ${stderr.join('')}; log: ${logs.join('\n')})`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  const session: Session = {
    root,
    connection,
    process: child,
    logs,
    progress,
    stderr,
    uri,
    async open(relative, text) {
      const content = text ?? readFileSync(path.join(root, relative), 'utf8');
      const count = published.get(uri(relative))?.length ?? 0;
      versions.set(relative, 1);
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: uri(relative), languageId: relative.endsWith('.md') ? 'markdown' : 'plaintext', version: 1, text: content },
      });
      return relative.endsWith('.md') ? diagnostics(relative, count) : [];
    },
    edit(relative, text) {
      const version = (versions.get(relative) ?? 1) + 1;
      versions.set(relative, version);
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: uri(relative), version },
        contentChanges: [{ text }],
      });
    },
    diagnostics,
    request: (method, params) => connection.sendRequest(method, params),
    publishCount: (relative) => published.get(uri(relative))?.length ?? 0,
  };
  sessions.push(session);
  return session;
}

/** How many times the server has published for a file, once everything it sent before a round trip has arrived. */
async function count(session: Session, relative: string): Promise<number> {
  await session.request('textDocument/hover', { textDocument: { uri: session.uri(relative) }, position: { line: 0, character: 0 } });
  return session.publishCount(relative);
}

/** `line:col-line:col rule: message`, 1-based, as kblint prints it. */
function show(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map(
    (d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${String(d.code)}: ${d.message}`,
  );
}

function positionOf(text: string, needle: string, delta = 0) {
  const offset = text.indexOf(needle);
  if (offset === -1) throw new Error(`${needle} not in text`);
  return TextDocument.create('file:///x.md', 'markdown', 1, text).positionAt(offset + delta);
}

function applyAction(text: string, uri: string, action: CodeAction): string {
  const edits = action.edit?.changes?.[uri] ?? [];
  return TextDocument.applyEdits(TextDocument.create(uri, 'markdown', 1, text), edits);
}

async function fixes(session: Session, relative: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return session.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: session.uri(relative) },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  });
}

// ---------------------------------------------------------------------------

describe('language server: diagnostics', () => {
  it('initializes, indexes with progress, and publishes findings for an opened article', async () => {
    const root = baseKb({
      'content/reasoning/broken.md': `---
title: Broken
category: Reasoning
---

# Broken

See [[Chain of Thought#Why It Hurts]] and [[Monte Carlo Tree Search]][^nope].
`,
    });
    const session = await start(root, { window: { workDoneProgress: true } });
    expect(show(await session.open('content/reasoning/react.md'))).toEqual([]);
    const broken = await session.open('content/reasoning/broken.md');
    expect(show(broken)).toEqual([
      '8:5-8:38 no-dangling-links: Unexpected missing heading `Why It Hurts` in `reasoning/chain-of-thought`, did you mean `Why It Helps`?',
      '8:43-8:70 no-dangling-links: Unexpected wiki link to missing article `Monte Carlo Tree Search`, expected the title, an alias, the file name or `category/file` of an article',
      '8:70-8:77 no-unresolved-citations: Unexpected undefined footnote `[^nope]`, expected a definition `[^nope]: <source>` in this file',
    ]);
    const first = broken[0] as Diagnostic;
    expect(first.source).toBe('kblint');
    expect(first.severity).toBe(1);
    expect(first.codeDescription).toEqual({ href: 'https://github.com/kblint/kblint/blob/main/rules/no-dangling-links/README.md' });
    expect(first.relatedInformation).toEqual([
      {
        location: { uri: session.uri('content/reasoning/chain-of-thought.md'), range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } } },
        message: 'the linked article `reasoning/chain-of-thought`',
      },
    ]);
    const kinds = session.progress.map((value) => (value as { kind: string }).kind);
    expect(kinds[0]).toBe('begin');
    expect(kinds.at(-1)).toBe('end');
  });

  it('re-checks an open article that links to a heading another edit removed, and again when it comes back', async () => {
    const session = await start(baseKb());
    expect(show(await session.open('content/reasoning/react.md'))).toEqual([]);
    expect(show(await session.open('content/reasoning/chain-of-thought.md'))).toEqual([]);
    const before = await count(session, 'content/reasoning/react.md');

    session.edit('content/reasoning/chain-of-thought.md', COT.replace('## Why It Helps', '## Why It Works'));
    expect(show(await session.diagnostics('content/reasoning/chain-of-thought.md', 1))).toEqual([]);
    expect(show(await session.diagnostics('content/reasoning/react.md', before))).toEqual([
      '13:5-13:38 no-dangling-links: Unexpected missing heading `Why It Helps` in `reasoning/chain-of-thought`, did you mean `Why It Works`?',
    ]);

    session.edit('content/reasoning/chain-of-thought.md', COT);
    expect(show(await session.diagnostics('content/reasoning/react.md', before + 1))).toEqual([]);
  });

  it('lets unsaved text win over the disk, and the disk count again when the document closes', async () => {
    const session = await start(baseKb());
    const relative = 'content/reasoning/react.md';
    expect(show(await session.open(relative, REACT.replace('category: Reasoning', 'category: Reasonin')))).toEqual([
      '3:11-3:19 valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
    ]);
    const cot = 'content/reasoning/chain-of-thought.md';
    const opened = await count(session, relative);
    expect(show(await session.open(cot, COT.replace('title: Chain of Thought', 'title: Chain-of-Thought')))).toEqual([]);
    // The unsaved title is what react.md's wiki link is checked against.
    expect(show(await session.diagnostics(relative, opened))).toEqual([
      '3:11-3:19 valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
      '13:5-13:38 no-dangling-links: Unexpected wiki link to missing article `Chain of Thought`, did you mean `Chain-of-Thought`?',
    ]);
    const before = await count(session, relative);
    await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: session.uri(cot) } });
    // The unsaved title change is gone, so react.md's wiki link resolves by title again.
    expect(show(await session.diagnostics(relative, before))).toEqual([
      '3:11-3:19 valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
    ]);
  });

  it('follows files created and deleted on disk (watched-file events)', async () => {
    const root = baseKb();
    const session = await start(root);
    const relative = 'content/reasoning/plan.md';
    const text = `---
title: Planning
category: Reasoning
---

# Planning

See [reflection](reflection.md).
`;
    expect(show(await session.open(relative, text))).toEqual([
      '8:18-8:31 no-dangling-links: Unexpected missing article `reflection.md`, expected the path of an existing article',
    ]);
    const before = await count(session, relative);
    const created = path.join(root, 'content/reasoning/reflection.md');
    writeFileSync(created, '---\ntitle: Reflection\ncategory: Reasoning\n---\n\n# Reflection\n\nLooking back.\n');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(created).href, type: 1 }] });
    expect(show(await session.diagnostics(relative, before))).toEqual([]);

    rmSync(created);
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(created).href, type: 3 }] });
    expect(show(await session.diagnostics(relative, before + 1))).toEqual([
      '8:18-8:31 no-dangling-links: Unexpected missing article `reflection.md`, expected the path of an existing article',
    ]);
  });

  it('reports a broken config to the user, keeps running, and starts checking once the config is fixed', async () => {
    const root = baseKb({ '.kblintrc.yml': 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  no-such-rule: error\n' });
    const session = await start(root);
    const relative = 'content/reasoning/react.md';
    await session.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: session.uri(relative), languageId: 'markdown', version: 1, text: REACT.replace('category: Reasoning', 'category: Reasonin') },
    });
    await expect(session.request('textDocument/completion', { textDocument: { uri: session.uri(relative) }, position: { line: 2, character: 12 } })).resolves.toEqual([]);
    // Shown to the user (window/showMessage) as the CLI prints it, and logged with its stack.
    expect(session.logs.filter((line) => line.includes('no-such-rule')).map((line) => line.split(': unknown rule')[0])).toEqual([
      'kblint: .kblintrc.yml: `rules.no-such-rule`',
      'kblint: loading the config failed: ConfigError: .kblintrc.yml: `rules.no-such-rule`',
    ]);
    expect(session.publishCount(relative)).toBe(0);
    const config = path.join(root, '.kblintrc.yml');
    writeFileSync(config, 'content: content\ntaxonomy: taxonomy.yml\n');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(config).href, type: 2 }] });
    expect(show(await session.diagnostics(relative, 0))).toEqual([
      '3:11-3:19 valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
    ]);
  });

  it('reloads the config when it changes on disk', async () => {
    const root = baseKb();
    const session = await start(root);
    const relative = 'content/reasoning/react.md';
    expect(show(await session.open(relative, REACT.replace('[^yao2022].', '[^yao2022][^x].')))).toEqual([
      '9:49-9:53 no-unresolved-citations: Unexpected undefined footnote `[^x]`, expected a definition `[^x]: <source>` in this file',
    ]);
    const before = await count(session, relative);
    const config = path.join(root, '.kblintrc.yml');
    writeFileSync(config, 'content: content\ntaxonomy: taxonomy.yml\nrules:\n  no-unresolved-citations: off\n');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(config).href, type: 2 }] });
    expect(show(await session.diagnostics(relative, before))).toEqual([]);
  });
});

describe('language server: quick fixes', () => {
  const cases: Array<{ name: string; before: string; after: string; title: string; rule: string; remaining?: string[] }> = [
    {
      name: 'the did-you-mean wiki target',
      before: REACT.replace('[[Chain of Thought#', '[[Chain of Thougt#'),
      after: REACT,
      title: 'Link to `Chain of Thought`',
      rule: 'no-dangling-links',
    },
    {
      name: 'the did-you-mean link path',
      before: REACT.replace('../memory-retrieval/rag.md', '../memory-retrieval/rga.md'),
      after: REACT,
      title: 'Link to `../memory-retrieval/rag.md`',
      rule: 'no-dangling-links',
    },
    {
      name: "a deprecated tag's replacement",
      before: REACT.replace('tags: [planning, agents]', 'tags: [planning, rag]'),
      after: REACT.replace('tags: [planning, agents]', 'tags: [planning, retrieval]'),
      title: 'Replace with `retrieval`',
      rule: 'valid-taxonomy',
    },
    {
      name: 'the closest category',
      before: REACT.replace('category: Reasoning', 'category: Reasonin'),
      after: REACT,
      title: 'Replace with `Reasoning`',
      rule: 'valid-taxonomy',
    },
    {
      name: 'a stub definition for an unresolved footnote',
      before: REACT.replace('acting[^yao2022].', 'acting[^yao2022][^wei].'),
      after: `${REACT.replace('acting[^yao2022].', 'acting[^yao2022][^wei].')}\n[^wei]: TODO\n`,
      title: 'Add a stub definition `[^wei]: TODO` at the end of the file',
      rule: 'no-unresolved-citations',
      // The stub is a placeholder the writer still has to fill in.
      remaining: [
        '17:9-17:13 citation-has-source: Unexpected placeholder `TODO` in footnote definition `[^wei]`, expected a source: author, title, year and a URL or DOI',
      ],
    },
    {
      name: 'removing an unused definition',
      before: `${REACT}\n[^unused]: Someone. A paper. 2020. https://example.org/paper\n`,
      after: `${REACT}\n`,
      title: 'Remove the definition `[^unused]`',
      rule: 'no-unused-citations',
    },
  ];
  for (const example of cases) {
    it(`offers and applies ${example.name}`, async () => {
      const session = await start(baseKb());
      const relative = 'content/reasoning/react.md';
      const found = (await session.open(relative, example.before)).filter((d) => d.code === example.rule);
      expect(found).toHaveLength(1);
      const actions = await fixes(session, relative, found[0] as Diagnostic);
      const action = actions.find((a) => a.title === example.title);
      expect(actions.map((a) => a.title)).toContain(example.title);
      expect(action?.kind).toBe('quickfix');
      const fixed = applyAction(example.before, session.uri(relative), action as CodeAction);
      expect(fixed).toBe(example.after);
      session.edit(relative, fixed);
      expect(show(await session.diagnostics(relative, 1))).toEqual(example.remaining ?? []);
    });
  }
});

describe('language server: completion, definition, hover, references', () => {
  async function completions(session: Session, relative: string, text: string, needle: string, delta = needle.length) {
    const result = await session.request<CompletionItem[] | { items: CompletionItem[] }>('textDocument/completion', {
      textDocument: { uri: session.uri(relative) },
      position: positionOf(text, needle, delta),
    });
    return Array.isArray(result) ? result : result.items;
  }

  it('completes wiki targets, link paths, anchors, footnote labels, categories and tags', async () => {
    const session = await start(baseKb());
    const relative = 'content/reasoning/plan.md';
    const text = `---
title: Planning
category: Mem
tags: [planning, ag]
---

# Planning

Like [[Ch and [[Chain of Thought#W and [rag](../memory-retrieval/ and [p](../memory-retrieval/rag.md#p and [^ here[^yao] and [a](/memory-retrieval/r.

[^yao]: Yao. 2022.
`;
    await session.open(relative, text);
    const wiki = await completions(session, relative, text, '[[Ch');
    expect(wiki.map((i) => i.label)).toEqual(['Chain of Thought', 'ReAct', 'Retrieval-Augmented Generation']);
    expect(wiki[0]?.textEdit).toEqual({ range: { start: { line: 8, character: 7 }, end: { line: 8, character: 9 } }, newText: 'Chain of Thought' });

    const headings = await completions(session, relative, text, '[[Chain of Thought#W');
    expect(headings.map((i) => i.label)).toEqual(['Chain of Thought', 'Why It Helps']);

    const paths = await completions(session, relative, text, '](../memory-retrieval/');
    expect(paths.map((i) => i.label)).toEqual(['../memory-retrieval/rag.md', 'chain-of-thought.md', 'react.md']);

    const absolute = await completions(session, relative, text, '](/memory-retrieval/r');
    expect(absolute.map((i) => i.label)).toEqual(['/memory-retrieval/rag', '/reasoning/chain-of-thought', '/reasoning/react']);

    const anchors = await completions(session, relative, text, 'rag.md#p');
    expect(anchors.map((i) => i.label)).toEqual(['retrieval-augmented-generation', 'pipeline']);

    const labels = await completions(session, relative, text, ' and [^');
    expect(labels.map((i) => i.label)).toEqual(['yao']);

    const categories = await completions(session, relative, text, 'category: Mem');
    expect(categories.map((i) => i.label)).toEqual([
      'Core Concepts',
      'Reasoning',
      'Memory & Retrieval',
      'Agent Types',
      'Design Patterns',
      'Training & Alignment',
      'Frameworks',
      'Tools',
      'Safety',
      'Meta',
    ]);
    expect(categories[2]?.textEdit).toEqual({ range: { start: { line: 2, character: 10 }, end: { line: 2, character: 13 } }, newText: 'Memory & Retrieval' });

    const tags = await completions(session, relative, text, 'tags: [planning, ag');
    expect(tags.map((i) => i.label)).toEqual(['agents', 'planning', 'prompting', 'retrieval']);
    expect(tags[0]?.textEdit).toEqual({ range: { start: { line: 3, character: 17 }, end: { line: 3, character: 19 } }, newText: 'agents' });
  });

  it('goes to the definition of wiki links, Markdown links and footnote references', async () => {
    const session = await start(baseKb());
    const relative = 'content/reasoning/react.md';
    await session.open(relative);
    const at = (needle: string, delta = 2) =>
      session.request<Location[]>('textDocument/definition', { textDocument: { uri: session.uri(relative) }, position: positionOf(REACT, needle, delta) });
    expect(await at('[[Chain of Thought')).toEqual([
      { uri: session.uri('content/reasoning/chain-of-thought.md'), range: { start: { line: 10, character: 0 }, end: { line: 10, character: 15 } } },
    ]);
    // On the link text, not only on the destination.
    expect(await at('[the pipeline]')).toEqual([
      { uri: session.uri('content/memory-retrieval/rag.md'), range: { start: { line: 11, character: 0 }, end: { line: 11, character: 11 } } },
    ]);
    expect(await at('[^yao2022].')).toEqual([
      { uri: session.uri(relative), range: { start: { line: 14, character: 0 }, end: { line: 14, character: (REACT.split('\n')[14] as string).length } } },
    ]);
  });

  it("hovers a footnote's text and a link target's title", async () => {
    const session = await start(baseKb());
    const relative = 'content/reasoning/react.md';
    await session.open(relative);
    const at = (needle: string, delta = 2) =>
      session.request<Hover | null>('textDocument/hover', { textDocument: { uri: session.uri(relative) }, position: positionOf(REACT, needle, delta) });
    expect((await at('[^yao2022].'))?.contents).toEqual({
      kind: 'markdown',
      value: 'Yao et al. ReAct: Synergizing Reasoning and Acting in Language Models. 2022. https://arxiv.org/abs/2210.03629',
    });
    expect((await at('[[Chain of Thought'))?.contents).toEqual({
      kind: 'markdown',
      value: '**Chain of Thought** › Why It Helps\n\n`reasoning/chain-of-thought.md`',
    });
    expect((await at('[the pipeline]'))?.contents).toEqual({
      kind: 'markdown',
      value: '**Retrieval-Augmented Generation** › Pipeline\n\n`memory-retrieval/rag.md`',
    });
    expect(await at('interleaves', 0)).toBeNull();
  });

  it('finds the backlinks to an article and to one of its headings', async () => {
    const root = baseKb({
      'content/reasoning/tot.md': '---\ntitle: Tree of Thoughts\ncategory: Reasoning\n---\n\n# Tree of Thoughts\n\nExtends [CoT](chain-of-thought.md).\n',
    });
    const session = await start(root);
    const relative = 'content/reasoning/chain-of-thought.md';
    await session.open(relative);
    const at = (line: number) =>
      session.request<Location[]>('textDocument/references', {
        textDocument: { uri: session.uri(relative) },
        position: { line, character: 3 },
        context: { includeDeclaration: true },
      });
    const sort = (locations: Location[]) => locations.map((l) => `${path.relative(root, new URL(l.uri).pathname)}:${l.range.start.line + 1}:${l.range.start.character + 1}`).sort();
    expect(sort(await at(0))).toEqual(['content/reasoning/react.md:13:5', 'content/reasoning/tot.md:8:15']);
    expect(sort(await at(10))).toEqual(['content/reasoning/react.md:13:5']);
  });
});

describe('language server: benchmark script', () => {
  it('runs bench/lsp.mjs on a small generated corpus and sees every edit reach the dependent (a smoke test; nothing is timed)', () => {
    const corpus = path.join(makeKb({}), 'corpus');
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bench/lsp.mjs'), '--articles', '40', '--edits', '4', '--pause', '0', '--corpus', corpus], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual([
      'articles',
      'corpus',
      'edits',
      'pauseMs',
      'cache',
      'indexMs',
      'firstDiagnosticsMs',
      'edited',
      'dependent',
      'dependentFindingCounts',
      'peakRssMb',
      'serverCpu',
      'loadAverage',
      'cores',
      'targets',
    ]);
    // Every other edit renames the heading the dependent links to: its findings alternate.
    expect(result.dependentFindingCounts).toEqual([0, 1]);
    expect(run.stderr).toContain('didChange → dependent file p95 (ms)');
  });
});

describe('language server: bad input', () => {
  it('survives malformed messages, bad params, non-Markdown and huge documents, and logs the errors', async () => {
    const root = baseKb();
    const session = await start(root);
    // Invalid JSON in a well-framed message.
    const garbage = '{"jsonrpc":"2.0","id":99,"method":';
    session.process.stdin.write(`Content-Length: ${Buffer.byteLength(garbage)}\r\n\r\n${garbage}`);
    // A request whose params are missing what every handler needs.
    await expect(session.request('textDocument/hover', {})).resolves.toBeNull();
    await expect(session.request('textDocument/definition', { textDocument: { uri: 42 }, position: null })).resolves.toEqual([]);
    await expect(session.request('kblint/no-such-method', {})).rejects.toThrow(/Unhandled method/);
    // A document that is not Markdown gets no findings and no errors.
    await session.open('notes.txt', '[[nothing]] [^x]');
    // A huge document is not parsed.
    const huge = `---\ntitle: Huge\ncategory: Reasoning\n---\n\n${'word '.repeat(500_000)}\n`;
    expect(show(await session.open('content/reasoning/huge.md', huge))).toEqual([
      '1:1-1:1 unreadable-file: Unexpected document of 2500042 characters, expected at most 2000000: the editor skips checking it (run `kblint` on it instead)',
    ]);
    // Still serving.
    expect(show(await session.open('content/reasoning/react.md'))).toEqual([]);
    expect(session.process.exitCode).toBeNull();
    expect(session.logs.filter((line) => line.startsWith('kblint: ') && !line.startsWith('kblint: indexed')).map((line) => line.split('\n')[0])).toEqual([
      'kblint: unreadable message from the client: Unexpected end of JSON input',
      "kblint: hover failed: TypeError: Cannot read properties of undefined (reading 'uri')",
    ]);
  });
});
