import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: [
      'dist/',
      'dist-*/',
      'bench/tmp/',
      'node_modules/',
      'public/models/',
      'models/.cache/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  // Where code runs, and which layer may lean on which (README, "Where the code lives"). Type-only
  // imports are allowed across them: a type is not code that runs.
  {
    files: ['src/media/**/*.ts'],
    ignores: ['src/media/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@/|@models/)(?!media/)',
              message: 'src/media is bytes and pixels: it imports nothing else from src/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/inference/**/*.ts', 'src/ops/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@/(engine|ui|sw|embed|client)/',
              allowTypeImports: true,
              message: 'Worker-side code imports no page, service worker or embed code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ops/*/meta.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@/(?!media/)|@models/|\\.\\./common/(?!colorize/hints-param\\.ts$))',
              message: 'A meta is data: it imports the contract, src/media and other metas only.',
            },
            {
              regex: '^\\.\\./(?!operation\\.ts$|common/|[a-z-]+/meta\\.ts$)|(^|/)(run|page)\\.ts$',
              message: 'A meta is data: it imports the contract, src/media and other metas only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/api/**/*.ts', 'src/jobs/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/api/test-support.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@/(engine|inference)/|(^|/)(run|runs)\\.ts$',
              allowTypeImports: true,
              message:
                'The API and the job store run in the service worker: they read metas and the contract, never the engine, the inference runtime or an operation’s run.',
            },
          ],
        },
      ],
    },
  },
);
