// `pnpm bench`: kblint side by side with its peers on one generated knowledge
// base, in one run. Every tool runs as its own process under /usr/bin/time,
// which reports wall time, CPU time (user + system) and peak memory (max RSS).
//
//   node bench/run.mjs [--articles N] [--seed S] [--runs N] [--scaling] [--single] [--out file]
//
// --articles N  size of the generated knowledge base (default 5000)
// --runs N      runs of each row; the row is the run with the median wall time (default 3)
// --scaling     also lint a knowledge base four times larger, cold
// --single      also run kblint on one thread without the cache
// --out file    where the JSON goes (default bench/results/latest.json)
// --no-lsp      skip the language-server benchmark (bench/lsp.mjs)
// --keep-env    run every tool with the environment as it is (see STARTUP_TAX)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};
const articles = Number(option('--articles', '5000'));
const runs = Math.max(1, Number(option('--runs', '3')));
const seed = Number(option('--seed', '1'));
const out = path.resolve(option('--out', path.join(here, 'results', 'latest.json')));
const TIME = '/usr/bin/time';
const KBLINT = path.join(root, 'packages/cli/bin/kblint.js');
const REMARK = path.join(here, 'node_modules/remark-cli/cli.js');
const MARKDOWNLINT = path.join(here, 'node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs');

if (!existsSync(TIME)) {
  process.stderr.write('bench: /usr/bin/time is needed to measure CPU time and peak memory (Debian: apt-get install time)\n');
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);

// Variables that make every Node.js process start slower, whatever it then
// runs. Node 20 with OpenSSL 3 reads and parses the CA bundle named by
// NODE_EXTRA_CA_CERTS before the first line of any script
// (nodejs/node#40524): on the machine this bench was written on, where it is
// set, `node -e 0` took 58 ms instead of 21. It costs each tool the same
// fixed time, none of them makes a TLS connection, and on a 0.1 s row it is a
// third of what is measured, so it is removed from every tool's environment
// unless --keep-env. The bench measures `node -e 0` both ways and prints both.
const STARTUP_TAX = ['NODE_EXTRA_CA_CERTS'];
const removed = flag('--keep-env') ? [] : STARTUP_TAX.filter((name) => process.env[name] !== undefined);
const childEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
for (const name of removed) delete childEnv[name];
// The same environment with those variables kept, for the rows that show what they cost.
const keptEnv = { ...childEnv, ...Object.fromEntries(removed.map((name) => [name, process.env[name]])) };

/**
 * Runs one command `runs` times (after `before()` each time) and keeps the
 * run with the median wall time: one sample of a 3-second run varies by
 * about 10% on a small VM.
 */
function measure(name, command, commandArgs, { cwd, count, before, env = childEnv, pair }) {
  const samples = [];
  const paired = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    samples.push(measureOnce(name, command, commandArgs, { cwd, count, env }));
    if (pair) {
      pair.before?.();
      paired.push(measureOnce(pair.name, pair.command, pair.args, { cwd, count: pair.count, env }));
    }
  }
  const row = { ...medianOf(samples), runs: samples.map((sample) => sample.wallSeconds) };
  if (!pair) return row;
  return [row, { ...medianOf(paired), runs: paired.map((sample) => sample.wallSeconds), pairedWith: name, pairRatios: samples.map((sample, i) => round(sample.wallSeconds / paired[i].wallSeconds)) }];
}

