import { sortDiagnostics, summarize, type JsonReport, type LintResult } from '@kblint/core/lint';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FormattableResult } from '../formatters/index.js';
import { FORMAT_NAMES } from '../formatters/load.js';
import { exitCodeOf, OUTPUT_FLAGS, outputOptions } from '../options.js';

type Diagnostic = LintResult['diagnostics'][number];

export const MERGE_HELP = `Usage: kblint merge [options] <result.json>...

Merge the \`--format json\` results of shards (\`kblint --shard i/n --format json\`)
into one result, printed in any format, with the exit code one unsharded run
would have had. Paths in the results are relative to the working directory.

Options:
  -f, --format <name>      output format: ${FORMAT_NAMES.join(', ')} (default: stylish)
  -q, --quiet              report errors only
      --max-warnings <n>   exit 1 when there are more than n warnings
      --no-color           never colour the output
  -h, --help               print this help
`;

export interface MergeIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  version: string;
}

/** `kblint merge`: returns the exit code; never throws. */
export async function merge(argv: string[], io: MergeIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`kblint merge: ${message}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...OUTPUT_FLAGS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\nRun \`kblint merge --help\` for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(MERGE_HELP);
    return 0;
  }
  const output = await outputOptions(values);
  if ('error' in output) return fail(output.error);
  const { format, maxWarnings } = output;
  if (positionals.length === 0) return fail('expected one or more result files from `kblint --format json`');

  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  let files = 0;
  for (const input of positionals) {
    let report: JsonReport;
    try {
      report = JSON.parse(await readFile(path.resolve(io.cwd, input), 'utf8')) as JsonReport;
    } catch (error) {
      return fail(`${input}: cannot read a JSON result (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    if (report?.version !== 1 || !Array.isArray(report.messages) || typeof report.summary?.files !== 'number') {
      return fail(`${input}: not a \`kblint --format json\` result (expected \`"version": 1\` with \`messages\` and \`summary\`)`);
    }
    files += report.summary.files;
    for (const message of report.messages) {
      // Shards are disjoint, but the same result file given twice must not
      // count its findings twice.
      const key = JSON.stringify(message);
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(toDiagnostic(message, io.cwd));
    }
  }
  sortDiagnostics(diagnostics);
  const summary = summarize(diagnostics, files);
  const shown: FormattableResult = {
    files: [],
    diagnostics: values.quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics,
    summary,
  };
  const isTty = 'isTTY' in io.stdout && Boolean((io.stdout as NodeJS.WriteStream).isTTY);
  const color = !values['no-color'] && (values.color ?? (isTty && !process.env.NO_COLOR));
  io.stdout.write(format(shown, { cwd: io.cwd, color, quiet: values.quiet ?? false, version: io.version }));
  return exitCodeOf(summary, maxWarnings, (message) => io.stderr.write(`kblint merge: ${message}\n`));
}

function toDiagnostic(message: JsonReport['messages'][number], cwd: string): Diagnostic {
  return {
    file: path.resolve(cwd, message.file),
    line: message.line,
    column: message.column,
    endLine: message.endLine,
    endColumn: message.endColumn,
    ruleId: message.ruleId,
    severity: message.severity,
    message: message.message,
    ...(message.url ? { url: message.url } : {}),
    ...(message.expected ? { expected: message.expected } : {}),
    ...(message.related
      ? {
          related: message.related.map((r) => ({
            file: path.resolve(cwd, r.file),
            range: { start: { line: r.line, column: r.column }, end: { line: r.endLine, column: r.endColumn } },
            message: r.message,
          })),
        }
      : {}),
    ...(message.suggestions ? { suggestions: message.suggestions } : {}),
  };
}
