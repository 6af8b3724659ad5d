import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'bench/corpus/**', 'packages/action/dist/**', 'packages/action/build/**', 'packages/vscode/dist/**', '**/*.generated.ts'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `any` needs a comment saying why: the disable comment is that comment.
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
);
