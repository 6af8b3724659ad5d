import { toJsonReport } from '@kblint/core/lint';
import type { Formatter } from './index.js';

/** The `--format json` contract: one object, version 1. */
export const formatJson: Formatter = (result, { cwd }) =>
  `${JSON.stringify(toJsonReport(result.diagnostics, result.summary, cwd))}\n`;
