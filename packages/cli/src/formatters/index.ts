import type { LintResult } from '@kblint/core';
import { formatJson } from './json.js';
import { formatStylish } from './stylish.js';

export interface FormatContext {
  cwd: string;
  /** Colour escape codes are allowed (stdout is a TTY and colour is not turned off). */
  color: boolean;
  /** Only errors (`--quiet`). */
  quiet: boolean;
}

/** Turns a run's result into what is printed on stdout. */
export type Formatter = (result: LintResult, context: FormatContext) => string;

export const formatters: Record<string, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
};
