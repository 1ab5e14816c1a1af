/**
 * The browser sign-in end to end: Pail's loopback listener, the emulator's real consent page in
 * Debian's Chromium, the code exchange with PKCE, and the account that results.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import type { Page } from 'playwright-core'
import { AuthService } from '../../../main/core/auth/auth-service.js'
import { TokenEndpointError } from '../../../main/core/auth/oauth-client.js'
import { systemClock } from '../../../main/core/ports.js'
import { FileSecretStore } from '../../../main/core/secrets/file-secret-store.js'
import { useEmulator } from '../../emulator/harness.js'
import { usePage } from '../../support/browser.js'
import { freePort } from '../../support/net.js'

/** An emulator whose public consumer is registered for a free loopback port, and an AuthService using it. */
async function setup(t: TestContext, page: Page, button: '#grant' | '#deny') {
  const port = await freePort()
  const emu = await useEmulator(t, {}, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  const home = await mkdtemp(join(tmpdir(), 'pail-home-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  let finalPage: Promise<string> = Promise.reject(new Error('the browser was never opened'))
  finalPage.catch(() => undefined)
  const auth = new AuthService({
    home,
    secrets: new FileSecretStore(join(home, 'secrets.json')),
    clock: systemClock,
    provisioning: { consumer: emu.info.publicConsumer, callback: { port, path: '/pail/callback' } },
    endpoints: { webUrl: emu.info.webUrl, apiUrl: emu.info.apiUrl },
    opener: {
      async open(url) {
        finalPage = (async () => {
          await page.goto(url)
          await page.click(button)
          await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${port}/pail/callback`))
          return (await page.textContent('body')) ?? ''
        })()
        finalPage.catch(() => undefined)
        return true
      },
    },
  })
  return { emu, auth, port, finalPage: () => finalPage }
}

test('Sign in: Grant on the consent page signs Pail in, and the browser says so', async (t) => {
  const page = await usePage(t)
  if (!page) return
  const { auth, emu, finalPage } = await setup(t, page, '#grant')
  const account = await auth.signInWithBrowser({ timeoutMs: 30_000 })
  assert.equal(account.kind, 'oauth')
  assert.equal(account.displayName, emu.info.user.displayName)
  assert.ok(account.scopes.includes('repository:write'))
  assert.match(await finalPage(), /You are signed in/)
  const session = await auth.session()
  const user = await session!.api.getJson<{ display_name: string }>('/2.0/user')
  assert.equal(user.display_name, emu.info.user.displayName)
})

test('Sign in: Deny leaves Pail signed out and the browser explains it', async (t) => {
  const page = await usePage(t)
  if (!page) return
  const { auth, finalPage } = await setup(t, page, '#deny')
  await assert.rejects(auth.signInWithBrowser({ timeoutMs: 30_000 }), (error: TokenEndpointError) => {
    assert.match(error.message, /chose not to give Pail access/)
    return true
  })
  assert.match(await finalPage(), /Not signed in/)
  assert.equal(await auth.session(), null)
})
