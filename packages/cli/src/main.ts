import type { FileFix, LintOptions, LintResult } from '@kblint/core';
import type { KblintRule } from '@kblint/rule-kit';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FORMAT_NAMES } from './formatters/load.js';
import { exitCodeOf, OUTPUT_FLAGS, outputOptions } from './options.js';
import { progressBar } from './progress.js';

// Everything else is imported where it is used: `--version` and `--help`
// load nothing, and a run answered from the cache loads neither the parser
// nor a command or formatter it does not use.

const HELP = `Usage: kblint [options] [paths...]
       kblint merge [options] <result.json>...
       kblint report [options]

Lint a Markdown knowledge base: citations, sections, frontmatter, taxonomy
and links. With no paths, every article under the configured content root.
The index always covers the whole knowledge base.

Options:
  -c, --config <file>      use this config file instead of searching for one
  -f, --format <name>      output format: ${FORMAT_NAMES.join(', ')} (default: stylish)
  -q, --quiet              report errors only
      --max-warnings <n>   exit 1 when there are more than n warnings
      --fix                apply the fixes that are certain, then report what is left
      --fix-dry-run        print the certain fixes as a unified diff; change nothing
      --changed-since <ref>  lint the articles changed since the merge base of <ref>
                           and HEAD, and every article linking to a changed,
                           renamed or deleted one (pull requests)
      --staged             lint the staged articles as staged (pre-commit)
      --shard <i/n>        lint only shard i of n (a stable split by path);
                           combine the --format json results with kblint merge
      --no-cache           parse every file again (the cache is on by default)
      --cache-location <dir>  where the cache lives (default: .kblintcache)
      --workers <n>        parser threads; 1 keeps everything on one thread
                           (default: one per core, on runs large enough to gain)
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
  if (argv[0] === 'report') return (await import('./commands/report.js')).report(argv.slice(1), { stdout, stderr, cwd, ...(io.rules ? { rules: io.rules } : {}) });
  if (argv[0] === 'merge') {
    const { merge, MERGE_HELP } = await import('./commands/merge.js');
    if (argv.includes('--help') || argv.includes('-h')) {
      stdout.write(MERGE_HELP);
      return 0;
    }
    return merge(argv.slice(1), { stdout, stderr, cwd, version: version() });
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...OUTPUT_FLAGS,
        config: { type: 'string', short: 'c' },
        fix: { type: 'boolean', default: false },
        'fix-dry-run': { type: 'boolean', default: false },
        'changed-since': { type: 'string' },
        staged: { type: 'boolean', default: false },
        shard: { type: 'string' },
        cache: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'cache-location': { type: 'string' },
        workers: { type: 'string' },
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
  const output = await outputOptions(values);
  if ('error' in output) return fail(output.error);
  const { format, maxWarnings } = output;

  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) return fail('--workers expects a whole number of 1 or more');
  }
  const progress = progressBar(stderr);
  const { ConfigError, lint, LintCache, UsageError } = await import('@kblint/core/lint');

  try {
    const lintOptions: LintOptions = {
      cwd,
      paths: positionals,
      ...(io.rules ? { rules: io.rules } : {}),
      ...(values.config ? { configFile: values.config } : {}),
      ...(values['no-cache'] && !values.cache ? {} : { cache: new LintCache(path.resolve(cwd, values['cache-location'] ?? '.kblintcache')) }),
      ...(workers !== undefined ? { workers } : {}),
      onProgress: (done, total) => progress.update(done, total),
    };
    if (values.staged && (values.fix || values['fix-dry-run'])) {
      return fail('--fix cannot be combined with --staged: fixes are written to the working tree, not to what is staged');
    }
    const flags = { changedSince: values['changed-since'], staged: values.staged, shard: values.shard, paths: positionals };
    const selection =
      flags.changedSince === undefined && !flags.staged && flags.shard === undefined
        ? { options: {} }
        : await (await import('./targets.js')).selectTargets(flags, lintOptions);
    Object.assign(lintOptions, selection.options);
    let result: LintResult;
    if (values.fix || values['fix-dry-run']) {
      const { fix } = await import('@kblint/core');
      const fixed = await fix({ ...lintOptions, dryRun: values['fix-dry-run'] ?? false });
      result = fixed.result;
      if (values['fix-dry-run']) {
        const { displayPath } = await import('@kblint/core/lint');
        const { createTwoFilesPatch } = await import('diff');
        stdout.write(fixed.fixes.map((change) => unifiedDiff(change, cwd, displayPath, createTwoFilesPatch)).join(''));
        return exitCode(result, maxWarnings, stderr);
      }
    } else {
      result = await lint(lintOptions);
    }
    const diagnostics = values.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
    // A shard says which it is; `kblint merge` reads the rest of the summary.
    const summary = selection.shard ? { ...result.summary, shard: selection.shard } : result.summary;
    progress.end();
    // Built on `result` rather than spread from it: a run answered from the
    // cache builds its index only when something reads it.
    const shown: LintResult = Object.create(result, {
      diagnostics: { value: diagnostics, enumerable: true },
      summary: { value: summary, enumerable: true },
    }) as LintResult;
    const isTty = 'isTTY' in stdout && Boolean((stdout as NodeJS.WriteStream).isTTY);
    const color = !values['no-color'] && (values.color ?? (isTty && !process.env.NO_COLOR));
    stdout.write(format(shown, { cwd: outputRoot(values.format, cwd), color, quiet: values.quiet ?? false, version: version() }));
    return exitCode(result, maxWarnings, stderr);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) return fail(error.message);
    return fail(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/** 2 for internal errors, 1 for errors or too many warnings, else 0. */
function exitCode(result: LintResult, maxWarnings: number, stderr: NodeJS.WritableStream): number {
  return exitCodeOf(result.summary, maxWarnings, (message) => stderr.write(`kblint: ${message}\n`));
}

function unifiedDiff(
  change: FileFix,
  cwd: string,
  displayPath: (file: string, cwd: string) => string,
  createTwoFilesPatch: typeof import('diff').createTwoFilesPatch,
): string {
  const name = displayPath(change.file, cwd);
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, change.before, change.after, undefined, undefined, { context: 3 });
}

/**
 * Workflow annotations and code scanning resolve paths from the repository
 * root, so in a GitHub Actions job those formats write paths relative to
 * `GITHUB_WORKSPACE` even when kblint runs in a subfolder.
 */
function outputRoot(format: string | undefined, cwd: string): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if ((format !== 'github' && format !== 'sarif') || !workspace) return cwd;
  const relative = path.relative(path.resolve(workspace), cwd);
  return relative.startsWith('..') || path.isAbsolute(relative) ? cwd : path.resolve(workspace);
}

/** Set by the CLI's bundle (and the Action's), which have no package.json beside them. */
declare const KBLINT_VERSION: string | undefined;

function version(): string {
  if (typeof KBLINT_VERSION === 'string') return KBLINT_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
