import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiGet } from './api/read-test-support.js'
import { RATE_LIMIT_BODY } from './faults.js'
import { useEmulator } from './harness.js'
import { RateWindow } from './rate-limit.js'

test('the window counts requests of the last rolling hour only', () => {
  const window = new RateWindow()
  const t0 = 1_000_000
  assert.equal(window.record(t0), 1)
  assert.equal(window.record(t0 + 1_000), 2)
  assert.equal(window.used(t0 + 3_600_000 - 1), 2)
  assert.equal(window.used(t0 + 3_600_000), 1, 'the first request left the window an hour later')
  assert.equal(window.record(t0 + 3_601_000), 1)
})

test('access tokens get X-RateLimit headers and a plain-text 429 past the hourly limit (§5)', async (t) => {
  const emu = await useEmulator(t, { accessTokenRateLimitPerHour: 5, rateLimitNearFraction: 0.8 })
  const path = '/2.0/repositories/pail-demo/handbook/refs/branches'
  const near: string[] = []
  for (let i = 0; i < 5; i++) {
    const res = await apiGet(emu, path, emu.info.repositoryAccessToken)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('x-ratelimit-limit'), '5')
    assert.equal(res.headers.get('x-ratelimit-resource'), 'api')
    near.push(res.headers.get('x-ratelimit-nearlimit')!)
  }
  assert.deepEqual(near, ['false', 'false', 'false', 'true', 'true'])
  const limited = await apiGet(emu, path, emu.info.repositoryAccessToken)
  assert.equal(limited.status, 429)
  assert.equal(limited.headers.get('content-type'), 'text/plain')
  assert.equal(limited.text, RATE_LIMIT_BODY)
  assert.equal(limited.headers.get('retry-after'), null)
  assert.throws(() => limited.json(), SyntaxError, 'the 429 body is not JSON')
  // Each access token has its own allowance.
  const { token: other } = await emu.control<{ token: string }>('POST', '/access-tokens', {
    kind: 'repository-access-token',
    workspace: 'pail-demo',
    repository: 'handbook',
    scopes: ['repository'],
  })
  assert.equal((await apiGet(emu, path, other)).status, 200)
})

test('OAuth and API-token callers get no X-RateLimit headers and are not held to the access-token limit (§5)', async (t) => {
  const emu = await useEmulator(t, { accessTokenRateLimitPerHour: 2 })
  const oauth = await emu.oauthToken(['repository'])
  for (let i = 0; i < 4; i++) {
    for (const auth of [oauth, emu.info.apiToken]) {
      const res = await apiGet(emu, '/2.0/repositories/pail-demo/handbook', auth)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('x-ratelimit-limit'), null)
      assert.equal(res.headers.get('x-ratelimit-nearlimit'), null)
    }
  }
})

test('a limit of 0 means unlimited and sends no headers', async (t) => {
  const emu = await useEmulator(t, { accessTokenRateLimitPerHour: 0 })
  for (let i = 0; i < 3; i++) {
    const res = await apiGet(emu, '/2.0/repositories/pail-demo/handbook', emu.info.repositoryAccessToken)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('x-ratelimit-limit'), null)
  }
})
