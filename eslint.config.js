// Lint, plus the layer rules of ../shared/DESIGN.md §2: a forbidden import fails `npm test`.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import prettierOff from 'eslint-config-prettier'

const nodeBuiltins = { group: ['node:*'], message: 'This layer must not use Node built-ins (DESIGN.md §2).' }
const electron = {
  name: 'electron',
  message: 'Only main/electron and main/preload may import electron (DESIGN.md §2).',
}
const electronPaths = {
  group: ['electron', 'electron/*', 'electron-store'],
  message: 'Only the Electron shell may import electron (DESIGN.md §2).',
}
const layer = (...patterns) => ({ group: patterns, message: 'This import crosses a layer boundary (DESIGN.md §2).' })

/** Builds a no-restricted-imports rule from path groups. */
const restrict = (...patterns) => ['error', { paths: [electron], patterns }]

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', '.tmp/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  // Formatting is Prettier's job (`prettier --check` runs in `npm run lint`); no lint rule argues with it.
  prettierOff,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        nodeBuiltins,
        electronPaths,
        layer('**/main/**', '**/renderer/**', '../main/*', '../renderer/*'),
      ),
    },
  },
  {
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        electronPaths,
        layer('**/electron/**', '**/preload/**', '**/renderer/**', '**/test/**'),
      ),
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [layer('**/renderer/**', '**/preload/**', '**/cli/**', '**/test/**')] },
      ],
    },
  },
  {
    files: ['main/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [layer('**/renderer/**', '**/core/**', '**/cli/**', '**/electron/**', '**/test/**'), nodeBuiltins],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(nodeBuiltins, electronPaths, layer('**/main/**', '../main/*', '**/test/**')),
    },
  },
)
