import type { Formatter } from './index.js';

/** The `--format` names, in the order `--help` lists them. */
export const FORMAT_NAMES = ['stylish', 'json', 'github', 'sarif', 'junit', 'markdown'] as const;

/**
 * Loads one formatter. The command line loads only the one it prints with:
 * some pull in a reporter library or the rule list, and every millisecond of
 * loading is paid by a run answered from the cache.
 */
export async function loadFormatter(name: string): Promise<Formatter | undefined> {
  switch (name) {
    case 'stylish':
      return (await import('./stylish.js')).formatStylish;
    case 'json':
      return (await import('./json.js')).formatJson;
    case 'github':
      return (await import('./github.js')).formatGithub;
    case 'sarif':
      return (await import('./sarif.js')).formatSarif;
    case 'junit':
      return (await import('./junit.js')).formatJunit;
    case 'markdown':
      return (await import('./markdown.js')).formatMarkdown;
    default:
      return undefined;
  }
}
