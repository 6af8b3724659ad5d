import { displayPath, type LintResult } from '@kblint/core/lint';
import type { Formatter } from './index.js';

type Diagnostic = LintResult['diagnostics'][number];

const WORST_FILES = 10;
const FIRST_FINDINGS = 20;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Text for a table cell or a list item: no pipes, no line breaks, no HTML. */
function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

function counts(diagnostics: readonly Diagnostic[]) {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/**
 * A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull request comment:
 * totals, findings per rule, the files with the most findings, and the
 * first findings. Everything else is in the annotations or the full output.
 */
export const formatMarkdown: Formatter = (result, { cwd }) => {
  const { summary, diagnostics } = result;
  const lines = ['## kblint', ''];
  if (diagnostics.length === 0) {
    lines.push(`✔ ${plural(summary.files, 'file')} checked, no problems.`, '');
    return lines.join('\n');
  }
  const total = counts(diagnostics);
  const files = new Set(diagnostics.map((d) => d.file)).size;
  lines.push(
    `**${plural(total.errors, 'error')}, ${plural(total.warnings, 'warning')}** in ${files} of ${plural(summary.files, 'file')} checked.`,
    '',
  );

  const byRule = new Map<string, Diagnostic[]>();
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    byRule.set(d.ruleId, [...(byRule.get(d.ruleId) ?? []), d]);
    byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  }
  lines.push('| Rule | Errors | Warnings |', '| --- | ---: | ---: |');
  for (const [ruleId, list] of [...byRule].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))) {
    const url = list.find((d) => d.url)?.url;
    const { errors, warnings } = counts(list);
    lines.push(`| ${url ? `[\`${ruleId}\`](${url})` : `\`${ruleId}\``} | ${errors} | ${warnings} |`);
  }
  lines.push('');

  const worst = [...byFile]
    .map(([file, list]) => ({ file: displayPath(file, cwd), ...counts(list) }))
    .sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || (a.file < b.file ? -1 : 1))
    .slice(0, WORST_FILES);
  lines.push(byFile.size > WORST_FILES ? `### The ${WORST_FILES} files with the most problems` : '### Files', '');
  lines.push('| File | Errors | Warnings |', '| --- | ---: | ---: |');
  for (const file of worst) lines.push(`| \`${cell(file.file)}\` | ${file.errors} | ${file.warnings} |`);
  lines.push('');

  lines.push(diagnostics.length > FIRST_FINDINGS ? `### The first ${FIRST_FINDINGS} of ${diagnostics.length} findings` : '### Findings', '');
  for (const d of diagnostics.slice(0, FIRST_FINDINGS)) {
    lines.push(`- \`${cell(displayPath(d.file, cwd))}:${d.line}:${d.column}\` ${d.severity}: ${cell(d.message)} (\`${d.ruleId}\`)`);
  }
  lines.push('');
  return lines.join('\n');
};
