/** A config problem: the run stops with exit code 2 and this one-line message. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly expected: string,
  ) {
    super(`${file}: \`${key}\`: ${expected}`);
    this.name = 'ConfigError';
  }
}

export const MODULE_NAME = 'kblint';
