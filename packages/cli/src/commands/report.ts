import { ConfigError, lint, UsageError } from '@kblint/core';
import type { KblintRule } from '@kblint/rule-kit';
import { buildReport, compareReports, readReport, renderReport, REPORT_FORMATS, ReportFormatError, type ReportFormat } from '@kblint/report';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const REPORT_HELP = `Usage: kblint report [options]

Write a health report of the whole knowledge base: articles and words per
category, citation density, unresolved, unused and sourceless citations,
empty sections, taxonomy violations, dangling links, orphan and most-linked
articles, and a health score per article and category.

Options:
  -f, --format <name>      html, md or json (default: from the --out file's
                           extension, else md)
  -o, --out <file>         write the report to this file instead of stdout
      --compare <file>     a previous \`--format json\` report: show what is new,
                           what was fixed, and the trend of every figure
      --repo-url <url>     base URL of the source, e.g.
                           https://github.com/owner/repo/blob/main; paths
                           become links to it
  -c, --config <file>      use this config file instead of searching for one
  -h, --help               print this help

Exit codes: 0 report written (whatever it found), 2 usage, config or
internal failure.
`;

export interface ReportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  rules?: readonly KblintRule<object>[];
}

const EXTENSIONS: Record<string, ReportFormat> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.json': 'json' };

/** `kblint report`: returns the exit code; never throws. */
export async function report(argv: string[], io: ReportIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`kblint report: ${message}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        out: { type: 'string', short: 'o' },
        compare: { type: 'string' },
        'repo-url': { type: 'string' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\nRun \`kblint report --help\` for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length) {
    return fail(`unexpected argument \`${positionals[0]}\`: a report covers the whole knowledge base; set \`content\` in the config to choose it`);
  }
  const inferred = values.out ? EXTENSIONS[path.extname(values.out).toLowerCase()] : 'md';
  const format = (values.format ?? inferred) as ReportFormat | undefined;
  if (!format) return fail(`cannot tell the format from \`${values.out}\`; expected --format html, md or json, or an .html, .md or .json file`);
  if (!REPORT_FORMATS.includes(format)) return fail(`unknown format \`${format}\`; expected one of ${REPORT_FORMATS.join(', ')}`);
  const repoUrl = values['repo-url'];
  if (repoUrl !== undefined && !/^https?:\/\/\S+$/.test(repoUrl)) {
    return fail(`--repo-url \`${repoUrl}\` is not an http(s) URL; expected e.g. https://github.com/owner/repo/blob/main`);
  }

  let previous;
  if (values.compare !== undefined) {
    const file = path.resolve(io.cwd, values.compare);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
      return fail(`--compare ${values.compare}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code || String(error)})`}`);
    }
    try {
      previous = readReport(JSON.parse(text));
    } catch (error) {
      if (error instanceof SyntaxError) {
        return fail(`--compare ${values.compare}: Unexpected invalid JSON (${error.message}), expected a report written by \`kblint report --format json\``);
      }
      if (error instanceof ReportFormatError) return fail(`--compare ${values.compare}: ${error.message}`);
      throw error;
    }
  }

  try {
    const result = await lint({ cwd: io.cwd, ...(io.rules ? { rules: io.rules } : {}), ...(values.config ? { configFile: values.config } : {}) });
    let health = buildReport(result, { cwd: io.cwd, ...(repoUrl ? { repoUrl } : {}) });
    if (previous) health = compareReports(health, previous);
    const output = renderReport(health, format);
    if (values.out) {
      const file = path.resolve(io.cwd, values.out);
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, output);
      } catch (error) {
        const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : String(error);
        return fail(`cannot write \`${values.out}\` (${code}); expected a writable file path`);
      }
      const s = health.summary;
      io.stdout.write(
        `Wrote ${values.out}: health ${s.healthScore === null ? 'n/a' : `${s.healthScore}/100`}, ${s.articles} articles, ${s.problems} ${s.problems === 1 ? 'problem' : 'problems'}\n`,
      );
    } else {
      io.stdout.write(output);
    }
    if (result.summary.internalErrors > 0) {
      io.stderr.write(`kblint report: ${result.summary.internalErrors} internal ${result.summary.internalErrors === 1 ? 'error' : 'errors'}: a rule failed (see the \`internal-error\` findings)\n`);
      return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) return fail(error.message);
    return fail(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
