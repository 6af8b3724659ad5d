import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ResolvedConfig } from './config.js';
import { Engine, loadFullParser } from './engine.js';
import { analyzeBatch, type WorkerTask } from './pool.js';
import { builtinRules } from './rules.generated.js';

// A parser thread (pool.ts): the engine is built as soon as the thread
// starts, so that loading the parser overlaps the main thread's own start.
if (!isMainThread && parentPort && (workerData as { kblintParser?: boolean } | undefined)?.kblintParser) {
  const port = parentPort;
  await loadFullParser();
  const engine = new Engine((workerData as { config: ResolvedConfig }).config, builtinRules);
  port.on('message', (task: WorkerTask) => port.postMessage(analyzeBatch(engine, task)));
}
