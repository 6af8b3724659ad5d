import { displayPath } from '@kblint/core/lint';
import type { Formatter } from './index.js';

// Workflow command escaping, as the runner unescapes it (the same table as
// @actions/core's `issueCommand`): the message escapes `%`, CR and LF;
// property values also escape `:` and `,`, which separate properties.
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands: one `::error` or `::warning` per finding,
 * so a pull request shows each at its line. Warnings stay warnings.
 */
export const formatGithub: Formatter = (result, { cwd }) =>
  result.diagnostics
    .map((d) => {
      const properties = [
        `file=${escapeProperty(displayPath(d.file, cwd))}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `endLine=${d.endLine}`,
        `endColumn=${d.endColumn}`,
        `title=${escapeProperty(d.ruleId)}`,
      ].join(',');
      return `::${d.severity === 'error' ? 'error' : 'warning'} ${properties}::${escapeData(d.message)}\n`;
    })
    .join('');
