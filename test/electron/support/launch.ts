/**
 * The Electron tests' one way to start Pail: playwright-core's `_electron.launch` on
 * node_modules/electron's binary, with the built app (out/, `npm run build`), a fresh PAIL_HOME
 * and a fresh Electron profile of its own (style-anchors.md §5: tests never touch the real profile
 * or keychain items). Where the binary is not installed the caller's test is skipped with the
 * reason (counted as skipped, never as passed) and nothing starts.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { ELECTRON_BINARY_MISSING, electronBinary } from '../../support/electron-binary.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** Preloaded into the main process with `-r`: the test profile and the tray recorder. */
const HARNESS = fileURLToPath(new URL('../fixtures/test-harness.cjs', import.meta.url))
/** How long Pail may take to open its window; a cold start on a slow CI machine is seconds. */
const LAUNCH_TIMEOUT_MS = 60_000

/** A running Pail: the Electron app (its main process) and its window. */
export interface LaunchedPail {
  app: ElectronApplication
  window: Page
  /** The PAIL_HOME it runs with (removed after the test). */
  home: string
}

/** What a recorded tray was last given (test/electron/fixtures/test-harness.cjs). */
export interface RecordedTray {
  menuLabels: string[] | null
  toolTip: string | null
  imageSet: boolean
  isDestroyed: boolean
}

/**
 * The Electron binary, or null after skipping `t` with the reason. Call it first in every Electron
 * test, so the reason is the same everywhere.
 */
export function electronOrSkip(t: TestContext): string | null {
  const binary = electronBinary()
  if (!binary) t.skip(`${ELECTRON_BINARY_MISSING}: this Electron test did not run`)
  return binary
}

/**
 * Starts Pail as `npm start` would (the package root as the app, out/main/index.js its main) and
 * waits for its window to load; closes it and removes its folders after `t`. Null when the binary
 * is missing (`t` is skipped, saying why).
 */
export async function launchPail(t: TestContext): Promise<LaunchedPail | null> {
  const binary = electronOrSkip(t)
  if (!binary) return null
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
    throw new Error('out/main/index.js is missing: run npm run build before the Electron tests')
  }
  const scratch = await mkdtemp(join(tmpdir(), 'pail-electron-'))
  t.after(() => rm(scratch, { recursive: true, force: true }))
  const home = join(scratch, 'home')
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    // Not inherited: a set ELECTRON_RUN_AS_NODE would start a plain Node instead of the app.
    if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') env[name] = value
  }
  Object.assign(env, { PAIL_HOME: home, PAIL_TEST_USER_DATA: join(scratch, 'electron-profile') })
  // Playwright adds --no-sandbox on Linux (CI containers have no user namespaces); the page's
  // `sandbox: true` is still what the window asks for, and what the tests check.
  const app = await _electron.launch({
    executablePath: binary,
    args: ['-r', HARNESS, ROOT],
    env,
    cwd: ROOT,
    timeout: LAUNCH_TIMEOUT_MS,
  })
  t.after(() => app.close())
  const window = await app.firstWindow({ timeout: LAUNCH_TIMEOUT_MS })
  // What the page says goes to the test's log (VS Code's and Mullvad's e2e helpers do the same).
  window.on('pageerror', (error) => t.diagnostic(`page error: ${error.message}`))
  window.on('console', (message) => {
    if (message.type() === 'error') t.diagnostic(`page console: ${message.text()}`)
  })
  await window.waitForLoadState('load')
  return { app, window, home }
}

/** The trays Pail's main process has created so far, with what each was last given. */
export function recordedTrays(app: ElectronApplication): Promise<RecordedTray[]> {
  return app.evaluate(() => (globalThis as unknown as { pailTestTrays: () => RecordedTray[] }).pailTestTrays())
}

/**
 * Polls `read` until `isDone` holds, or fails after `timeoutMs` saying what it waited for (no
 * sleep in place of a condition).
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (isDone(value)) return value
    if (Date.now() > deadline)
      throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
