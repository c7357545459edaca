// Lint is for the house's boundaries and a few correctness rules, not style: Prettier owns layout.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.lbaas/**', '.test-results/**', 'bench/results/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // The domain depends on nothing of ours; libs never import apps; apps import libs.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:domain', 'type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:lib'] },
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:domain', 'type:lib', 'type:app'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:lib'] },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@lbaas/*/src', '@lbaas/*/src/*', '@lbaas/*/dist', '@lbaas/*/dist/*'],
              message: 'Import a library by its public entry point (@lbaas/<lib>).',
            },
            {
              group: ['**/libs/*/src/*', '**/apps/*/src/*', '**/libs/*/dist/*', '**/apps/*/dist/*'],
              message: 'Import another project by its public entry point, never by a relative path into it.',
            },
            { group: ['nats/lib/*', 'nats/lib/**'], message: "Private paths of the nats package are not its API; import from 'nats'." },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Specs poke at parsed JSON; `any` stays out of every source file, where boundaries are.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
