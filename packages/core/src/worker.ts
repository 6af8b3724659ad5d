import type { ResolvedConfig } from './config.js';
import { Engine, type FileAnalysis } from './engine.js';
import { builtinRules } from './rules.generated.js';

export interface WorkerJob {
  path: string;
  content: Uint8Array;
  lint: boolean;
}

export interface WorkerTask {
  config: ResolvedConfig;
  jobs: WorkerJob[];
}

// One engine per worker thread, rebuilt only when the config changes: a
// language server may lint with several configs over its lifetime.
let engine: Engine | undefined;

/** Runs `Engine.analyze` on a batch of files in a worker thread (tinypool entry). */
export default function analyzeBatch(task: WorkerTask): FileAnalysis[] {
  if (!engine || engine.config.hash !== task.config.hash) engine = new Engine(task.config, builtinRules);
  const current = engine;
  return task.jobs.map((job) => current.analyze(job.path, job.content, job.lint));
}
