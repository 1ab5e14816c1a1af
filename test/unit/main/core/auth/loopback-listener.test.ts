import assert from 'node:assert/strict'
import { test } from 'node:test'
import { listenForCallback, SignInError } from '../../../../../main/core/auth/loopback-listener.js'
import { freePort } from '../../../../support/net.js'

test('accepts exactly one callback with the right state and shows the final page', async () => {
  const port = await freePort()
  const listener = await listenForCallback({ port, path: '/pail/callback', expectedState: 'S1', timeoutMs: 10_000 })
  assert.equal(listener.redirectUri, `http://127.0.0.1:${port}/pail/callback`)
  const wrong = await fetch(`${listener.redirectUri}?code=c&state=forged`)
  assert.equal(wrong.status, 400)
  assert.match(await wrong.text(), /not the one Pail is waiting for/)
  const browser = fetch(`${listener.redirectUri}?code=c&state=S1`)
  const arrival = await listener.arrival
  assert.equal(arrival.params.get('code'), 'c')
  arrival.finish({ title: 'You are signed in', message: 'ok', ok: true })
  const page = await browser
  assert.equal(page.status, 200)
  assert.match(await page.text(), /You are signed in/)
  await assert.rejects(fetch(`${listener.redirectUri}?code=c&state=S1`))
})

test('a busy port is explained in plain words', async () => {
  const port = await freePort()
  const first = await listenForCallback({ port, path: '/cb', expectedState: 's', timeoutMs: 10_000 })
  try {
    await assert.rejects(
      listenForCallback({ port, path: '/cb', expectedState: 's', timeoutMs: 10_000 }),
      (error: SignInError) => {
        assert.equal(error.code, 'port-busy')
        assert.match(error.message, new RegExp(`Another program on this computer is using port ${port}`))
        return true
      },
    )
  } finally {
    first.close()
  }
})

test('times out, and can be cancelled', async () => {
  const timed = await listenForCallback({ port: await freePort(), path: '/cb', expectedState: 's', timeoutMs: 50 })
  await assert.rejects(timed.arrival, (error: SignInError) => error.code === 'timeout')
  const controller = new AbortController()
  const cancelled = await listenForCallback({
    port: await freePort(),
    path: '/cb',
    expectedState: 's',
    timeoutMs: 10_000,
    signal: controller.signal,
  })
  controller.abort()
  await assert.rejects(cancelled.arrival, (error: SignInError) => error.code === 'cancelled')
})
