import { builtinRules, displayPath } from '@kblint/core/lint';
import { docsUrl } from '@kblint/rule-kit';
import type { Formatter } from './index.js';

const INFORMATION_URI = 'https://github.com/kblint/kblint';

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one rule
 * entry per rule id with its help URL (every built-in rule, found or not, so
 * a viewer can describe an alert whose rule had no findings this run, plus
 * any other rule id a finding carries); one result per finding; causes as
 * related locations. Paths are relative to the working directory (the
 * repository root in the Action), as code scanning expects.
 */
export const formatSarif: Formatter = (result, { cwd, version }) => {
  const descriptions = new Map(builtinRules.map((rule) => [rule.meta.id, rule.meta.description]));
  const ruleIds = [...new Set([...descriptions.keys(), ...result.diagnostics.map((d) => d.ruleId)])].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const url = result.diagnostics.find((d) => d.ruleId === id && d.url)?.url ?? (descriptions.has(id) ? docsUrl(id) : undefined);
    const description = descriptions.get(id);
    return {
      id,
      ...(description ? { shortDescription: { text: description } } : {}),
      ...(url ? { helpUri: url } : {}),
    };
  });
  const region = (r: { line: number; column: number; endLine: number; endColumn: number }) => ({
    startLine: r.line,
    startColumn: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
  });
  const results = result.diagnostics.map((d) => ({
    ruleId: d.ruleId,
    ruleIndex: ruleIndex.get(d.ruleId) ?? 0,
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: d.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: displayPath(d.file, cwd) }, region: region(d) } }],
    ...(d.related?.length
      ? {
          relatedLocations: d.related.map((related, id) => ({
            id,
            message: { text: related.message },
            physicalLocation: {
              artifactLocation: { uri: displayPath(related.file, cwd) },
              region: region({
                line: related.range.start.line,
                column: related.range.start.column,
                endLine: related.range.end.line,
                endColumn: related.range.end.column,
              }),
            },
          })),
        }
      : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kblint', ...(version ? { version } : {}), informationUri: INFORMATION_URI, rules } },
        // kblint's columns count UTF-16 code units, SARIF's default; said
        // explicitly so that no viewer guesses.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
