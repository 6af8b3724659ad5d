/** Temporary knowledge bases on disk and the real CLI run against them. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KBLINT_BIN = path.join(REPO_ROOT, 'packages/cli/bin/kblint.js');

/** The ten categories as a taxonomy file's text. */
export const TAXONOMY_YAML = `categories:
  - { name: Core Concepts, slug: core-concepts }
  - { name: Reasoning, slug: reasoning }
  - { name: Memory & Retrieval, slug: memory-retrieval }
  - { name: Agent Types, slug: agent-types }
  - { name: Design Patterns, slug: design-patterns }
  - { name: Training & Alignment, slug: training-alignment }
  - { name: Frameworks, slug: frameworks }
  - { name: Tools, slug: tools }
  - { name: Safety, slug: safety }
  - { name: Meta, slug: meta }
`;

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (relative path → content) into a fresh temp folder; removed after the test file. */
export function makeKb(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kblint-test-'));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would. */
export function runCli(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [KBLINT_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI with `--format json` and parses stdout. */
export function runJson(cwd: string, args: string[] = []) {
  const run = runCli(cwd, ['--format', 'json', ...args]);
  let json: JsonOutput | undefined;
  try {
    json = JSON.parse(run.stdout) as JsonOutput;
  } catch {
    json = undefined;
  }
  return { ...run, json };
}

export interface JsonOutput {
  version: number;
  messages: Array<{
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    ruleId: string;
    severity: 'error' | 'warning';
    message: string;
    [key: string]: unknown;
  }>;
  summary: { files: number; errors: number; warnings: number; internalErrors: number; [key: string]: unknown };
}

/** A minimal valid article. */
export function article(title: string, category: string, body = ''): string {
  return `---\ntitle: ${title}\ncategory: ${category}\n---\n\n# ${title}\n\n${body || `Text about ${title}.`}\n`;
}
