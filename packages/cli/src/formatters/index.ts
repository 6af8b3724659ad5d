import type { LintResult } from '@kblint/core/lint';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';

export interface FormatContext {
  cwd: string;
  /** Colour escape codes are allowed (stdout is a TTY and colour is not turned off). */
  color: boolean;
  /** Only errors (`--quiet`). */
  quiet: boolean;
  /** kblint's version, for formats that name the tool (SARIF). */
  version?: string;
}

/** What a formatter reads of a run: a lint run's result, or merged shard results. */
export type FormattableResult = Pick<LintResult, 'files' | 'diagnostics' | 'summary'>;

/** Turns a run's result into what is printed on stdout. */
export type Formatter = (result: FormattableResult, context: FormatContext) => string;

export const formatters: Record<string, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  github: formatGithub,
  sarif: formatSarif,
  junit: formatJunit,
  markdown: formatMarkdown,
};
