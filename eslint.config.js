// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');
const { builtinModules } = require('node:module');

module.exports = tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '.cache/', '.data/', 'coverage/', 'web/.svelte-kit/', 'web/build/', 'web/node_modules/', '**/*.svelte'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Type-aware rules for the server code: a forgotten await is a lost write or an unhandled failure.
    files: ['{api,activities,data,devtools,domain,orchestration,platform,realtime,scripts,temporal-config,workers,workflows,bench,test,whatsapp}/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflows and domain rules must stay deterministic: move I/O into an activity.',
          })),
          patterns: [{ group: ['**/data', '**/data/**', '**/platform/**', '**/activities/*', '!**/activities'], message: 'Workflows import activity types only (import type).', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
