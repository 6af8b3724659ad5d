import { ConfigError, lint, UsageError } from '@kblint/core';
import type { KblintRule } from '@kblint/rule-kit';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatters } from './formatters/index.js';

export { formatters } from './formatters/index.js';
export type { Formatter, FormatContext } from './formatters/index.js';

const HELP = `Usage: kblint [options] [paths...]

Lint a Markdown knowledge base: citations, sections, frontmatter, taxonomy
and links. With no paths, every article under the configured content root.
The index always covers the whole knowledge base.

Options:
  -c, --config <file>      use this config file instead of searching for one
  -f, --format <name>      output format: ${Object.keys(formatters).join(', ')} (default: stylish)
  -q, --quiet              report errors only
      --max-warnings <n>   exit 1 when there are more than n warnings
      --no-color           never colour the output
  -v, --version            print the version
  -h, --help               print this help

Exit codes: 0 no errors, 1 errors (or too many warnings), 2 usage, config or
internal failure.
`;

export interface MainOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  cwd?: string;
  /** Replaces the built-in rules (tests use a rule that throws). */
  rules?: readonly KblintRule<object>[];
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: MainOptions = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const fail = (message: string) => {
    stderr.write(`kblint: ${message}\n`);
    return 2;
  };

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        format: { type: 'string', short: 'f', default: 'stylish' },
        quiet: { type: 'boolean', short: 'q', default: false },
        'max-warnings': { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        version: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\nRun \`kblint --help\` for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    stdout.write(`${version()}\n`);
    return 0;
  }
  const format = formatters[values.format ?? 'stylish'];
  if (!format) return fail(`unknown format \`${values.format}\`; expected one of ${Object.keys(formatters).join(', ')}`);
  let maxWarnings = Infinity;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) return fail('--max-warnings expects a whole number of 0 or more');
  }

  try {
    const result = await lint({ cwd, paths: positionals, ...(io.rules ? { rules: io.rules } : {}), ...(values.config ? { configFile: values.config } : {}) });
    const diagnostics = values.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
    const shown = { ...result, diagnostics };
    const isTty = 'isTTY' in stdout && Boolean((stdout as NodeJS.WriteStream).isTTY);
    const color = !values['no-color'] && (values.color ?? (isTty && !process.env.NO_COLOR));
    stdout.write(format(shown, { cwd, color, quiet: values.quiet ?? false }));
    if (result.summary.internalErrors > 0) return 2;
    if (result.summary.errors > 0) return 1;
    if (result.summary.warnings > maxWarnings) {
      stderr.write(`kblint: ${result.summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) return fail(error.message);
    return fail(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
