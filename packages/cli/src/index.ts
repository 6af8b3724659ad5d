export { main } from './main.js';
export type { MainOptions } from './main.js';
export { formatters } from './formatters/index.js';
export type { Formatter, FormatContext } from './formatters/index.js';
