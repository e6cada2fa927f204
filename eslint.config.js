// Lint is part of `npm test`. Type-aware rules are left out on purpose: they would
// double the time of `npm test` on a 2-core machine for little extra catch.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const namedExportsOnly = { selector: 'ExportDefaultDeclaration', message: 'Named exports only (STYLE.md).' };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', namedExportsOnly],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'node:crypto',
              importNames: ['createHash'],
              message: "Use hash('sha256', data, encoding): one call and no Hash object for the young-generation GC to finalize (bench/README.md).",
            },
          ],
        },
      ],
    },
  },
  {
    // Code that runs in Node: on Node 20 (V8 11.3) an object literal that starts with a spread and
    // goes on (`{ ...a, b }`, `{ ...a, ...b }`) makes new hidden classes for every object it builds,
    // about 1 µs and two old-generation objects per property after the spread (bench/README.md,
    // "Hidden classes made per request"). Write the fields out, or Object.assign({}, a, { b }).
    // The protocol package is left out: its literals build the schemas once, at load.
    files: ['packages/{server,sandbox-bank,sdk}/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        namedExportsOnly,
        {
          selector: 'ObjectExpression[properties.length>1][properties.0.type="SpreadElement"]',
          message: 'An object literal that starts with a spread makes new hidden classes per object on Node 20: write the fields out, or use Object.assign({}, a, { b }) (eslint.config.js).',
        },
      ],
    },
  },
  {
    files: ['**/*.config.{js,ts}', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
