import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { contentHash, encodeFacts } from './cache.js';
import type { ResolvedConfig } from './config.js';
import type { Engine, FileAnalysis } from './engine.js';
import { readRegularFileSync } from './workspace.js';

export interface WorkerJob {
  path: string;
  /** The text to parse; absent when the thread reads the file from disk itself. */
  content?: Uint8Array;
  lint: boolean;
}

export interface WorkerTask {
  jobs: WorkerJob[];
  /** Also return each file's content hash (for the cache). */
  hash: boolean;
  /** Return facts as `encodeFacts` text rather than objects. */
  encode?: boolean;
}

/** One job's outcome: the analysis, or why the file could not be read. */
export interface WorkerResult {
  /** With `encode`, `analysis.facts` is absent and `facts` holds its text as UTF-8. */
  analysis?: FileAnalysis;
  facts?: Uint8Array;
  /** sha1 of the bytes parsed, when asked for. */
  hash?: string;
  /** The stat of the file as read, when the thread read it. */
  stat?: { mtimeMs: number; size: number };
  error?: { code: string; message: string };
}

// Not Buffer.from: a small Buffer is a view on a shared 8 KB slab, and
// sending it to another thread copies the whole slab.
const utf8 = new TextEncoder();

/** Analyses a batch with `engine`, reading from disk the jobs that carry no content. */
export function analyzeBatch(engine: Engine, task: WorkerTask): WorkerResult[] {
  return task.jobs.map((job): WorkerResult => {
    let content = job.content;
    let stat: WorkerResult['stat'];
    if (!content) {
      try {
        const read = readRegularFileSync(job.path);
        content = read.content;
        stat = { mtimeMs: read.mtimeMs, size: read.size };
      } catch (error) {
        const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
        return { error: { code, message: error instanceof Error ? error.message : String(error) } };
      }
    }
    const analysis = engine.analyze(job.path, content, job.lint);
    return {
      ...(task.encode ? { analysis: { diagnostics: analysis.diagnostics } as FileAnalysis, facts: utf8.encode(encodeFacts(analysis.facts, job.path)) } : { analysis }),
      ...(task.hash ? { hash: contentHash(content) } : {}),
      ...(stat ? { stat } : {}),
    };
  });
}

/**
 * Below this many files a pool costs more than it saves: each worker loads
 * the parser and every rule (a few hundred ms of CPU) before it parses a byte.
 */
const POOL_MIN_FILES = 300;
/** Bytes per message when this thread reads: large enough to amortise the hop, small enough to balance the threads. */
const BATCH_BYTES = 192_000;
/**
 * Young generation of a parser thread. A parse's garbage dies young; at 8 MB
 * the threads spent a fifth of their time collecting it, while 32 MB costs
 * little more memory than the facts the main thread keeps anyway.
 */
const YOUNG_GENERATION_MB = 32;

export interface Job {
  path: string;
  lint: boolean;
}

export interface AnalyzeOptions {
  /**
   * Reads a file on this thread just before it is parsed; undefined when it
   * cannot be read (the job is skipped). Not called when the threads read
   * from disk themselves.
   */
  read: (job: Job) => Promise<Uint8Array | undefined>;
  /** The pool's threads read the files from disk themselves (the plain disk workspace). */
  threadsRead?: boolean;
  /** Have the threads hash what they parse (for the cache). */
  hash?: boolean;
  onProgress?: ((done: number) => void) | undefined;
}

/**
 * How many parser threads, this one included, `files` files are worth:
 * undefined chooses by size and cores; 1 stays on this thread.
 */
export function threadCount(files: number, workers: number | undefined, poolable: boolean): number {
  if (!poolable || files < 2) return 1;
  if (workers !== undefined) return Math.max(1, Math.min(workers, files));
  if (files < POOL_MIN_FILES) return 1;
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(files / 100)));
}

/**
 * Parser threads, started before they are needed: each builds its engine as
 * soon as it starts, while the main thread is still finding and reading
 * files. A thread takes one batch at a time.
 */
