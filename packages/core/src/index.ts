import { registerFullParser } from './engine.js';
import { createParser, kblintSyntax } from './syntax.js';

// Whoever imports the whole API gets an engine that parses any file at once
// (the CLI's light entry, `lint-entry.ts`, loads the parser only when needed).
registerFullParser(createParser);

export { lint, UsageError } from './runner.js';
export type { LintOptions, LintResult } from './runner.js';
export { LintCache, cacheKey } from './cache.js';
export type { CacheStats } from './cache.js';
export { Engine, INTERNAL_ERROR_RULE, UNREADABLE_RULE, loadFullParser, FullParserNotLoaded } from './engine.js';
export type { FileAnalysis, EngineOptions } from './engine.js';
export { loadConfig, resolveConfig, ConfigError, MODULE_NAME } from './config.js';
export type { KblintConfigInput, ResolvedConfig, RuleConfig, RuleSettingInput, LoadConfigOptions } from './config.js';
export { KnowledgeIndex, isInside, wikiKey } from './content-index.js';
export { discover, createIgnoreFilter } from './discovery.js';
export { NodeWorkspace, MemoryWorkspace } from './workspace.js';
export type { Workspace } from './workspace.js';
export { extractFacts, classifyUrl, locate } from './facts.js';
export { footnoteKey } from '@kblint/rule-kit';
export { createParser, kblintSyntax };
export { fastParse } from './fast-parse.js';
export { applyDirectives } from './directives.js';
export { summarize, sortDiagnostics, displayPath, toJsonReport } from './results.js';
export type { Summary, JsonReport, JsonMessage } from './results.js';
export { builtinRules } from './rules.generated.js';
export { configSchema } from './schema.js';
export { changedSince, changedTargetHooks, fetchCommit, linkedToChanges, GitStagedWorkspace, gitRoot, shardOf, parseShard, isSettingsFile } from './git.js';
export type { ChangedFiles } from './git.js';
export { fix, planFixes, applyEdits, overlay } from './fix.js';
export type { FixResult, FileFix } from './fix.js';
