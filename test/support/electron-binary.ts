/**
 * Where node_modules/electron's binary is, without fetching it. `require('electron')` names the
 * same file but, when it is missing, starts a download of Electron's zip from GitHub (Electron 45's
 * index.js): here that fails after a network attempt, elsewhere it fetches ~100 MB as a side effect
 * of a test run. So its rule is read here: `dist/` + path.txt, or ELECTRON_OVERRIDE_DIST_PATH.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ELECTRON_DIR = fileURLToPath(new URL('../../node_modules/electron/', import.meta.url))

/** Why the Electron binary is not there, in words, for skipped tests and for `npm run dist`. */
export const ELECTRON_BINARY_MISSING =
  'the Electron binary is not installed (node_modules/electron/dist is missing: npm ci does not download it); ' +
  'on a machine with internet access run `node node_modules/electron/install.js` once'

/** The Electron executable node_modules/electron would run, or null when it is not on disk. */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  let relative: string | null = null
  try {
    relative = readFileSync(join(ELECTRON_DIR, 'path.txt'), 'utf8').trim()
  } catch {
    // install.js writes path.txt once the binary is unpacked: without it there is none in dist/.
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH
  const binary = override ? join(override, relative ?? 'electron') : relative && join(ELECTRON_DIR, 'dist', relative)
  return binary && existsSync(binary) ? binary : null
}
