import { createRequire } from 'node:module';

let loaded: typeof import('node:crypto') | undefined;

/**
 * `node:crypto`, loaded on first use. Importing it costs every process a
 * few milliseconds; a run answered from the cache hashes nothing, and that
 * is most of the time such a run takes beyond Node's own start.
 */
export function nodeCrypto(): typeof import('node:crypto') {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
}
