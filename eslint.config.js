// Lint rules, including where code may run (docs/architecture.md "Folders"):
// shared/ is pure; only electron/main and electron/preload import 'electron'; renderer/ never
// imports electron/ or Node; the core never imports React or the renderer.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'events', 'stream', 'util', 'zlib'];
const nodeImports = [{ group: ['node:*'], message: 'Node built-ins are not available here.' }];
const nodePaths = NODE_BUILTINS.map((name) => ({ name, message: 'Node built-ins are not available here.' }));
const electronImport = { name: 'electron', message: "Only electron/main and electron/preload may import 'electron'." };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.scratch/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport, ...nodePaths, { name: 'react', message: 'shared/ is UI-free.' }, { name: 'better-sqlite3-multiple-ciphers', message: 'shared/ has no database.' }], patterns: [...nodeImports, { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the project.' }] }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/browser-host/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport, { name: 'react', message: 'The core has no UI.' }], patterns: [{ group: ['**/renderer/**'], message: 'The core never imports the renderer.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Screens load their data in an effect and set it when the call resolves (asynchronously);
      // this rule cannot tell that from a synchronous setState and flags every such load.
      'react-hooks/set-state-in-effect': 'off',
      'no-restricted-imports': ['error', { paths: [electronImport, ...nodePaths, { name: 'better-sqlite3-multiple-ciphers', message: 'The renderer never touches the database.' }], patterns: [...nodeImports, { group: ['**/electron/**'], message: 'The renderer talks to the core only through lib/api.' }] }],
    },
  },
  {
    files: ['renderer/**/*.test.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Tests state their preconditions with `!` where a failed lookup should fail the test anyway.
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
