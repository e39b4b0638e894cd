// Layers are named by where code runs; imports between them are checked here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const uiAndShell = ['electron', 'electron/*', 'react', 'react/*', 'react-dom', 'react-dom/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'bench-data/', 'test-results/', '.scratch/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // The core is pure: it takes paths/streams and returns data. No Electron, no React,
    // no reaching into the shell or the UI.
    files: ['src-core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: uiAndShell.filter((p) => !p.includes('*')).map((name) => ({ name, message: 'src-core must not import Electron or React.' })),
        patterns: [
          { group: uiAndShell, message: 'src-core must not import Electron or React.' },
          { group: ['**/electron/**', '**/renderer/**', '../electron', '../renderer'], message: 'src-core must not import the shell or the UI.' },
        ],
      }],
    },
  },
  {
    // The browser bridge is the Electron shell's twin for plain Node: no Electron here.
    files: ['electron/serve/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'serve/ runs without Electron.' }] }],
    },
  },
  {
    // The renderer talks only to the handler map: no SQLite, no file system, no Node.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['better-sqlite3', 'node:*', 'fs', 'path', 'child_process', 'electron'], message: 'The renderer must not touch SQLite, Node or Electron.' },
          // A regex: gitignore-style groups cannot re-include a file inside an excluded folder.
          { regex: '(^|/)src-core/(?!(api/(contract|bridge)(\\.js)?|model/[^/]+)$)', message: 'The renderer may import only the API contract and model types from the core.' },
        ],
      }],
      // ...and only their types: nothing of the core (zod, Node) ends up in the UI bundle.
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ regex: '(^|/)src-core/', allowTypeImports: true, message: 'The renderer imports the core as types only (import type).' }],
      }],
    },
  },
);
