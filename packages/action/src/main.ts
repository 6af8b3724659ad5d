import { formatters } from '@kblint/cli';
import { changedSince, changedTargetHooks, ConfigError, fetchCommit, lint, loadConfig, builtinRules, UsageError, type LintOptions } from '@kblint/core';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Set by bundle.mjs from @kblint/cli's package.json.
declare const KBLINT_VERSION: string;

/**
 * The GitHub Action's entry point, run by the runner as `node dist/index.js`
 * with its inputs in `INPUT_*` variables. It calls core and the CLI's
 * formatters directly: no shell, no `npm install`. Workflow commands are
 * written by hand (they are a small, documented text protocol), which keeps
 * the bundle to kblint's own dependencies.
 */

type FailOn = 'error' | 'warning' | 'never';

class InputError extends Error {}

function input(name: string, fallback = ''): string {
  // The runner's naming: spaces become `_`, the rest is upper-cased; `-` stays.
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function booleanInput(name: string, fallback: boolean): boolean {
  const value = input(name, String(fallback));
  // YAML 1.2's core schema booleans, as @actions/core's getBooleanInput reads them.
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`Unexpected \`${name}: ${value}\`, expected \`true\` or \`false\``);
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}\n`);
  else process.stdout.write(`::set-output name=${name}::${escapeData(value)}\n`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function run(): Promise<number> {
  const workspace = path.resolve(process.env.GITHUB_WORKSPACE ?? process.cwd());
  try {
    const cwd = path.resolve(workspace, input('path', '.'));
    const configFile = input('config');
    const onlyChanged = booleanInput('only-changed', false);
    const failOn = input('fail-on', 'error') as FailOn;
    if (!['error', 'warning', 'never'].includes(failOn)) {
      throw new InputError(`Unexpected \`fail-on: ${failOn}\`, expected \`error\`, \`warning\` or \`never\``);
    }
    const sarifInput = input('sarif-file');
    const writeSummary = booleanInput('summary', true);
    const allowJsConfig = booleanInput('allow-js-config', false);

    // `workers: 0` keeps parsing on this thread: a bundle has no separate
    // worker script for a pool to start. (Written as a wider type so that it
    // is accepted by runners with and without the worker option.)
    const options: LintOptions & { workers?: number } = {
      cwd,
      allowCodeConfig: allowJsConfig,
      workers: 0,
      ...(configFile ? { configFile: path.resolve(workspace, configFile) } : {}),
    };

    let mode = 'every article';
    if (onlyChanged) {
      const base = pullRequestBase();
      if (base) {
        const config = await loadConfig({
          cwd,
          rules: builtinRules,
          allowCode: allowJsConfig,
          ...(options.configFile ? { configFile: options.configFile } : {}),
        });
        options.config = config;
        // actions/checkout fetches only HEAD by default; one more shallow
        // fetch brings the base commit, which is all a diff needs.
        fetchCommit(base, cwd);
        Object.assign(options, changedTargetHooks(changedSince(base, cwd), config));
        mode = `articles changed since \`${base.slice(0, 7)}\` and the articles linking to them`;
      } else {
        process.stdout.write('::notice title=kblint::only-changed applies to pull_request events; linting every article\n');
      }
    }

    const result = await lint(options);
    const context = { cwd: workspace, color: false, quiet: false, version: KBLINT_VERSION };
    process.stdout.write(formatters.github!(result, context));
    const { errors, warnings } = result.summary;
    process.stdout.write(`kblint: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(result.summary.files, 'file')} (${mode})\n`);

    let sarifFile = '';
    if (sarifInput) {
      sarifFile = path.resolve(workspace, sarifInput);
      mkdirSync(path.dirname(sarifFile), { recursive: true });
      writeFileSync(sarifFile, formatters.sarif!(result, context));
    }
    if (writeSummary && process.env.GITHUB_STEP_SUMMARY) {
      const markdown = formatters.markdown!(result, context);
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n_Linted ${mode}._\n`);
    }
    setOutput('errors', String(errors));
    setOutput('warnings', String(warnings));
    setOutput('sarif-file', sarifFile);

    if (result.summary.internalErrors > 0) {
      process.stdout.write(`::error title=kblint::${plural(result.summary.internalErrors, 'internal error')}; see the annotations\n`);
      return 2;
    }
    if (failOn === 'never') return 0;
    if (errors > 0 || (failOn === 'warning' && warnings > 0)) return 1;
    return 0;
  } catch (error) {
    // A bad input or config fails the step whatever `fail-on` says: a run
    // that checked nothing must not look green.
    const message =
      error instanceof ConfigError || error instanceof UsageError || error instanceof InputError
        ? error.message
        : `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    process.stdout.write(`::error title=kblint::${escapeData(message)}\n`);
    return 2;
  }
}

/** The pull request's base commit, from the event payload; undefined for other events. */
function pullRequestBase(): string | undefined {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  if (!eventPath) return undefined;
  const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { base?: { sha?: string } } };
  return event.pull_request?.base?.sha;
}

process.exitCode = await run();
