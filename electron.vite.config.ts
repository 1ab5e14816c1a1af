/**
 * The one build (`npm run build` = `electron-vite build`): everything Pail runs goes to out/.
 *
 * - out/main: the Electron main process (index.js) and the `pail` command (cli.js), one ES build
 *   with shared chunks in out/main/chunks. Runtime dependencies stay external (npm installs them,
 *   electron-builder packs them); everything else, development dependencies included, is bundled.
 * - out/preload/index.cjs: ONE CommonJS file with everything bundled but `electron`, because a
 *   sandboxed preload can `require` nothing else (electron-vite "Limitations of sandboxing";
 *   Electron docs/tutorial/sandbox.md).
 * - out/renderer: the window (renderer/index.html → renderer/main.tsx), React 19; the desktop app
 *   loads it from disk and `pail serve` serves it to a browser.
 *
 * Code is not minified nor turned into bytecode ("source code protection" is not wanted): the
 * output stays readable, and a stack from a bug report points at recognisable code.
 */
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

/**
 * The oldest Node that runs the output: the CLI and `pail serve` run on Node 24 (package.json
 * `engines`, the major Electron 45 bundles), the Electron main process on Electron's own.
 */
const NODE_TARGET = 'node24.11'

export default defineConfig({
  main: {
    build: {
      outDir: resolve('out/main'),
      target: NODE_TARGET,
      rolldownOptions: {
        input: { index: resolve('main/electron/main.ts'), cli: resolve('main/cli/main.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve('out/preload'),
      target: NODE_TARGET,
      // Bundle zod and every other library into the one file: only `electron` stays a require.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      // Not only Electron's Chromium: `pail serve` gives the same files to the user's own browser.
      target: 'es2022',
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
})
