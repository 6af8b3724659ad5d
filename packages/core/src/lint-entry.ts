/**
 * `@kblint/core/lint`: what a command line run needs before it knows whether
 * anything must be parsed. It leaves out the engine, the parser and the git
 * helpers (the runner loads the engine when a file must be parsed), so a run
 * answered from the cache starts in a fraction of the time. Everything here
 * is also exported by `@kblint/core`.
 */
export { lint, UsageError } from './runner.js';
export type { LintOptions, LintResult } from './runner.js';
export { LintCache } from './cache.js';
export type { CacheStats } from './cache.js';
export { ConfigError } from './config-error.js';
export type { ResolvedConfig } from './config.js';
import type { LoadConfigOptions, ResolvedConfig } from './config.js';

/** `loadConfig`, loaded on first use: a run whose config is remembered never loads cosmiconfig or the YAML library. */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  return (await import('./config.js')).loadConfig(options);
}
export { builtinRules } from './rules.generated.js';
export { summarize, sortDiagnostics, displayPath, toJsonReport } from './results.js';
export type { Summary, JsonReport, JsonMessage } from './results.js';
