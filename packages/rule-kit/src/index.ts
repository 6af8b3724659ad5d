export type * from './types.js';
export { defineRule, docsUrl, DOCS_BASE } from './define-rule.js';
export type { KblintRule, RuleContext, RuleMeta, ReportInput, RuleSetting, JsonSchema } from './define-rule.js';
export { githubSlugger } from './slug.js';
export type { Slugger, SluggerFactory } from './slug.js';
export { closest, normalizeForMatch, trimEnd } from './suggest.js';
export { rangeOf, pointAtOffset, LineIndex } from './position.js';
export { textSegments } from './scan.js';
export type { TextSegment } from './scan.js';
