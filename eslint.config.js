// Lint, plus the layer rules of ../shared/DESIGN.md §2 (test/support/eslint-layer-rule.mjs): a
// forbidden import fails `npm test`.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import prettierOff from 'eslint-config-prettier'
import { fileURLToPath } from 'node:url'
import { layerImports } from './test/support/eslint-layer-rule.mjs'

/** Libraries with no Node, DOM or Electron dependency: safe in every layer. Read a library's source before adding it. */
const PURE_LIBRARIES = [
  'zod',
  // p-limit 7 is plain ESM whose only dependency is yocto-queue (no Node API, no DOM): a pure queue.
  'p-limit',
]
/** Libraries the window may use besides the pure ones. Browser code only: nothing that needs Node or Electron. */
const WINDOW_LIBRARIES = ['react', 'react-dom']
/** Electron and its companions (electron-store, @electron/remote, …): the Electron shell's alone. */
const ELECTRON_PACKAGES = ['electron', 'electron-*', '@electron/*']

/**
 * What each layer may import: its own files and the layers listed, Node built-ins when `node` is
 * set, libraries from `packages` (an allow-list) or any library but `forbiddenPackages`, and the
 * project files outside every layer named in `files`.
 * test/ and the files outside these folders may import anything.
 */
const LAYERS = {
  shared: { layers: ['shared'], node: false, packages: PURE_LIBRARIES },
  renderer: { layers: ['renderer', 'shared'], node: false, packages: [...PURE_LIBRARIES, ...WINDOW_LIBRARIES] },
  'main/preload': { layers: ['main/preload', 'shared'], node: false, packages: ['electron'] },
  // package.json: Pail's name and version, which the build inlines (main/core/app-info.ts).
  'main/core': {
    layers: ['main/core', 'shared'],
    node: true,
    forbiddenPackages: ELECTRON_PACKAGES,
    files: ['package.json'],
  },
  'main/cli': { layers: ['main/cli', 'main/core', 'shared'], node: true, forbiddenPackages: ELECTRON_PACKAGES },
  'main/electron': { layers: ['main/electron', 'main/core', 'shared'], node: true, forbiddenPackages: [] },
}
const SOURCES = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'

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
    files: ['shared', 'renderer', 'main'].map((folder) => `${folder}/${SOURCES}`),
    plugins: { pail: { rules: { 'layer-imports': layerImports } } },
    rules: { 'pail/layer-imports': ['error', { root: fileURLToPath(new URL('.', import.meta.url)), layers: LAYERS }] },
  },
  {
    files: [`renderer/${SOURCES}`],
    languageOptions: { globals: { ...globals.browser } },
  },
)
