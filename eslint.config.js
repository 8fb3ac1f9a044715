import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The engine is pure TypeScript: no DOM/UI libraries, no Node built-ins, and nothing from the layers above it.
const engineForbiddenPaths = [
  'react',
  'react-dom',
  'd3',
  'zustand',
  'xstate',
  'elkjs',
  ...builtinModules.filter((m) => !m.startsWith('_')),
];
const engineForbiddenPatterns = [
  {
    group: ['react/*', 'react-dom/*', 'd3-*', 'd3/*', 'zustand/*', 'xstate/*', '@xstate/*', 'elkjs/*'],
    message: 'src/engine is pure TypeScript: no UI or rendering libraries.',
  },
  { group: ['node:*'], message: 'src/engine must not use Node built-ins (it also runs in the browser).' },
  {
    group: ['**/app', '**/app/**', '**/cli', '**/cli/**'],
    message: 'src/engine may not import from the layers above it (src/app, src/cli).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
      'blob-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: engineForbiddenPaths.map((name) => ({
            name,
            message: 'src/engine is pure TypeScript: no DOM/UI libraries or Node built-ins.',
          })),
          patterns: engineForbiddenPatterns,
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: [
      'src/cli/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.{ts,js}',
      'e2e/**/*.ts',
      'test/**/*.ts',
      '**/*.test.{ts,tsx}',
      '*.config.{ts,js}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
);
