#!/usr/bin/env node
// The language server's benchmark, on a generated knowledge base:
//
//   - time from `initialize` to the first diagnostics of an opened article
//     (the whole workspace is indexed in between);
//   - p50/p95 from a `didChange` to the `publishDiagnostics` of the edited
//     article and of an open article that links to one of its headings
//     (every other edit renames that heading, so the dependent's findings
//     really change);
//   - the server's peak resident memory (VmHWM, Linux only).
//
//   node bench/lsp.mjs [--articles 5000] [--corpus <dir>] [--edits 100] [--pause 100] [--cache]
//
// Generates the corpus with bench/generate.mjs when <dir> has none. Prints a
// table on stderr and one JSON object on stdout. No dependencies: the LSP
// framing is a few lines, which keeps this runnable with plain `node`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const SERVER = path.join(root, 'packages/language-server/bin/kblint-language-server.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const articles = Number(option('--articles', 5000));
const corpus = path.resolve(option('--corpus', path.join(here, 'corpus', `kb-${articles}`)));
const edits = Number(option('--edits', 100));
/** Milliseconds between one edit's last diagnostics and the next edit: a writer's pace, longer than the server's debounce. */
const pause = Number(option('--pause', 100));
/**
 * `--cache` measures a warm start: a first session writes the corpus's
 * .kblintcache, the measured one reads it. By default every article is parsed.
 */
const cache = args.includes('--cache');

if (!existsSync(path.join(corpus, '.kblintrc.yml'))) {
  const { generate } = await import(pathToFileURL(path.join(here, 'generate.mjs')).href);
  process.stderr.write(`generating ${articles} articles in ${path.relative(process.cwd(), corpus)}\n`);
  generate(corpus, { articles });
}

// ---------------------------------------------------------------------------
// An edited article and an article linking to one of its headings.

function* markdownFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* markdownFiles(full);
    else if (entry.name.endsWith('.md')) yield full;
  }
}

function pickPair() {
  for (const file of markdownFiles(path.join(corpus, 'content'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\]\((\.\.\/[^)#\s]+\.md)#([^)\s]+)\)/g)) {
      const target = path.resolve(path.dirname(file), match[1]);
      if (target === file || !existsSync(target)) continue;
      const targetText = readFileSync(target, 'utf8');
      const heading = targetText.split('\n').find((line) => /^#{2,6} /.test(line) && slug(line.replace(/^#+ /, '')) === match[2]);
      if (heading) return { dependent: file, edited: target, heading };
    }
  }
  throw new Error(`no article in ${corpus} links to another article's heading`);
}

function slug(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

// ---------------------------------------------------------------------------
// A minimal LSP client: Content-Length framing over the server's stdio.

function startServer() {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: corpus, stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      buffer = buffer.subarray(headerEnd + 4 + length);
      const at = performance.now();
      if (message.id !== undefined && message.method === undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      } else if (message.id !== undefined) {
        // Server-to-client requests (progress tokens, registrations): accept.
        send({ jsonrpc: '2.0', id: message.id, result: null });
      } else {
        for (const listener of listeners) listener(message, at);
      }
    }
  });
  const send = (message) => {
    const body = Buffer.from(JSON.stringify(message));
    child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  };
  return {
    child,
    notify: (method, params) => send({ jsonrpc: '2.0', method, params }),
    request: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        send({ jsonrpc: '2.0', id, method, params });
      }),
    /** Resolves with the time of the next notification matching `test`. */
    next: (test) =>
      new Promise((resolve) => {
        const listener = (message, at) => {
          if (!test(message)) return;
          listeners.delete(listener);
          resolve({ message, at });
        };
        listeners.add(listener);
      }),
  };
}

function peakMemoryMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU time the server has used so far (user + system, all threads), in ms; Linux only. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name; clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (ms) => Math.round(ms * 10) / 10;

// ---------------------------------------------------------------------------

const { edited, dependent, heading } = pickPair();
const editedUri = pathToFileURL(edited).href;
const dependentUri = pathToFileURL(dependent).href;
const editedText = readFileSync(edited, 'utf8');
const renamedText = editedText.replace(heading, `${heading} Renamed`);
const initializeParams = {
  processId: process.pid,
  rootUri: pathToFileURL(corpus).href,
  workspaceFolders: [{ uri: pathToFileURL(corpus).href, name: 'bench' }],
  capabilities: { window: { workDoneProgress: true } },
  initializationOptions: { cache },
};
if (cache) {
  // A warm start needs a cache written for this corpus: one session fills it.
  const primer = startServer();
  const done = primer.next((message) => message.method === '$/progress' && message.params.value?.kind === 'end');
  await primer.request('initialize', initializeParams);
  primer.notify('initialized', {});
  await done;
  await primer.request('shutdown', null);
  primer.notify('exit', null);
  await new Promise((resolve) => primer.child.on('exit', resolve));
}