/** The sample with the median wall time. */
function medianOf(samples) {
  const sorted = [...samples].sort((a, b) => a.wallSeconds - b.wallSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

const medianNumber = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * Runs one command as a child process and measures it. Dirty pages are
 * written out first (`sync`), so that the disk writes the previous run left
 * to the kernel (a cold run writes a 30 MB cache) are not timed as part of
 * this one.
 */
function measureOnce(name, command, commandArgs, { cwd, count, env }) {
  const timing = path.join(os.tmpdir(), `kblint-bench-${process.pid}.time`);
  spawnSync('sync');
  const load = os.loadavg()[0];
  // Wall time from this process's clock: time's %e keeps whole hundredths
  // and drops the rest, up to 10 ms of a 0.12 s run. It includes starting
  // `time` itself, about a millisecond.
  const started = performance.now();
  const run = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', timing, command, ...commandArgs], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env,
  });
  const wall = (performance.now() - started) / 1000;
  const [, user, system, maxRssKb] = readFileSync(timing, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(timing, { force: true });
  const row = {
    name,
    wallSeconds: round3(wall),
    cpuSeconds: round(user + system),
    peakMemoryMB: round(maxRssKb / 1024),
    exitCode: run.status,
    findings: count(run.stdout, run.stderr),
    loadAverage: round(load),
  };
  if (row.findings === undefined) log(`bench: ${name} printed nothing countable; stderr:\n${run.stderr.slice(0, 2000)}`);
  log(`  ${name}: ${row.wallSeconds} s wall, ${row.cpuSeconds} s CPU, ${row.peakMemoryMB} MB, ${row.findings} findings`);
  return row;
}

const round = (n) => Math.round(n * 100) / 100;
const round3 = (n) => Math.round(n * 1000) / 1000;

const countKblint = (stdout) => {
  try {
    return JSON.parse(stdout).messages.length;
  } catch {
    return undefined;
  }
};
// vfile-reporter: `path:line:col-line:col  warning  message  rule  source`, or indented under a file name.
const countRemark = (_stdout, stderr) => stderr.split('\n').filter((line) => /^\s*(?:\S+:)?\d+:\d+(?:-\d+:\d+)?\s+(?:warning|error)\s/.test(line)).length;
const countMarkdownlint = (stdout, stderr) => `${stdout}\n${stderr}`.split('\n').filter((line) => /\sMD05[123]\//.test(line)).length;
const countFloor = (stdout) => (stdout.trim() ? 0 : undefined);
const countNothing = () => 0;

function kblintRuns(dir, extra) {
  const cwd = dir;
  const cache = ['--cache-location', path.join(dir, '.kblintcache')];
  const args = [KBLINT, '--format', 'json', ...cache];
  const cold = measure('kblint cold', process.execPath, args, {
    cwd,
    count: countKblint,
    before: () => rmSync(path.join(dir, '.kblintcache'), { recursive: true, force: true }),
  });
  const warm = measure('kblint warm (nothing changed)', process.execPath, args, { cwd, count: countKblint });
  const kept = removed.length > 0 ? [measure(`kblint warm, ${removed.join(', ')} not removed`, process.execPath, args, { cwd, count: countKblint, env: keptEnv })] : [];
  // Each edited run starts from a cache of the unedited knowledge base.
  let restore;
  const edited = measure('kblint one article edited', process.execPath, args, {
    cwd,
    count: countKblint,
    before: () => {
      if (restore) {
        restore();
        spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
      }
      restore = edit(dir);
    },
  });
  const rows = [cold, warm, ...kept, edited];
  if (extra) {
    rows.push(measure('kblint --no-cache', process.execPath, [KBLINT, '--format', 'json', '--no-cache'], { cwd, count: countKblint }));
    rows.push(measure('kblint --no-cache --workers 1', process.execPath, [KBLINT, '--format', 'json', '--no-cache', '--workers', '1'], { cwd, count: countKblint }));
  }
  return rows;
}

/** Adds a paragraph to the first section of a well-linked article: its ranges move, so its dependents must be re-checked. */
function edit(dir) {
  const folder = path.join(dir, 'content', 'core-concepts');
  const file = path.join(folder, readdirSync(folder).sort()[0]);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace('\n\n## ', '\n\nA paragraph added by the benchmark to change this article.\n\n## '));
  return () => writeFileSync(file, text);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const started = Date.now();
const corpus = path.join(here, 'corpus', `kb-${articles}`);
log(`bench: generating ${articles} articles (seed ${seed}) in ${path.relative(root, corpus)}`);
const generated = generate(corpus, { articles, seed });
log(`bench: ${generated.articles} articles, ${round(generated.bytes / 1e6)} MB, planted defects ${JSON.stringify(generated.defects)}`);

const rows = [];
// What starting Node.js costs before any tool runs: the floor under every row.
rows.push(measure('node -e 0 (starting Node.js)', process.execPath, ['-e', '0'], { cwd: corpus, count: countNothing }));
if (removed.length > 0) {
  rows.push(measure(`node -e 0 with ${removed.join(', ')} (not removed)`, process.execPath, ['-e', '0'], { cwd: corpus, count: countNothing, env: keptEnv }));
}
rows.push(measure('parse floor (remark-parse, kblint syntax, 1 core)', process.execPath, [path.join(here, 'parse-floor.mjs'), 'content'], { cwd: corpus, count: countFloor }));
rows.push(measure('parse only, fast path + remark-parse fallback (1 core)', process.execPath, [path.join(here, 'parse-floor.mjs'), 'content', '--fast'], { cwd: corpus, count: countFloor }));
rows.push(...kblintRuns(corpus, flag('--single')));
// The edit above changed one article; regenerate so the peers see the same bytes kblint cold saw.
generate(corpus, { articles, seed });
// Each remark-cli run is followed at once by a cold kblint run: this VM's
// speed drifts by several percent over the minutes between the rows, and a
// ratio of two runs seconds apart is not moved by that drift.
const PAIRED_COLD = 'kblint cold, right after each remark-cli run';
rows.push(
  ...measure('remark-cli + validate-links + 2 reference rules', process.execPath, [REMARK, 'content', '--quiet', '--no-stdout', '--no-color'], {
    cwd: corpus,
    count: countRemark,
    pair: {
      name: PAIRED_COLD,
      command: process.execPath,
      args: [KBLINT, '--format', 'json', '--cache-location', path.join(corpus, '.kblintcache')],
      count: countKblint,
      before: () => rmSync(path.join(corpus, '.kblintcache'), { recursive: true, force: true }),
    },
  }),
);
rows.push(measure('markdownlint-cli2 MD051/MD052/MD053', process.execPath, [MARKDOWNLINT], { cwd: corpus, count: countMarkdownlint }));

const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
const cold = byName['kblint cold'];
for (const row of rows) {
  row.wallVsKblintCold = round(row.wallSeconds / cold.wallSeconds);
  row.cpuVsKblintCold = round(row.cpuSeconds / cold.cpuSeconds);
  row.memoryVsKblintCold = round(row.peakMemoryMB / cold.peakMemoryMB);
}

let scaling;
if (flag('--scaling')) {
  const big = articles * 4;
  const bigCorpus = path.join(here, 'corpus', `kb-${big}`);
  log(`bench: generating ${big} articles for the scaling run`);
  generate(bigCorpus, { articles: big, seed });
  const row = measure(`kblint cold, ${big} articles`, process.execPath, [KBLINT, '--format', 'json', '--cache-location', path.join(bigCorpus, '.kblintcache')], {
    cwd: bigCorpus,
    count: countKblint,
    before: () => rmSync(path.join(bigCorpus, '.kblintcache'), { recursive: true, force: true }),
  });
  scaling = { articles: big, ...row, timeVs: round(row.wallSeconds / cold.wallSeconds), cpuVs: round(row.cpuSeconds / cold.cpuSeconds) };
}

// The language server on its own copy of the corpus (it edits files while it runs).
let lsp;
if (!flag('--no-lsp')) {
  const lspCorpus = path.join(here, 'corpus', `lsp-${articles}`);
  log(`bench: language server on ${articles} articles`);
  const run = spawnSync(process.execPath, [path.join(here, 'lsp.mjs'), '--articles', String(articles), '--corpus', lspCorpus], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
    env: childEnv,
  });
  if (run.status === 0) lsp = JSON.parse(run.stdout);
  else log(`bench: the language-server benchmark failed (exit ${run.status})`);
}

const remark = byName['remark-cli + validate-links + 2 reference rules'];
// How many times faster than remark-cli: from the two rows, and from each pair.
const remarkSpeedup = {
  rows: round(remark.wallSeconds / cold.wallSeconds),
  pairs: byName[PAIRED_COLD].pairRatios,
  pairedMedian: medianNumber(byName[PAIRED_COLD].pairRatios),
};
const markdownlint = byName['markdownlint-cli2 MD051/MD052/MD053'];
const targets = [
  ['cold wall ≤ 0.5 × markdownlint-cli2', cold.wallSeconds / markdownlint.wallSeconds, 0.5],
  // Judged on the pairs: the median of each remark-cli run's time over the cold run right after it.
  ['cold ≥ 15 × faster than remark-cli, paired runs (ratio ≤ 1/15)', 1 / remarkSpeedup.pairedMedian, 1 / 15],
  ['warm ≤ 0.05 × cold', byName['kblint warm (nothing changed)'].wallSeconds / cold.wallSeconds, 0.05],
  ['one edited article ≤ 0.1 × cold', byName['kblint one article edited'].wallSeconds / cold.wallSeconds, 0.1],
  ['peak memory ≤ 1.5 × markdownlint-cli2', cold.peakMemoryMB / markdownlint.peakMemoryMB, 1.5],
  ...(scaling ? [[`${scaling.articles} articles ≤ 4.4 × the time of ${articles}`, scaling.timeVs, 4.4]] : []),
  ...(lsp
    ? [
        ['language server: didChange → edited file p95 (ms) ≤ 50', lsp.edited.p95, 50],
        ['language server: didChange → dependent file p95 (ms) ≤ 150', lsp.dependent.p95, 150],
      ]
    : []),
].map(([target, value, limit]) => ({ target, value: round3(value), limit: round3(limit), met: value <= limit }));

const result = {
  date: new Date().toISOString(),
  machine: machine(),
  corpus: { articles: generated.articles, megabytes: round(generated.bytes / 1e6), seed, defects: generated.defects },
  runsPerRow: runs,
  environmentRemoved: removed,
  rows,
  remarkSpeedup,
  ...(scaling ? { scaling } : {}),
  ...(lsp ? { languageServer: lsp } : {}),
  targets,
  benchSeconds: Math.round((Date.now() - started) / 1000),
};
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const m = result.machine;
const lines = [
  `kblint benchmark, ${result.date}`,
  `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}`,
  `corpus: ${result.corpus.articles} articles, ${result.corpus.megabytes} MB (seed ${seed}); each row is the median-wall run of ${runs}`,
  removed.length > 0
    ? `environment: ${removed.join(', ')} removed for every tool: it slows the start of every Node.js process (nodejs/node#40524); --keep-env keeps it`
    : 'environment: as given (nothing removed)',
  '',
  table(
    ['tool', 'wall s', 'CPU s', 'peak MB', 'findings', 'wall ×', 'CPU ×', 'mem ×', 'load'],
    rows.map((r) => [r.name, r.wallSeconds, r.cpuSeconds, r.peakMemoryMB, r.findings ?? '?', r.wallVsKblintCold, r.cpuVsKblintCold, r.memoryVsKblintCold, r.loadAverage]),
  ),
  '(× columns: ratio to kblint cold; load: 1-minute load average when the run started)',
  `remark-cli's time over kblint cold's: ${remarkSpeedup.rows} × from the rows; ${remarkSpeedup.pairs.map((r) => `${r} ×`).join(', ')} in the pairs (median ${remarkSpeedup.pairedMedian} ×)`,
  ...(scaling ? ['', `scaling: ${scaling.articles} articles cold: ${scaling.wallSeconds} s wall, ${scaling.cpuSeconds} s CPU, ${scaling.peakMemoryMB} MB = ${scaling.timeVs} × the wall time of ${articles} (${scaling.cpuVs} × CPU)`] : []),
  ...(lsp
    ? [
        '',
        `language server (${lsp.articles} articles, ${lsp.edits} edits): first diagnostics ${lsp.firstDiagnosticsMs} ms after initialize; ` +
          `edited file p50/p95 ${lsp.edited.p50}/${lsp.edited.p95} ms; dependent file p50/p95 ${lsp.dependent.p50}/${lsp.dependent.p95} ms; peak ${lsp.peakRssMb} MB`,
      ]
    : []),
  '',
  table(['target', 'measured', 'limit', 'met'], targets.map((t) => [t.target, t.value, t.limit, t.met ? 'yes' : 'NO'])),
  '',
  `JSON: ${path.relative(process.cwd(), out)}; the whole bench took ${result.benchSeconds} s`,
];
process.stdout.write(`${lines.join('\n')}\n`);

function table(head, body) {
  const cells = [head, ...body].map((row) => row.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