export class ParserPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly waiting: Array<(worker: Worker) => void> = [];

  constructor(
    readonly threads: number,
    config: ResolvedConfig,
  ) {
    this.workers = Array.from(
      { length: threads },
      () =>
        new Worker(new URL('./worker.js', import.meta.url), {
          workerData: { kblintParser: true, config },
          resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        }),
    );
    this.idle = [...this.workers];
  }

  async run(task: WorkerTask): Promise<WorkerResult[]> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      return await new Promise<WorkerResult[]>((resolve, reject) => {
        const settle = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const onMessage = (results: WorkerResult[]) => {
          settle();
          resolve(results);
        };
        const onError = (error: Error) => {
          settle();
          reject(error);
        };
        const onExit = (code: number) => {
          settle();
          reject(new Error(`a parser thread stopped (exit code ${code})`));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage(task);
      });
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async destroy(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * Runs `analyze` over every job, on the pool's threads when there is a pool,
 * and returns the results in job order (undefined for files this thread
 * could not read): a pooled run's results are identical to a single-threaded
 * one. Files are read as they are dispatched and dropped once parsed, so
 * memory holds a few batches of text, never the whole knowledge base.
 */
export async function analyzeAll(engine: Engine, pool: ParserPool | undefined, jobs: Job[], options: AnalyzeOptions): Promise<Array<WorkerResult | undefined>> {
  const results = new Array<WorkerResult | undefined>(jobs.length);
  let done = 0;
  if (!pool) {
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
      if (content) results[i] = { analysis: engine.analyze(job.path, content, job.lint) };
      options.onProgress?.(++done);
    }
    return results;
  }
  const hash = options.hash ?? false;
  let next = 0;
  // Each lane fills a batch, hands it to a thread and waits; two lanes per
  // thread keep every thread busy while the next batch is prepared.
  const perBatch = Math.max(4, Math.min(64, Math.ceil(jobs.length / ((pool.threads + 1) * 8))));
  const take = async (size: number): Promise<{ batch: WorkerJob[]; indexes: number[]; taken: number }> => {
    const start = next;
    const batch: WorkerJob[] = [];
    const indexes: number[] = [];
    if (options.threadsRead) {
      while (next < jobs.length && batch.length < size) {
        const i = next++;
        const job = jobs[i] as Job;
        batch.push({ path: job.path, lint: job.lint });
        indexes.push(i);
      }
    } else {
      let bytes = 0;
      while (next < jobs.length && bytes < BATCH_BYTES && batch.length < size * 4) {
        const i = next++;
        const job = jobs[i] as Job;
        const content = await options.read(job);
        if (content) {
          batch.push({ path: job.path, content, lint: job.lint });
          indexes.push(i);
          bytes += content.byteLength;
        }
      }
    }
    return { batch, indexes, taken: next - start };
  };
  const finish = (analyses: WorkerResult[], indexes: number[], taken: number) => {
    analyses.forEach((result, k) => (results[indexes[k] as number] = result));
    done += taken;
    options.onProgress?.(Math.min(done, jobs.length));
  };
  const lane = async () => {
    while (next < jobs.length) {
      // Smaller batches towards the end, so that no thread is left parsing a
      // large last batch while the others wait for it.
      const { batch, indexes, taken } = await take(Math.min(perBatch, Math.max(4, Math.ceil((jobs.length - next) / ((pool.threads + 1) * 4)))));
      finish(batch.length ? await pool.run({ jobs: batch, hash, encode: true }) : [], indexes, taken);
    }
  };
  // This thread parses too, a few files at a time so that it answers the
  // threads in between: on two cores, one thread and this one parse as fast
  // as two threads, with one parser loaded less.
  const here = async () => {
    while (next < jobs.length) {
      const { batch, indexes, taken } = await take(4);
      finish(analyzeBatch(engine, { jobs: batch, hash, encode: true }), indexes, taken);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  // Facts come back as compact UTF-8 text whose bulk is parsed on first use
  // (see `decodeFacts`): a thread sends bytes faster than an object graph,
  // the cache stores those very bytes, and the facts of a large knowledge
  // base take a fraction of the memory of objects.
  await Promise.all([...Array.from({ length: pool.threads * 2 }, lane), here()]);
  return results;
}
