// Lint: ESLint's and typescript-eslint's recommended rules (`npm run lint`, with `prettier --check`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['fixtures/', 'reports/', 'dist/', 'node_modules/', '.vitest/', 'gradcheck-out/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused: a signature's slot, a destructured-away field.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // `let [lo, hi] = …` where only hi changes stays one destructuring.
      'prefer-const': ['error', { destructuring: 'all' }],
      // Tests match the command line's aligned columns literally ('  ok   out').
      'no-regex-spaces': 'off',
    },
  },
  {
    // Plain JavaScript entry points and configs run on Node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
