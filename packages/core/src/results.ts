import type { Diagnostic } from '@kblint/rule-kit';
import path from 'node:path';

export interface Summary {
  files: number;
  filesWithProblems: number;
  errors: number;
  warnings: number;
  /** Rules that threw; a run with any exits 2. */
  internalErrors: number;
  /** Findings per rule id. */
  rules: Record<string, number>;
}

export function summarize(diagnostics: readonly Diagnostic[], files: number): Summary {
  const rules: Record<string, number> = {};
  const withProblems = new Set<string>();
  let errors = 0;
  let warnings = 0;
  let internalErrors = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
    if (d.ruleId === 'internal-error') internalErrors++;
    rules[d.ruleId] = (rules[d.ruleId] ?? 0) + 1;
    withProblems.add(d.file);
  }
  return { files, filesWithProblems: withProblems.size, errors, warnings, internalErrors, rules: sortKeys(rules) };
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compare(a.ruleId, b.ruleId) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

/** A path as the JSON contract writes it: relative to `cwd`, POSIX separators. */
export function displayPath(file: string, cwd: string): string {
  const sep = path.sep;
  // Inside the working directory, written plainly (nearly always): the rest
  // of the path, without normalising both paths as `path.relative` does.
  if (file.length > cwd.length + 1 && file[cwd.length] === sep && file.startsWith(cwd) && path.isAbsolute(cwd) && isPlain(file)) {
    const rest = file.slice(cwd.length + 1);
    return sep === '/' ? rest : rest.split(sep).join('/');
  }
  return path.relative(cwd, file).split(sep).join('/');
}

/** No `.` or `..` segment (nor a hidden name), no empty segment and no trailing separator: `path.normalize` leaves it as it is. */
function isPlain(file: string): boolean {
  const sep = path.sep;
  return !file.includes(`${sep}.`) && !file.includes(`${sep}${sep}`) && !file.endsWith(sep) && (sep === '/' || !file.includes('/'));
}

/** The `--format json` contract, version 1. */
export interface JsonReport {
  version: 1;
  messages: JsonMessage[];
  summary: Summary;
}

export interface JsonMessage {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
  url?: string;
  expected?: string[];
  related?: Array<{ file: string; line: number; column: number; endLine: number; endColumn: number; message: string }>;
  suggestions?: Diagnostic['suggestions'];
}

export function toJsonReport(diagnostics: readonly Diagnostic[], summary: Summary, cwd: string): JsonReport {
  return {
    version: 1,
    messages: diagnostics.map((d) => ({
      file: displayPath(d.file, cwd),
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      ...(d.url ? { url: d.url } : {}),
      ...(d.expected ? { expected: d.expected } : {}),
      ...(d.related
        ? {
            related: d.related.map((r) => ({
              file: displayPath(r.file, cwd),
              line: r.range.start.line,
              column: r.range.start.column,
              endLine: r.range.end.line,
              endColumn: r.range.end.column,
              message: r.message,
            })),
          }
        : {}),
      ...(d.suggestions ? { suggestions: d.suggestions } : {}),
    })),
    summary,
  };
}
