export { serve, DEFAULT_OPTIONS } from './server.js';
export type { ServerOptions } from './server.js';
export { KnowledgeBase, DEFAULT_MAX_CHARS } from './knowledge-base.js';
export type { KnowledgeBaseOptions, Change } from './knowledge-base.js';
export { codeActions, complete, definition, hover, references } from './features.js';
export { toLspDiagnostic, toLspRange, toPath, toUri } from './convert.js';
export { main } from './main.js';
