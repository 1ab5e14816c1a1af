/**
 * What only Electron can show about the window: it opens with the hardened webPreferences
 * (main/core/shell/window-policy.ts), from the built renderer, with its CSP, and the page has no
 * Node in it. Skipped, with the reason, where the Electron binary is not installed.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { builtPreloadFile, builtRendererDir } from '../../main/core/build-output.js'
import { WINDOW_CSP, windowOptions } from '../../main/core/shell/window-policy.js'
import { launchPail } from './support/launch.js'

test('Pail’s window opens with the hardened webPreferences', async (t) => {
  const pail = await launchPail(t)
  if (!pail) return
  const live = await pail.app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((window) => {
      // Electron's own accessor (not in its public typings) for the preferences a window was made with.
      const contents = window.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null }
      return contents.getLastWebPreferences()
    }),
  )
  assert.equal(live.length, 1, 'one window')
  const [preferences] = live
  assert.ok(preferences, 'Electron reports the window’s webPreferences')
  const expected = windowOptions(builtPreloadFile()).webPreferences
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(preferences[name], value, `webPreferences.${name}`)
  }
})

test('the window shows the built renderer, carries its CSP and has no Node in the page', async (t) => {
  const pail = await launchPail(t)
  if (!pail) return
  assert.equal(pail.window.url(), pathToFileURL(join(builtRendererDir(), 'index.html')).href)
  const page = await pail.window.evaluate(() => {
    const scope = globalThis as unknown as Record<string, unknown>
    return {
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
      require: typeof scope.require,
      process: typeof scope.process,
      module: typeof scope.module,
      ipcRenderer: typeof scope.ipcRenderer,
    }
  })
  assert.deepEqual(page, {
    csp: WINDOW_CSP,
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    ipcRenderer: 'undefined',
  })
})
