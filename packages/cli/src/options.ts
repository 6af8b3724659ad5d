import type { Formatter } from './formatters/index.js';
import { FORMAT_NAMES, loadFormatter } from './formatters/load.js';

/** The flags `kblint` and `kblint merge` both take (node:util parseArgs options); `outputOptions` reads them. */
export const OUTPUT_FLAGS = {
  format: { type: 'string', short: 'f', default: 'stylish' },
  quiet: { type: 'boolean', short: 'q', default: false },
  'max-warnings': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
} as const;

/** The output options `kblint` and `kblint merge` share, or the usage error. */
export async function outputOptions(values: { format?: string; 'max-warnings'?: string }): Promise<
  { format: Formatter; maxWarnings: number } | { error: string }
> {
  const format = await loadFormatter(values.format ?? 'stylish');
  if (!format) return { error: `unknown format \`${values.format}\`; expected one of ${FORMAT_NAMES.join(', ')}` };
  let maxWarnings = Infinity;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) return { error: '--max-warnings expects a whole number of 0 or more' };
  }
  return { format, maxWarnings };
}

/** 2 for internal errors, 1 for errors or more warnings than allowed, else 0. */
export function exitCodeOf(
  summary: { errors: number; warnings: number; internalErrors: number },
  maxWarnings: number,
  warn: (message: string) => void,
): number {
  if (summary.internalErrors > 0) return 2;
  if (summary.errors > 0) return 1;
  if (summary.warnings > maxWarnings) {
    warn(`${summary.warnings} warnings, more than --max-warnings ${maxWarnings}`);
    return 1;
  }
  return 0;
}
