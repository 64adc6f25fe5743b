// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries,
// no activity/worker/client SDK packages.
const forbiddenInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'kafkajs',
  'pg',
  'pino',
  'yaml',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.services/**',
      'coverage/**',
      'eslint.config.mjs',
      'jest.config.js',
      'scripts/**/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows.map((name) => ({
            name,
            message: 'Workflow and domain code must stay deterministic: no Node built-ins or I/O libraries.',
          })),
          patterns: [
            {
              group: [
                '**/activities/**',
                '**/clients/**',
                '**/backends/**',
                '**/workers/**',
                '**/local-services/**',
              ],
              allowTypeImports: true,
              message: 'Workflows and domain code import only the types of activities and clients.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain code is pure: it never depends on Temporal either.
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows.map((name) => ({ name, message: 'Domain code is pure: no I/O.' })),
          patterns: [
            {
              group: [
                '@temporalio/*',
                '**/workflows/**',
                '**/activities/**',
                '**/clients/**',
                '**/backends/**',
              ],
              allowTypeImports: true,
              message: 'Domain code never imports Temporal or I/O code.',
            },
          ],
        },
      ],
    },
  },
);
