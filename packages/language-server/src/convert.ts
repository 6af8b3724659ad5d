import type { Diagnostic, Range } from '@kblint/rule-kit';
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type Position,
  type Range as LspRange,
} from 'vscode-languageserver';
import { URI } from 'vscode-uri';

export function toUri(file: string): string {
  return URI.file(file).toString();
}

/** The absolute path of a `file:` URI; undefined for untitled and remote documents. */
export function toPath(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** kblint's 1-based lines and UTF-16 columns to LSP's 0-based ones. */
export function toLspRange(range: Range): LspRange {
  return {
    start: { line: Math.max(range.start.line - 1, 0), character: Math.max(range.start.column - 1, 0) },
    end: { line: Math.max(range.end.line - 1, 0), character: Math.max(range.end.column - 1, 0) },
  };
}

/** Does `range` (kblint's) contain the LSP position, ends included? */
export function contains(range: Range, position: Position): boolean {
  const line = position.line + 1;
  const column = position.character + 1;
  if (line < range.start.line || line > range.end.line) return false;
  if (line === range.start.line && column < range.start.column) return false;
  if (line === range.end.line && column > range.end.column) return false;
  return true;
}

export function toLspDiagnostic(diagnostic: Diagnostic, index: number): LspDiagnostic {
  return {
    range: toLspRange({
      start: { line: diagnostic.line, column: diagnostic.column },
      end: { line: diagnostic.endLine, column: diagnostic.endColumn },
    }),
    severity: diagnostic.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'kblint',
    code: diagnostic.ruleId,
    ...(diagnostic.url ? { codeDescription: { href: diagnostic.url } } : {}),
    message: diagnostic.message,
    ...(diagnostic.related?.length
      ? {
          relatedInformation: diagnostic.related.map((related) => ({
            location: { uri: toUri(related.file), range: toLspRange(related.range) },
            message: related.message,
          })),
        }
      : {}),
    // Which of the published findings this is, so a code action request can
    // find its suggestions even when the client rounds the range.
    ...(diagnostic.suggestions?.length ? { data: { kblint: index } } : {}),
  };
}
