import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'rules/*/src/**/*.test.ts', 'tests/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // End-to-end tests spawn the CLI and the language server; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
