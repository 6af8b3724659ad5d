import type { Diagnostic, TextEdit } from '@kblint/rule-kit';
import { stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { lint, type LintOptions, type LintResult } from './runner.js';
import { NodeWorkspace, type Workspace } from './workspace.js';

/** Rounds of fix-then-lint before giving up; fixes that enable further fixes converge fast. */
const MAX_ROUNDS = 5;

export interface FileFix {
  file: string;
  before: string;
  after: string;
}

export interface FixResult {
  /** The lint result after every fix (what is left to do by hand). */
  result: LintResult;
  fixes: FileFix[];
}

/**
 * Applies the certain suggestions (a deprecated tag's replacement, the single
 * close category or link target) until none are left. Never deletes text a
 * rule did not offer to replace, never touches a file that did not parse,
 * and writes (unless `dryRun`) atomically: a temporary file renamed over the
 * original, with its mode kept.
 */
export async function fix(options: LintOptions & { dryRun?: boolean }): Promise<FixResult> {
  const base = options.workspace ?? new NodeWorkspace();
  const overrides = new Map<string, string>();
  const originals = new Map<string, string>();
  let result = await lint({ ...options, workspace: base });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const planned = planFixes(result);
    if (planned.size === 0) break;
    let changed = false;
    for (const [file, edits] of planned) {
      const before = overrides.get(file) ?? (await readText(base, file));
      if (before === undefined) continue;
      if (!originals.has(file)) originals.set(file, before);
      const after = applyEdits(before, edits);
      if (after !== before) {
        overrides.set(file, after);
        changed = true;
      }
    }
    if (!changed) break;
    result = await lint({ ...options, workspace: overlay(base, overrides) });
  }
  const fixes: FileFix[] = [];
  for (const [file, after] of overrides) {
    const before = originals.get(file) as string;
    if (before === after) continue;
    fixes.push({ file, before, after });
  }
  fixes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (!options.dryRun) {
    for (const change of fixes) {
      const { mode } = await stat(change.file);
      await writeFileAtomic(change.file, change.after, { mode, chown: undefined });
    }
  }
  return { result, fixes };
}

/** Certain edits per file, without overlaps, for files that parsed. */
export function planFixes(result: LintResult): Map<string, TextEdit[]> {
  const blocked = new Set<string>();
  for (const d of result.diagnostics) if (isParseFailure(d)) blocked.add(d.file);
  for (const facts of result.index.articles()) if (facts.unreadable || facts.frontmatter.error) blocked.add(facts.path);
  const plan = new Map<string, TextEdit[]>();
  for (const d of result.diagnostics) {
    if (blocked.has(d.file)) continue;
    for (const suggestion of d.suggestions ?? []) {
      if (!suggestion.certain) continue;
      const edits = plan.get(d.file) ?? [];
      const fits = suggestion.edits.every((edit) => edits.every((other) => edit.end <= other.start || edit.start >= other.end));
      if (fits) {
        edits.push(...suggestion.edits);
        plan.set(d.file, edits);
      }
      break;
    }
  }
  return plan;
}

function isParseFailure(diagnostic: Diagnostic): boolean {
  return diagnostic.ruleId === 'unreadable-file' || diagnostic.ruleId === 'internal-error';
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const bom = text.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  let body = bom ? text.slice(1) : text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    if (edit.start < 0 || edit.end > body.length || edit.start > edit.end) continue;
    body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  }
  return bom + body;
}

async function readText(workspace: Workspace, file: string): Promise<string | undefined> {
  const bytes = await workspace.readFile(file).catch(() => undefined);
  // Keep a byte order mark: the engine's offsets skip it and applyEdits puts it back.
  return bytes ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) : undefined;
}

/** The base workspace with some files replaced by in-memory text. */
export function overlay(base: Workspace, overrides: ReadonlyMap<string, string>): Workspace {
  const inner = base;
  return {
    listMarkdown: (root) => inner.listMarkdown(root),
    readFile: async (file) => {
      const text = overrides.get(file);
      return text !== undefined ? new TextEncoder().encode(text) : inner.readFile(file);
    },
    readText: (file) => inner.readText(file),
    exists: (file) => overrides.has(file) || inner.exists(file),
  };
}
