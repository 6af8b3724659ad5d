/**
 * Hostile input, end to end through the built CLI: every bad file gets one
 * clear finding with a position, and every other file is still linted.
 */
import { builtinRules, lint, MemoryWorkspace, resolveConfig } from '@kblint/core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { article, KBLINT_BIN, makeKb, runJson, type JsonOutput } from '../helpers/kb.js';

const CONFIG = 'content: content\n';
/** A file with one known defect: proves the run went on past the hostile ones. */
const PLANTED = '---\ntitle: Planted\n---\n\n# Planted\n\nText.\n';
const PLANTED_MESSAGE = [
  'content/reasoning/planted.md',
  1,
  1,
  1,
  4,
  'valid-frontmatter',
  'Unexpected missing key `category` in frontmatter, expected `category: …`',
];

function rows(json: JsonOutput | undefined) {
  return (json?.messages ?? []).map((m) => [m.file, m.line, m.column, m.endLine, m.endColumn, m.ruleId, m.message]);
}

/** A YAML alias bomb: nine levels of nine-fold aliases expand to 9^9 items. */
function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  }
  return `---\n${lines.join('\n')}\ntitle: Bomb\ncategory: Reasoning\n---\n\n# Bomb\n\nText.\n`;
}

describe('hostile files in one knowledge base', () => {
  it('each gets one finding with a position, nothing is executed or probed, the rest is linted', () => {
    const dir = makeKb({
      '.kblintrc.yml': CONFIG,
      'content/reasoning/ok.md': article('Ok', 'Reasoning'),
      'content/reasoning/planted.md': PLANTED,
      'content/reasoning/nul.md': Buffer.from('---\ntitle: Nul\ncategory: Reasoning\n---\n\nab\0cd\n'),
      'content/reasoning/png.md': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
      'content/reasoning/latin1.md': Buffer.concat([
        Buffer.from('---\ntitle: Latin\ncategory: Reasoning\n---\n\n# Caf'),
        Buffer.from([0xe9]),
        Buffer.from('\n'),
      ]),
      'content/reasoning/bomb.md': aliasBomb(),
      'content/reasoning/js-function.md':
        '---\ntitle: !!js/function "function () { require(\'fs\').writeFileSync(\'pwned\', \'x\') }"\ncategory: Reasoning\n---\n\n# Fn\n\nText.\n',
      'content/reasoning/list-frontmatter.md': '---\n- a\n- b\n---\n\n# List\n\nText.\n',
      'content/reasoning/scalar-frontmatter.md': '---\njust a scalar\n---\n\n# Scalar\n\nText.\n',
      'content/reasoning/quotes.md': article('Quotes', 'Reasoning', `${'>'.repeat(10_000)} deep`),
      'content/reasoning/lists.md': article('Lists', 'Reasoning', `${'- '.repeat(10_000)}deep`),
      'content/reasoning/indented-lists.md': article(
        'Indented',
        'Reasoning',
        Array.from({ length: 400 }, (_, i) => `${' '.repeat(i * 2)}- level ${i}`).join('\n'),
      ),
      'content/reasoning/climb.md': article(
        'Climb',
        'Reasoning',
        'See [p](../../../../etc/passwd), [s](/../../etc/shadow) and ![i](../../../../../../etc/hostname).',
      ),
    });
    const contentDir = path.join(dir, 'content/reasoning');
    // Not articles, so discovery skips them; naming them is tested below.
    mkdirSync(path.join(contentDir, 'folder.md'));
    expect(spawnSync('mkfifo', [path.join(contentDir, 'fifo.md')]).status).toBe(0);
    symlinkSync('.', path.join(contentDir, 'loop'));
    symlinkSync('loop-b.md', path.join(contentDir, 'loop-a.md'));
    symlinkSync('loop-a.md', path.join(contentDir, 'loop-b.md'));

    const run = runJson(dir, ['--no-cache']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const deep = 'Unexpected lists or block quotes nested more than 100 levels deep, expected at most 100: the file is not parsed';
    const outside = (link: string) => `Unexpected link \`${link}\` leaving the repository, expected a path inside it`;
    expect(rows(run.json)).toEqual([
      ['content/reasoning/bomb.md', 1, 1, 13, 4, 'valid-frontmatter', 'Unexpected invalid YAML in frontmatter: Excessive alias count indicates a resource exhaustion attack'],
      ['content/reasoning/climb.md', 8, 9, 8, 31, 'no-dangling-links', outside('../../../../etc/passwd')],
      ['content/reasoning/climb.md', 8, 38, 8, 55, 'no-dangling-links', outside('/../../etc/shadow')],
      ['content/reasoning/climb.md', 8, 66, 8, 96, 'no-dangling-links', outside('../../../../../../etc/hostname')],
      ['content/reasoning/indented-lists.md', 108, 201, 108, 202, 'unreadable-file', deep],
      [
        'content/reasoning/js-function.md',
        2,
        8,
        2,
        21,
        'valid-frontmatter',
        'Unexpected invalid YAML in frontmatter: unknown tag `!!js/function`, expected plain YAML values (kblint never runs tags, but other YAML readers may)',
      ],
      ['content/reasoning/latin1.md', 6, 6, 6, 7, 'unreadable-file', 'Unexpected invalid UTF-8 at byte 47, expected UTF-8 Markdown'],
      ['content/reasoning/list-frontmatter.md', 1, 1, 1, 4, 'valid-frontmatter', 'Unexpected frontmatter of type list, expected a mapping with `title` and `category`'],
      ['content/reasoning/lists.md', 8, 201, 8, 202, 'unreadable-file', deep],
      ['content/reasoning/nul.md', 6, 3, 6, 4, 'unreadable-file', 'Unexpected NUL byte at byte 42: this looks like a binary file, expected UTF-8 Markdown'],
      PLANTED_MESSAGE,
      ['content/reasoning/png.md', 3, 1, 3, 2, 'unreadable-file', 'Unexpected NUL byte at byte 8: this looks like a binary file, expected UTF-8 Markdown'],
      ['content/reasoning/quotes.md', 8, 101, 8, 102, 'unreadable-file', deep],
      ['content/reasoning/scalar-frontmatter.md', 1, 1, 1, 4, 'valid-frontmatter', 'Unexpected frontmatter of type string, expected a mapping with `title` and `category`'],
    ]);
    expect(run.json?.summary.files).toBe(13);
    // The `!!js/function` tag was never run.
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('a FIFO, a folder or a symlink loop named on the command line is a finding or a one-line error, never a hang', () => {
    const dir = makeKb({
      '.kblintrc.yml': CONFIG,
      'content/reasoning/ok.md': article('Ok', 'Reasoning'),
      // Indexed but not named: its finding must not appear.
      'content/reasoning/nul.md': Buffer.from('ab\0cd\n'),
    });
    mkdirSync(path.join(dir, 'content/reasoning/folder.md'));
    const contentDir = path.join(dir, 'content/reasoning');
    expect(spawnSync('mkfifo', [path.join(contentDir, 'fifo.md')]).status).toBe(0);
    symlinkSync('loop-b.md', path.join(contentDir, 'loop-a.md'));
    symlinkSync('loop-a.md', path.join(contentDir, 'loop-b.md'));

    const fifo = runJson(dir, ['--no-cache', 'content/reasoning/fifo.md', 'content/reasoning/ok.md']);
    expect(fifo.code).toBe(1);
    expect(rows(fifo.json)).toEqual([
      [
        'content/reasoning/fifo.md',
        1,
        1,
        1,
        1,
        'unreadable-file',
        'Unexpected unreadable file: it is not a regular file (a FIFO, socket or device), expected a file',
      ],
    ]);
    expect(fifo.json?.summary.files).toBe(2);

    // A folder is searched for articles, like any folder: there are none in it.
    const folder = runJson(dir, ['--no-cache', 'content/reasoning/folder.md']);
    expect({ code: folder.code, rows: rows(folder.json), files: folder.json?.summary.files }).toEqual({ code: 0, rows: [], files: 0 });

    const loop = runJson(dir, ['--no-cache', 'content/reasoning/loop-a.md']);
    expect(loop).toMatchObject({ code: 2, stdout: '', stderr: 'kblint: No such file or folder: `content/reasoning/loop-a.md`\n' });
  });
});

describe('large files', () => {
  /** The CLI with room for a large file on a busy machine; completion is what is asserted. */
  function runLarge(cwd: string) {
    const result = spawnSync(process.execPath, [KBLINT_BIN, '--format', 'json', '--no-cache'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 280_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: result.status, json: JSON.parse(result.stdout) as JsonOutput, stderr: result.stderr };
  }

  /** Sections with every construct, to at least `bytes`, then a line with one defect. */
  function longArticle(bytes: number): { text: string; defectLine: number } {
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < bytes; i++) {
      const section =
        `## Section ${i}\n\nA claim about reasoning[^c${i}], a [link](ok.md), [[Ok]], *emphasis* and \`code\`.\n\n` +
        `- one\n- two with **bold**\n\n> a quote\n\n[^c${i}]: Author ${i}, https://example.org/${i}\n\n`;
      parts.push(section);
      size += section.length;
    }
    // article() puts the body on line 8; each section is 11 lines.
    return { text: `${parts.join('')}See [[Missing Page]].`, defectLine: 8 + parts.length * 11 };
  }

  it('a 10 MB article is one unreadable-file finding; the other files are linted', () => {
    const dir = makeKb({
      '.kblintrc.yml': CONFIG,
      'content/reasoning/ok.md': article('Ok', 'Reasoning'),
      'content/reasoning/planted.md': PLANTED,
      'content/reasoning/big.md': article('Big', 'Reasoning', longArticle(10 * 1024 * 1024).text),
    });
    const run = runLarge(dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(rows(run.json)).toEqual([
      ['content/reasoning/big.md', 1, 1, 1, 1, 'unreadable-file', 'Unexpected file of 10.0 MB, expected at most 4.0 MB: the file is not parsed (split the article)'],
      PLANTED_MESSAGE,
    ]);
  }, 300_000);

  it('a 3.5 MB article is linted to its last line', () => {
    const big = longArticle(3.5 * 1024 * 1024);
    const dir = makeKb({
      '.kblintrc.yml': CONFIG,
      'content/reasoning/ok.md': article('Ok', 'Reasoning'),
      'content/reasoning/big.md': article('Big', 'Reasoning', big.text),
    });
    const run = runLarge(dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.json.messages.map((m) => [m.file, m.line, m.column, m.ruleId])).toEqual([['content/reasoning/big.md', big.defectLine, 5, 'no-dangling-links']]);
  }, 300_000);

  it('lints an article with 100,000 footnotes', () => {
    const references: string[] = [];
    const definitions: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      references.push(`[^${i}]`);
      definitions.push(`[^${i}]: S`);
    }
    // One unused definition and one missing reference, at the ends.
    definitions.push('[^unused]: Nobody, https://example.org/unused');
    references.push('[^missing]');
    const dir = makeKb({
      '.kblintrc.yml': CONFIG,
      'content/reasoning/ok.md': article('Ok', 'Reasoning'),
      'content/reasoning/footnotes.md': article('Footnotes', 'Reasoning', `Claims ${references.join(' ')}.\n\n${definitions.join('\n')}`),
    });
    const run = runLarge(dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.json.messages.map((m) => [m.line, m.ruleId])).toEqual([
      [8, 'no-unresolved-citations'],
      [100_010, 'no-unused-citations'],
    ]);
  }, 300_000);
});

describe('files that change under a run', () => {
  it('a file without read permission is an unreadable-file finding (in process: the tests run as root, which reads anything)', async () => {
    const root = path.resolve('/kb');
    const secret = path.join(root, 'content/reasoning/secret.md');
    class LockedWorkspace extends MemoryWorkspace {
      override async readFile(file: string): Promise<Uint8Array> {
        if (file === secret) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
        return super.readFile(file);
      }
    }
    const files = new Map<string, string>([
      [secret, article('Secret', 'Reasoning')],
      [path.join(root, 'content/reasoning/planted.md'), PLANTED],
    ]);
    const config = resolveConfig({ content: 'content' }, { cwd: root, rules: builtinRules });
    const result = await lint({ cwd: root, config, workspace: new LockedWorkspace(files) });
    expect(result.diagnostics.map((d) => [path.relative(root, d.file), d.line, d.column, d.ruleId, d.message])).toEqual([
      PLANTED_MESSAGE.filter((_, i) => i === 0 || i === 1 || i === 2 || i === 5 || i === 6),
      ['content/reasoning/secret.md', 1, 1, 'unreadable-file', 'Unexpected unreadable file: permission denied'],
    ]);
  });

  it('a file deleted between discovery and reading is an unreadable-file finding; the rest is linted', async () => {
    const root = path.resolve('/kb');
    const gone = path.join(root, 'content/reasoning/gone.md');
    const files = new Map<string, string>([
      [path.join(root, 'content/reasoning/ok.md'), article('Ok', 'Reasoning')],
      [path.join(root, 'content/reasoning/planted.md'), PLANTED],
    ]);
    // Lists the file but no longer has it when asked for its bytes.
    class DeletingWorkspace extends MemoryWorkspace {
      override async listMarkdown(dirPath: string): Promise<string[]> {
        return [...(await super.listMarkdown(dirPath)), gone];
      }
    }
    const config = resolveConfig({ content: 'content' }, { cwd: root, rules: builtinRules });
    const result = await lint({ cwd: root, config, workspace: new DeletingWorkspace(files) });
    expect(result.diagnostics.map((d) => [path.relative(root, d.file), d.line, d.column, d.ruleId, d.message])).toEqual([
      ['content/reasoning/gone.md', 1, 1, 'unreadable-file', 'Unexpected unreadable file: it was deleted during the run'],
      PLANTED_MESSAGE.filter((_, i) => i === 0 || i === 1 || i === 2 || i === 5 || i === 6),
    ]);
  });
});
