import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import type { ResolvedConfig } from './config.js';
import type { Engine, FileAnalysis } from './engine.js';
import type { WorkerJob, WorkerTask } from './worker.js';

/**
 * Below this many files a pool costs more than it saves: each worker loads
 * the parser and every rule (a few hundred ms of CPU) before it parses a byte.
 */
const POOL_MIN_FILES = 300;
/** Bytes per message: large enough to amortise the hop, small enough to balance the threads. */
const BATCH_BYTES = 192_000;

export interface Job {
  path: string;
  lint: boolean;
}

export interface AnalyzeOptions {
  /** Threads: undefined chooses by size and cores; 1 stays on this thread. */
  workers?: number | undefined;
  /** False when the engine has rules or options that cannot cross a thread. */
  poolable: boolean;
  /** Reads a file just before it is parsed; undefined when it cannot be read (the job is skipped). */
  read: (job: Job) => Promise<Uint8Array | undefined>;
  onProgress?: ((done: number) => void) | undefined;
}

/**
 * Runs `analyze` over every job, on worker threads when that pays, and
 * returns the analyses in job order (undefined for files that could not be
 * read): a pooled run's results are identical to a single-threaded one.
 * Files are read as they are dispatched and dropped once parsed, so memory
 * holds a few batches of text, never the whole knowledge base.
 */
export async function analyzeAll(engine: Engine, config: ResolvedConfig, jobs: Job[], options: AnalyzeOptions): Promise<Array<FileAnalysis | undefined>> {
  const results = new Array<FileAnalysis | undefined>(jobs.length);
  const threads = threadCount(jobs.length, options);
  let done = 0;
  if (threads <= 1) {
    // Read ahead a little so the disk and the parser overlap.
    const ahead = new Map<number, Promise<Uint8Array | undefined>>();
    const fetch = (i: number) => {
      if (i < jobs.length && !ahead.has(i)) ahead.set(i, options.read(jobs[i] as Job));
    };
    for (let i = 0; i < jobs.length; i++) {
      for (let k = i; k < i + 8; k++) fetch(k);
      const content = await (ahead.get(i) as Promise<Uint8Array | undefined>);
      ahead.delete(i);
      const job = jobs[i] as Job;
      if (content) results[i] = engine.analyze(job.path, content, job.lint);
      options.onProgress?.(++done);
    }
    return results;
  }
  const pool = new Tinypool({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // A parse's garbage dies young; a small young generation keeps each
    // thread's memory near its live data instead of growing with the run.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  try {
    let next = 0;
    // Each lane reads a batch, hands it to a thread and waits; two lanes per
    // thread keep every thread busy while the next batch is read.
    const lane = async () => {
      while (next < jobs.length) {
        const start = next;
        const batch: WorkerJob[] = [];
        const indexes: number[] = [];
        let bytes = 0;
        while (next < jobs.length && bytes < BATCH_BYTES) {
          const i = next++;
          const job = jobs[i] as Job;
          const content = await options.read(job);
          if (content) {
            batch.push({ path: job.path, content, lint: job.lint });
            indexes.push(i);
            bytes += content.byteLength;
          }
        }
        if (batch.length) {
          const task: WorkerTask = { config, jobs: batch };
          const analyses = (await pool.run(task)) as FileAnalysis[];
          analyses.forEach((analysis, k) => (results[indexes[k] as number] = analysis));
        }
        done += next - start;
        options.onProgress?.(Math.min(done, jobs.length));
      }
    };
    await Promise.all(Array.from({ length: threads * 2 }, lane));
    return results;
  } finally {
    await pool.destroy();
  }
}

function threadCount(files: number, options: AnalyzeOptions): number {
  if (!options.poolable || files < 2) return 1;
  if (options.workers !== undefined) return Math.max(1, Math.min(options.workers, files));
  if (files < POOL_MIN_FILES) return 1;
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(files / 100)));
}
