import type { ArticleFacts, Diagnostic, KblintRule } from '@kblint/rule-kit';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { loadConfig, type ResolvedConfig } from './config.js';
import { KnowledgeIndex } from './content-index.js';
import { applyDirectives } from './directives.js';
import { createIgnoreFilter, discover } from './discovery.js';
import { Engine, INTERNAL_ERROR_RULE, type EngineOptions } from './engine.js';
import { builtinRules } from './rules.generated.js';
import { summarize, sortDiagnostics, type Summary } from './results.js';
import { NodeWorkspace, type Workspace } from './workspace.js';

export interface LintOptions {
  /** Where paths and the config search start; defaults to `process.cwd()`. */
  cwd?: string;
  /** `--config`. */
  configFile?: string;
  /** Run JavaScript configs (default true). */
  allowCodeConfig?: boolean;
  /** An already resolved config; skips the search. */
  config?: ResolvedConfig;
  /** Files, folders or globs to report on; default every article. */
  paths?: string[];
  workspace?: Workspace;
  /** The rule set; defaults to every built-in rule. */
  rules?: readonly KblintRule<object>[];
  engine?: EngineOptions;
  /** Narrows the targets before anything is parsed (`--shard`). */
  filterTargets?: (files: string[]) => string[];
  /**
   * Adds targets once the index is known (`--changed-since` adds the articles
   * that link to a changed one). Added files are parsed again for file rules.
   */
  expandTargets?: (index: KnowledgeIndex, targets: string[]) => string[];
}

export interface LintResult {
  config: ResolvedConfig;
  index: KnowledgeIndex;
  /** Files that were reported on, sorted. */
  files: string[];
  /** Sorted by file, line, column, rule. */
  diagnostics: Diagnostic[];
  summary: Summary;
}

/** A problem with how kblint was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const rules = options.rules ?? builtinRules;
  const workspace = options.workspace ?? new NodeWorkspace();
  const config =
    options.config ??
    (await loadConfig({
      cwd,
      rules,
      ...(options.configFile ? { configFile: options.configFile } : {}),
      ...(options.allowCodeConfig !== undefined ? { allowCode: options.allowCodeConfig } : {}),
    }));
  const engine = new Engine(config, rules, options.engine);

  const articles = await discover(workspace, config);
  const requested = options.paths?.length ? await resolveTargets(options.paths, cwd, config, workspace) : articles;
  let targets = options.filterTargets ? options.filterTargets(requested) : requested;
  const targetSet = new Set(targets);

  // One pass over every file: facts for the index, and the file rules for
  // the files being reported on. Trees are not kept.
  const facts = new Map<string, ArticleFacts>();
  const diagnostics: Diagnostic[] = [];
  for (const file of new Set([...articles, ...targets])) {
    let content: Uint8Array;
    try {
      content = await workspace.readFile(file);
    } catch (error) {
      if (!targetSet.has(file)) continue;
      const analysis = engine.analyze(file, new Uint8Array(), false);
      facts.set(file, analysis.facts);
      diagnostics.push(unreadable(file, error));
      continue;
    }
    const analysis = engine.analyze(file, content, targetSet.has(file));
    facts.set(file, analysis.facts);
    diagnostics.push(...analysis.diagnostics);
  }

  const index = new KnowledgeIndex(
    articles.map((file) => facts.get(file)).filter((f): f is ArticleFacts => f !== undefined),
    { contentRoot: config.contentRoot, projectRoot: config.projectRoot, fileExists: (file) => workspace.exists(file) },
  );
  if (options.expandTargets) {
    const expanded = options.expandTargets(index, targets);
    for (const file of expanded) {
      if (targetSet.has(file)) continue;
      targetSet.add(file);
      const content = await workspace.readFile(file).catch(() => undefined);
      if (!content) continue;
      const analysis = engine.analyze(file, content, true);
      facts.set(file, analysis.facts);
      diagnostics.push(...analysis.diagnostics);
    }
    targets = [...targetSet];
  }
  for (const file of targets) {
    const fileFacts = facts.get(file);
    if (fileFacts) diagnostics.push(...engine.lintWithIndex(fileFacts, index));
  }

  const kept = applyDirectives(diagnostics, facts);
  sortDiagnostics(kept);
  return { config, index, files: [...targets].sort(), diagnostics: kept, summary: summarize(kept, targets.length) };
}

async function resolveTargets(paths: string[], cwd: string, config: ResolvedConfig, workspace: Workspace): Promise<string[]> {
  const isIgnored = await createIgnoreFilter(workspace, config);
  const found = new Set<string>();
  for (const input of paths) {
    const absolute = path.resolve(cwd, input);
    if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      for (const file of await workspace.listMarkdown(absolute)) if (!isIgnored(file)) found.add(file);
    } else if (existsSync(absolute) || workspace.exists(absolute)) {
      found.add(absolute);
    } else if (isDynamicPattern(input)) {
      const matches = await glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      for (const file of matches) if (!isIgnored(path.normalize(file))) found.add(path.normalize(file));
      if (matches.length === 0) throw new UsageError(`No files match the pattern \`${input}\``);
    } else {
      throw new UsageError(`No such file or folder: \`${input}\``);
    }
  }
  return [...found].sort();
}

function unreadable(file: string, error: unknown): Diagnostic {
  const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
  const reason = code === 'ENOENT' ? 'it was deleted during the run' : code === 'EACCES' ? 'permission denied' : code || 'unknown error';
  return {
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    ruleId: 'unreadable-file',
    severity: 'error',
    message: `Unexpected unreadable file: ${reason}`,
  };
}

export { INTERNAL_ERROR_RULE };
