import { displayPath, type LintResult } from '@kblint/core/lint';
import type { Formatter } from './index.js';

type Diagnostic = LintResult['diagnostics'][number];

function escapeXml(value: string): string {
  // XML 1.0 cannot carry most control characters even escaped; a finding
  // quoting a binary file must still give a well-formed report.
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * JUnit XML for CI test reports: one test suite per linted file, one test
 * case per finding. Errors are failures; warnings are passing cases whose
 * text is in `<system-out>`, because a warning does not fail a kblint run
 * and should not turn a test report red. A file without findings is one
 * passing case, so the report counts every file.
 */
export const formatJunit: Formatter = (result, { cwd }) => {
  const byFile = new Map<string, Diagnostic[]>();
  for (const file of result.files) byFile.set(displayPath(file, cwd), []);
  for (const d of result.diagnostics) {
    const name = displayPath(d.file, cwd);
    const list = byFile.get(name);
    if (list) list.push(d);
    else byFile.set(name, [d]);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, diagnostics] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cases =
      diagnostics.length === 0
        ? [`    <testcase classname="${escapeXml(file)}" name="kblint"/>`]
        : diagnostics.map((d) => {
            const name = escapeXml(`${d.line}:${d.column} ${d.ruleId}`);
            const text = escapeXml(`${file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}: ${d.message} (${d.ruleId})`);
            const body =
              d.severity === 'error'
                ? `<failure type="${escapeXml(d.ruleId)}" message="${escapeXml(d.message)}">${text}</failure>`
                : `<system-out>warning: ${text}</system-out>`;
            return `    <testcase classname="${escapeXml(file)}" name="${name}">${body}</testcase>`;
          });
    const suiteFailures = diagnostics.filter((d) => d.severity === 'error').length;
    tests += cases.length;
    failures += suiteFailures;
    suites.push(
      `  <testsuite name="${escapeXml(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kblint" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
};
