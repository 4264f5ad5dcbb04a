// ESLint for perflens: eslint:recommended and typescript-eslint's recommended rules, with eslint-config-prettier
// last so that layout is Prettier's alone (npm run lint runs both; npm run format applies Prettier).
// Not type-aware: the type-checked rule set needs a full TypeScript program per run, which tripled the lint
// time (about 40 s of CPU against 14 s), and `tsc --noEmit` in npm test already checks the types.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Build output, the generated rule index, and Python/Markdown that only looks like code to a glob.
    ignores: ['dist/', 'out/', '.vscode-test/', 'tmp/', 'test/fixtures/', 'guide/', 'rules/index.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter a signature needs but the body does not, or a property left out
      // of a rest copy (`const { rule: _rule, ...rest } = out`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Regexes that match Python source spell its indentation as the spaces it is (`/    time\.sleep/`).
      'no-regex-spaces': 'off',
    },
  },
  {
    // Build, bench and test scripts run on Node.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Editor tests drive pages with Playwright: the callbacks they pass to waitForFunction run in the browser.
    files: ['scripts/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The guide webview's script: a classic browser script, given acquireVsCodeApi by VS Code.
    files: ['media/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
  prettier,
);
