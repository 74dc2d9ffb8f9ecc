// ESLint with typescript-eslint's type-checked rules, rather than Biome: a floating or misused
// promise is a Worker's real hazard (one nobody awaits or hands to waitUntil is cut off when the
// response ends), and typescript-eslint judges promises with the TypeScript checker itself, so it
// sees through hono's, drizzle's and the driver's types, where Biome's own inference stops short.
// Layout is Prettier's job (`npm run format`): no stylistic rules here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '.build/',
      'bench/results/',
      'client/dist/',
      'public/docs/swagger-ui-bundle.js',
      'public/app/',
      'worker-configuration.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `async` without `await` is how this code makes a function return a promise (a throw becomes a rejection).
      '@typescript-eslint/require-await': 'off',
      // Rejecting with an AbortSignal's reason (typed any) is the platform's convention.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
      // `interface Env extends WorkerEnv {}` is how a global interface is merged with ours.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read response bodies as JSON (any) and assert on them; typing each body adds noise, not safety.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain JavaScript, outside tsconfig: the install helper and the browser script.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { ...globals.browser, SwaggerUIBundle: 'readonly' } },
  },
);
