import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import type { ResolvedConfig } from './config.js';
import type { Engine, FileAnalysis } from './engine.js';
import type { WorkerJob, WorkerTask } from './worker.js';

/**
 * Below this much Markdown a pool costs more than it saves: each worker
 * loads the parser and every rule (about 0.2 s) before it parses a byte, and
 * one core parses roughly 2 MB/s.
 */
const POOL_MIN_BYTES = 1_500_000;
/** Files per message: large enough to amortise the hop, small enough to balance the threads. */
const BATCH_BYTES = 256_000;

export interface AnalyzeOptions {
  /** Threads: undefined chooses by size and cores; 0 or 1 stays on this thread. */
  workers?: number | undefined;
  /** False when the engine has rules or options that cannot cross a thread. */
  poolable: boolean;
  onProgress?: ((done: number) => void) | undefined;
}

/**
 * Runs `analyze` over every job, on worker threads when that pays, and
 * returns the analyses in job order: a pooled run's results are identical to
 * a single-threaded one, only sooner.
 */
export async function analyzeAll(engine: Engine, config: ResolvedConfig, jobs: WorkerJob[], options: AnalyzeOptions): Promise<FileAnalysis[]> {
  const threads = threadCount(jobs, options);
  if (threads <= 1) {
    const results: FileAnalysis[] = [];
    for (const job of jobs) {
      results.push(engine.analyze(job.path, job.content, job.lint));
      options.onProgress?.(results.length);
    }
    return results;
  }
  const pool = new Tinypool({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  });
  try {
    const results = new Array<FileAnalysis>(jobs.length);
    let done = 0;
    const tasks: Promise<void>[] = [];
    for (const [start, batch] of batches(jobs)) {
      const task: WorkerTask = { config, jobs: batch };
      tasks.push(
        (pool.run(task) as Promise<FileAnalysis[]>).then((analyses) => {
          analyses.forEach((analysis, i) => (results[start + i] = analysis));
          done += analyses.length;
          options.onProgress?.(done);
        }),
      );
    }
    await Promise.all(tasks);
    return results;
  } finally {
    await pool.destroy();
  }
}

function threadCount(jobs: WorkerJob[], options: AnalyzeOptions): number {
  if (!options.poolable || jobs.length < 2) return 1;
  if (options.workers !== undefined) return Math.min(options.workers, jobs.length);
  let bytes = 0;
  for (const job of jobs) bytes += job.content.byteLength;
  if (bytes < POOL_MIN_BYTES) return 1;
  return Math.min(availableParallelism(), Math.ceil(bytes / BATCH_BYTES));
}

function* batches(jobs: WorkerJob[]): Iterable<[number, WorkerJob[]]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < jobs.length; i++) {
    bytes += (jobs[i] as WorkerJob).content.byteLength;
    if (bytes >= BATCH_BYTES || i === jobs.length - 1) {
      yield [start, jobs.slice(start, i + 1)];
      start = i + 1;
      bytes = 0;
    }
  }
}
