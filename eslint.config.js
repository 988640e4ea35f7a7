// Lint rules, including the layering arrows of ARCHITECTURE.md: which folder may import what.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const noElectron = {
  paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron: inject what you need.' }],
  patterns: [
    { group: ['electron/*', 'electron-log', 'electron-log/*'], message: 'Only electron/main may use Electron modules.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
      'tools/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='openExternal']",
          message: 'Open links only through guardWebContents in electron/main/security.ts.',
        },
      ],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['electron/main/security.ts', 'electron/main/window.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['electron/services/**', 'electron/bridge/**', 'server/**', 'common/**', 'cli/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
  {
    files: ['common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...noElectron.paths,
            ...nodeBuiltins.map((name) => ({ name, message: 'common/ runs in the renderer too: no Node built-ins.' })),
          ],
          patterns: [
            ...noElectron.patterns,
            {
              group: ['**/electron/**', '**/server/**', '**/renderer/**', '**/cli/**'],
              message: 'common/ imports nothing of the other layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through window.userdeck.' },
            { name: 'axios', message: 'The renderer never calls a backend: go through window.userdeck.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is sandboxed: no Node built-ins.' })),
          ],
          patterns: [
            {
              group: ['**/electron/**', '**/server/**', '**/cli/**'],
              message: 'The renderer imports only common/ and its own code.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'The renderer never calls a backend: go through window.userdeck.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty-pattern': 'off',
    },
  },
  prettier,
);
