/**
 * The window's hardening as data: every checklist option pinned, the CSP the same as the one
 * renderer/index.html carries, navigation and permissions refused.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  mayGrantPermission,
  mayNavigate,
  WINDOW_CSP,
  windowOptions,
} from '../../../../../main/core/shell/window-policy.js'

const indexHtml = fileURLToPath(new URL('../../../../../renderer/index.html', import.meta.url))

test('the window is isolated, sandboxed, without Node, with web security and without webviews', () => {
  const options = windowOptions('/app/out/preload/index.cjs')
  assert.deepEqual(options.webPreferences, {
    preload: '/app/out/preload/index.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  })
  assert.equal(options.show, false, 'shown once painted')
})

test('the CSP is the one renderer/index.html carries, word for word', async () => {
  const html = await readFile(indexHtml, 'utf8')
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)]
  assert.equal(metas.length, 1, 'one CSP meta tag')
  assert.equal(metas[0]?.[1], WINDOW_CSP)
})

test("the CSP allows only the app's own scripts: no inline, no eval, no plugins", () => {
  const directives = new Map(
    WINDOW_CSP.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/)
      return [name, values] as const
    }),
  )
  assert.deepEqual(directives.get('script-src'), ["'self'"])
  assert.deepEqual(directives.get('default-src'), ["'self'"])
  assert.deepEqual(directives.get('object-src'), ["'none'"])
  assert.ok(!WINDOW_CSP.includes('unsafe-'), 'no unsafe-inline or unsafe-eval')
})

test('no navigation and no permission is ever allowed', () => {
  for (const url of ['https://bitbucket.org/', 'file:///etc/passwd', 'about:blank'])
    assert.equal(mayNavigate(url), false, url)
  for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal'])
    assert.equal(mayGrantPermission(permission), false, permission)
})
