import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { contentHash } from './cache.js';
import type { ResolvedConfig } from './config.js';
import { Engine, type FileAnalysis } from './engine.js';
import { builtinRules } from './rules.generated.js';
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
}

/** One job's outcome: the analysis, or why the file could not be read. */
export interface WorkerResult {
  analysis?: FileAnalysis;
  /** sha1 of the bytes parsed, when asked for. */
  hash?: string;
  /** The stat of the file as read, when the thread read it. */
  stat?: { mtimeMs: number; size: number };
  error?: { code: string; message: string };
}

/** Analyses a batch on this thread with `engine`, reading from disk the jobs that carry no content. */
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
    return {
      analysis: engine.analyze(job.path, content, job.lint),
      ...(task.hash ? { hash: contentHash(content) } : {}),
      ...(stat ? { stat } : {}),
    };
  });
}

// A parser thread (pool.ts): the engine is built as soon as the thread
// starts, so that loading the parser overlaps the main thread's own start.
if (!isMainThread && parentPort && (workerData as { kblintParser?: boolean } | undefined)?.kblintParser) {
  const port = parentPort;
  const engine = new Engine((workerData as { config: ResolvedConfig }).config, builtinRules);
  port.on('message', (task: WorkerTask) => port.postMessage(analyzeBatch(engine, task)));
}
