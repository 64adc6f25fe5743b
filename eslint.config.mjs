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

/**
 * Imports flow one way (README "Architecture"): contracts and domain ← clients ← backends ←
 * activities ← workers; workflows import only contracts and domain; the bridge sits beside the
 * activities. Each layer lists what it may import; an import of any other layer fails the lint.
 */
const ALL_LAYERS = [
  'domain',
  'contracts',
  'config',
  'db',
  'clients',
  'backends',
  'activities',
  'workflows',
  'bridge',
  'local-services',
  'cli',
  'workers',
  'redaction',
];
const MAY_IMPORT = {
  domain: [],
  redaction: [],
  contracts: ['domain'],
  workflows: ['contracts', 'domain'],
  clients: ['config', 'contracts', 'domain', 'redaction'],
  backends: ['clients', 'config', 'contracts', 'domain', 'db', 'redaction'],
  activities: ['backends', 'clients', 'config', 'contracts', 'domain', 'db', 'redaction'],
  bridge: ['backends', 'clients', 'config', 'contracts', 'domain', 'redaction'],
};
const LAYERS = Object.fromEntries(
  Object.entries(MAY_IMPORT).map(([layer, allowed]) => [
    layer,
    ALL_LAYERS.filter((other) => other !== layer && !allowed.includes(other)),
  ]),
);
/** Code that Temporal's workflow sandbox loads (workflows, and what they import) stays deterministic. */
const SANDBOXED = new Set(['domain', 'contracts', 'workflows']);

function layerRules() {
  return Object.entries(LAYERS).map(([layer, forbidden]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: SANDBOXED.has(layer)
            ? forbiddenInWorkflows.map((name) => ({
                name,
                message: `${layer} code runs in (or is imported by) the workflow sandbox: no Node built-ins or I/O libraries.`,
              }))
            : [],
          patterns: [
            {
              // Folders only (a file named like a layer, e.g. contracts/workflows.ts, is not one);
              // src/config.ts is the config layer's one file outside its folder.
              group: forbidden.flatMap((other) =>
                other === 'config'
                  ? ['**/config/**', '../config', '../../config', '../../../config']
                  : [`**/${other}/**`],
              ),
              message: `src/${layer} must not import ${forbidden.join(', ')} (imports flow one way: see the README's Architecture).`,
            },
            ...(layer === 'domain'
              ? [{ group: ['@temporalio/*'], message: 'Domain code never imports Temporal.' }]
              : []),
          ],
        },
      ],
    },
  }));
}

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
  ...layerRules(),
);
