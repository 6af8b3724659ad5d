import {
  builtinRules,
  changedSince,
  changedTargetHooks,
  GitStagedWorkspace,
  loadConfig,
  parseShard,
  shardOf,
  type LintOptions,
} from '@kblint/core';

export interface TargetFlags {
  changedSince?: string | undefined;
  staged?: boolean | undefined;
  shard?: string | undefined;
  /** Paths given on the command line. */
  paths: string[];
}

export interface TargetSelection {
  /** Merged into the lint options. */
  options: Partial<LintOptions>;
  /** Added to the JSON summary so that a shard's result says which it is. */
  shard?: { index: number; count: number };
}

/**
 * Turns `--changed-since`, `--staged` and `--shard` into runner hooks. They
 * compose: each narrows the targets, and PR mode's additions are kept to the
 * shard. The config is loaded here because sharding hashes paths relative
 * to the project root and PR mode needs to know the config's own files.
 */
export async function selectTargets(flags: TargetFlags, base: LintOptions): Promise<TargetSelection> {
  if (flags.changedSince === undefined && !flags.staged && flags.shard === undefined) return { options: {} };
  const cwd = base.cwd ?? process.cwd();
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const config =
    base.config ??
    (await loadConfig({
      cwd,
      rules: base.rules ?? builtinRules,
      ...(base.configFile ? { configFile: base.configFile } : {}),
      ...(base.allowCodeConfig !== undefined ? { allowCode: base.allowCodeConfig } : {}),
    }));
  const filters: Array<(files: string[]) => string[]> = [];
  const keep = shard ? (file: string) => shardOf(file, config.projectRoot, shard.count) === shard.index : () => true;
  const options: Partial<LintOptions> = { config };

  if (flags.staged) {
    const workspace = new GitStagedWorkspace(cwd);
    options.workspace = workspace;
    // With paths (lint-staged passes the staged files) those are the targets;
    // without, the staged articles are.
    if (flags.paths.length === 0) {
      const staged = new Set(workspace.stagedMarkdown());
      filters.push((files) => files.filter((file) => staged.has(file)));
    }
  }
  if (flags.changedSince !== undefined) {
    const hooks = changedTargetHooks(changedSince(flags.changedSince, cwd), config, keep);
    if (hooks.filterTargets) filters.push(hooks.filterTargets);
    if (hooks.expandTargets) options.expandTargets = hooks.expandTargets;
  }
  if (shard) filters.push((files) => files.filter(keep));
  if (filters.length > 0) options.filterTargets = (files) => filters.reduce((kept, filter) => filter(kept), files);
  return { options, ...(shard ? { shard } : {}) };
}
