/**
 * Where the build's output (out/) is, for code that runs from it and from the sources alike.
 *
 * The rule: out/ lies in Pail's package root, the nearest folder above this module that holds
 * Pail's package.json. A fixed relative path cannot work: this module is one file in the sources
 * (main/core/), part of out/main/cli.js or of a chunk in out/main/chunks/ once bundled, and inside
 * app.asar once packaged; the package root is above all of them. Run from the sources (tsx, tests)
 * it finds the same out/, which `npm run build` made.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { appManifest } from './app-info.js'

let root: string | undefined

/** Whether `dir` holds the package.json of this Pail (not some other package's). */
function isPailRoot(dir: string): boolean {
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return false
  try {
    const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return typeof manifest === 'object' && manifest !== null && 'name' in manifest && manifest.name === appManifest.name
  } catch {
    return false
  }
}

/**
 * Pail's package root: the folder with its package.json and out/.
 *
 * Throws, with a sentence for people, when there is none above this module (a damaged install).
 */
export function packageRoot(): string {
  if (root !== undefined) return root
  const start = dirname(fileURLToPath(import.meta.url))
  for (let dir = start; ; dir = dirname(dir)) {
    if (isPailRoot(dir)) return (root = dir)
    if (dirname(dir) === dir) break
  }
  throw new Error(`Pail could not find its own files (no package.json above ${start}): install Pail again.`)
}

/** out/: everything `npm run build` produces. */
export function builtOutputDir(): string {
  return join(packageRoot(), 'out')
}

/** The built window (out/renderer): index.html and its assets, for the desktop app and `pail serve`. */
export function builtRendererDir(): string {
  return join(builtOutputDir(), 'renderer')
}

/** The built preload script, one CommonJS file (out/preload/index.cjs). */
export function builtPreloadFile(): string {
  return join(builtOutputDir(), 'preload', 'index.cjs')
}
