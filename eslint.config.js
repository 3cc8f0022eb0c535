// ESLint flat config. Besides the recommended rules, it keeps the import direction of DESIGN.md §3:
//   core ← store ← server;  core ← connectors ← server;  console talks HTTP only (it may use src/shared).
// Each folder's rule lists everything that folder may not import (flat config replaces a rule's
// options rather than merging them, so each list is complete on its own).
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** `#store/…` aliases (package.json "imports") and relative paths into a sibling src folder. */
function layers(...names) {
  const alt = names.join('|');
  return [
    {
      regex: `^#(${alt})/`,
      message: `Import direction (DESIGN.md §3): this folder may not import ${names.join(', ')}.`,
    },
    {
      // ../store, ../../store/repos/x.ts, ../../../src/store/…
      regex: `^(\\.\\./)+(src/)?(${alt})(/|\\.ts$|$)`,
      message: `Import direction (DESIGN.md §3): this folder may not import ${names.join(', ')}.`,
    },
  ];
}

/** Modules that do I/O: the pure domain (and the contract shared with the browser) may not use them. */
const io = [
  {
    regex: '^(node:)?(fs|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads|sqlite)(/|$)',
    message: 'src/core is pure (DESIGN.md §3): no I/O modules. Take what a rule needs as input and return intents.',
  },
  {
    regex: '^(pg|kysely|fastify|ws)(/|$)|^@fastify/',
    message: 'src/core is pure (DESIGN.md §3): no database, HTTP or WebSocket libraries.',
  },
];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default defineConfig(
  {
    ignores: ['node_modules/', 'console/dist/', 'dist/', 'data/', '.tmp/', 'test-results/', 'coverage/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Browser code, and tests that pass functions to the page (page.evaluate).
    files: ['console/**', 'test/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Tests read JSON answers and frames loosely; the assertions are the type check there.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // ---- import direction ----
  { files: ['src/core/**'], rules: restrict([...layers('store', 'server', 'connectors', 'cli', 'shared'), ...io]) },
  // The API contract is imported by the browser console: it may build on core, nothing else of src.
  { files: ['src/shared/**'], rules: restrict([...layers('store', 'server', 'connectors', 'cli'), ...io]) },
  { files: ['src/store/**'], rules: restrict(layers('server', 'connectors', 'cli')) },
  { files: ['src/connectors/**'], rules: restrict(layers('store', 'server', 'cli')) },
  {
    files: ['console/**'],
    rules: restrict([
      {
        regex: '^#(core|store|server|connectors)/',
        message: 'The console talks HTTP only (DESIGN.md §3): of src it may import only src/shared (#shared/…).',
      },
      {
        regex: '^(\\.\\./)+src/(?!shared(/|$))',
        message: 'The console talks HTTP only (DESIGN.md §3): of src it may import only src/shared.',
      },
    ]),
  },
);