const server = startServer();
const isPublish = (uri) => (message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri;

const started = performance.now();
const firstEdited = server.next(isPublish(editedUri));
const indexed = server.next((message) => message.method === '$/progress' && message.params.value?.kind === 'end');
await server.request('initialize', initializeParams);
server.notify('initialized', {});
server.notify('textDocument/didOpen', { textDocument: { uri: editedUri, languageId: 'markdown', version: 1, text: editedText } });
server.notify('textDocument/didOpen', { textDocument: { uri: dependentUri, languageId: 'markdown', version: 1, text: readFileSync(dependent, 'utf8') } });
const first = await firstEdited;
const index = await indexed;
const firstDiagnosticsMs = first.at - started;
const cpuAtFirst = cpuMs(server.child.pid);

const editedLatency = [];
const dependentLatency = [];
let dependentFindings = new Set();
for (let version = 2; version < edits + 2; version++) {
  const editedDone = server.next((m) => isPublish(editedUri)(m) && m.params.version === version);
  const dependentDone = server.next(isPublish(dependentUri));
  const sent = performance.now();
  server.notify('textDocument/didChange', {
    textDocument: { uri: editedUri, version },
    contentChanges: [{ text: version % 2 === 0 ? renamedText : editedText }],
  });
  const [a, b] = await Promise.all([editedDone, dependentDone]);
  editedLatency.push(a.at - sent);
  dependentLatency.push(b.at - sent);
  dependentFindings.add(b.message.params.diagnostics.length);
  await new Promise((resolve) => setTimeout(resolve, pause));
}
const peak = peakMemoryMb(server.child.pid);
const cpuAtEnd = cpuMs(server.child.pid);
await server.request('shutdown', null);
server.notify('exit', null);

const result = {
  articles,
  corpus: path.relative(root, corpus) || corpus,
  edits,
  pauseMs: pause,
  cache,
  indexMs: round(index.at - started),
  firstDiagnosticsMs: round(firstDiagnosticsMs),
  edited: { p50: round(percentile(editedLatency, 50)), p95: round(percentile(editedLatency, 95)), max: round(Math.max(...editedLatency)) },
  dependent: { p50: round(percentile(dependentLatency, 50)), p95: round(percentile(dependentLatency, 95)), max: round(Math.max(...dependentLatency)) },
  // The dependent's finding count must alternate, or the edit did not reach it.
  dependentFindingCounts: [...dependentFindings].sort(),
  peakRssMb: peak,
  // Wall-clock latency includes waiting for a core on a busy machine; the
  // server's own CPU time says what an edit costs it (10 ms resolution).
  serverCpu: {
    startupMs: cpuAtFirst,
    perEditMs: cpuAtFirst !== null && cpuAtEnd !== null ? round((cpuAtEnd - cpuAtFirst) / edits) : null,
  },
  loadAverage: os.loadavg().map((value) => Math.round(value * 10) / 10),
  cores: os.availableParallelism(),
  targets: { editedP95: 50, dependentP95: 150 },
};

const row = (name, value, target = '') => `${name.padEnd(44)}${String(value).padStart(10)}  ${target}`;
process.stderr.write(
  [
    `kblint-language-server on ${articles} articles (${result.corpus}), ${edits} edits, ${cache ? 'warm start from .kblintcache' : 'cold start (no cache)'}`,
    row('initialize → indexed (ms)', result.indexMs),
    row('initialize → first diagnostics (ms)', result.firstDiagnosticsMs),
    row('didChange → edited file p50 (ms)', result.edited.p50),
    row('didChange → edited file p95 (ms)', result.edited.p95, `target < 50 ${result.edited.p95 < 50 ? 'ok' : 'MISSED'}`),
    row('didChange → dependent file p50 (ms)', result.dependent.p50),
    row('didChange → dependent file p95 (ms)', result.dependent.p95, `target < 150 ${result.dependent.p95 < 150 ? 'ok' : 'MISSED'}`),
    row('peak RSS (MB)', peak ?? 'n/a'),
    row('server CPU to first diagnostics (ms)', result.serverCpu.startupMs ?? 'n/a'),
    row('server CPU per edit, mean (ms)', result.serverCpu.perEditMs ?? 'n/a'),
    row('load average (1 min) / cores', `${result.loadAverage[0]} / ${result.cores}`),
    '',
  ].join('\n'),
);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
