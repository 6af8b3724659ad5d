/**
 * The .vsix is built offline from the bundle, holds what VS Code needs, and
 * the server inside it runs on its own: copied out of the repository (so no
 * node_modules can help), it answers an editor and publishes findings.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8')) as { name: string; version: string };
const temp = mkdtempSync(path.join(tmpdir(), 'kblint-vsix-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Entries of a zip file by name (stored or deflated), read from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString();
    const local = zip.readUInt32LE(at + 42);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    entries.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + skip;
  }
  return entries;
}

describe('VS Code extension package', () => {
  it('bundles and packs a .vsix offline whose server runs without node_modules', async () => {
    for (const script of ['build.mjs', 'package-vsix.mjs']) {
      const run = spawnSync(process.execPath, [script], { cwd: here, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
    const entries = unzip(readFileSync(path.join(here, 'dist', `${manifest.name}-${manifest.version}.vsix`)));
    expect([...entries.keys()].sort()).toEqual([
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/README.md',
      'extension/dist/extension.cjs',
      'extension/dist/server/package.json',
      'extension/dist/server/server.js',
      'extension/package.json',
    ]);
    const shipped = JSON.parse(String(entries.get('extension/package.json'))) as Record<string, unknown>;
    expect(shipped.main).toBe('./dist/extension.cjs');
    expect(shipped.devDependencies).toBeUndefined();
    expect(String(entries.get('extension.vsixmanifest'))).toContain(`<Identity Language="en-US" Id="${manifest.name}" Version="${manifest.version}" Publisher="kblint" />`);

    // The extension loads as CommonJS and exports its entry points; \`vscode\`
    // itself only exists inside the editor, so a stub answers for it here.
    const host = path.join(temp, 'host');
    mkdirSync(path.join(host, 'node_modules', 'vscode'), { recursive: true });
    writeFileSync(path.join(host, 'extension.cjs'), entries.get('extension/dist/extension.cjs') as Buffer);
    writeFileSync(
      path.join(host, 'node_modules', 'vscode', 'index.js'),
      'const h = { get: (t, p) => (p in t ? t[p] : (t[p] = new Proxy(function () {}, h))), construct: () => new Proxy({}, h), apply: () => new Proxy(function () {}, h) };\nmodule.exports = new Proxy({}, h);\n',
    );
    const loaded = spawnSync(process.execPath, ['-e', "console.log(Object.keys(require('./extension.cjs')).join(','))"], { cwd: host, encoding: 'utf8' });
    expect(loaded.stdout.trim(), loaded.stderr).toBe('activate,deactivate');

    // The server, alone in a folder outside the repository.
    const serverDir = path.join(temp, 'extension', 'dist', 'server');
    mkdirSync(serverDir, { recursive: true });
    for (const name of ['server.js', 'package.json']) writeFileSync(path.join(serverDir, name), entries.get(`extension/dist/server/${name}`) as Buffer);
    const kb = path.join(temp, 'kb');
    mkdirSync(path.join(kb, 'content', 'reasoning'), { recursive: true });
    writeFileSync(path.join(kb, '.kblintrc.yml'), 'content: content\ntaxonomy:\n  categories:\n    - { name: Reasoning, slug: reasoning }\n');
    const article = path.join(kb, 'content', 'reasoning', 'a.md');
    const text = '---\ntitle: A\ncategory: Reasonin\n---\n\n# A\n\nSee [[Monte Carlo Tree Search]].\n';
    writeFileSync(article, text);

    const child = spawn(process.execPath, [path.join(serverDir, 'server.js'), '--stdio'], { cwd: kb });
    const published = new Promise<{ diagnostics: Array<{ range: { start: { line: number; character: number } }; code: string; message: string }> }>(
      (resolve, reject) => {
        let buffer = Buffer.alloc(0);
        child.stdout.on('data', (chunk: Buffer) => {
          buffer = Buffer.concat([buffer, chunk]);
          for (;;) {
            const headerEnd = buffer.indexOf('\r\n\r\n');
            if (headerEnd === -1) return;
            const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
            if (buffer.length < headerEnd + 4 + length) return;
            const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()) as { method?: string; params?: unknown };
            buffer = buffer.subarray(headerEnd + 4 + length);
            if (message.method === 'textDocument/publishDiagnostics') resolve(message.params as never);
          }
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      },
    );
    const send = (message: object) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: pathToFileURL(kb).href, capabilities: {} } });
    send({ method: 'initialized', params: {} });
    send({ method: 'textDocument/didOpen', params: { textDocument: { uri: pathToFileURL(article).href, languageId: 'markdown', version: 1, text } } });
    try {
      const { diagnostics } = await published;
      expect(diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}: ${d.message}`)).toEqual([
        '3:11 valid-taxonomy: Unexpected unknown category `Reasonin`, did you mean `Reasoning`?',
        '8:5 no-dangling-links: Unexpected wiki link to missing article `Monte Carlo Tree Search`, expected the title, an alias, the file name or `category/file` of an article',
      ]);
    } finally {
      child.kill();
    }
  });
});
