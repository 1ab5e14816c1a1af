/**
 * Fault injection end to end: faults armed through `POST /_emulator/faults` and suffered by the
 * next matching requests on either listener (faults.ts, bitbucket-api.md §5 for the 429).
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { RATE_LIMIT_BODY } from './faults.js'
import { git, runGit } from './git/git-cli.js'
import { useEmulator } from './harness.js'

/** Sends `size` bytes in 64 KiB chunks; resolves with the status, or rejects with the socket error. */
function postLarge(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': size },
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    const chunk = Buffer.alloc(64 * 1024, 120)
    let sent = 0
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

test('fault injection through the control endpoint', async (t) => {
  const emu = await useEmulator(t)
  const user = `${emu.info.apiUrl}/2.0/user`
  const arm = (fault: Record<string, unknown>): Promise<{ id: number }> => emu.control('POST', '/faults', fault)
  t.beforeEach(() => emu.control('DELETE', '/faults'))

  const normal = (await fetch(user)).status
  assert.notEqual(normal, 503)

  await t.test('a status fault hits the next N matching requests, by path and method only', async () => {
    await arm({
      kind: 'status',
      status: 503,
      count: 2,
      path: '/2.0/user',
      method: 'GET',
      body: 'maintenance',
      contentType: 'text/plain',
    })
    assert.notEqual((await fetch(user, { method: 'POST', body: '' })).status, 503, 'other method untouched')
    assert.notEqual((await fetch(`${emu.info.apiUrl}/2.0/repositories/pail-demo`)).status, 503, 'other path untouched')
    for (let i = 0; i < 2; i++) {
      const res = await fetch(user)
      assert.equal(res.status, 503)
      assert.equal(res.headers.get('content-type'), 'text/plain')
      assert.equal(await res.text(), 'maintenance')
    }
    assert.equal((await fetch(user)).status, normal, 'the third request is served')
    assert.deepEqual(await emu.control('GET', '/faults'), [])
  })

  await t.test(
    'a status fault without a body sends the Bitbucket error envelope; server filters the listener',
    async () => {
      await arm({ kind: 'status', status: 500, server: 'web' })
      assert.equal((await fetch(user)).status, normal, 'the API listener is untouched')
      const res = await fetch(`${emu.info.repository.cloneUrl}/info/refs?service=git-upload-pack`)
      assert.equal(res.status, 500)
      assert.deepEqual(await res.json(), { type: 'error', error: { message: 'Something went wrong' } })
    },
  )

  await t.test('faults never touch the control endpoint; count -1 lasts until cleared', async () => {
    await arm({ kind: 'status', status: 502, count: -1 })
    assert.equal((await fetch(`${emu.info.controlUrl}/info`)).status, 200)
    for (let i = 0; i < 3; i++) assert.equal((await fetch(user)).status, 502)
    assert.equal((await emu.control<unknown[]>('GET', '/faults')).length, 1)
    await emu.control('DELETE', '/faults')
    assert.equal((await fetch(user)).status, normal)
  })

  await t.test('a delay fault holds the response at least that long, then serves it', async () => {
    await arm({ kind: 'delay', ms: 400, path: '/2.0/user' })
    let status = 0
    const elapsed = await timed(async () => {
      status = (await fetch(user)).status
    })
    assert.ok(elapsed >= 400, `took ${elapsed} ms`)
    assert.equal(status, normal)
  })

  await t.test('a drop fault cuts the connection in the middle of a request body, without a response', async () => {
    const path = '/2.0/repositories/pail-demo/handbook/src'
    await arm({ kind: 'drop', afterBytes: 1024 * 1024, path, method: 'POST' })
    await emu.control('DELETE', '/requests')
    await assert.rejects(postLarge(`${emu.info.apiUrl}${path}`, 8 * 1024 * 1024), (error: NodeJS.ErrnoException) => {
      assert.ok(['ECONNRESET', 'EPIPE'].includes(error.code ?? ''), `socket error, got ${error.code}`)
      return true
    })
    const log = await emu.control<{ path: string; status: number }[]>('GET', '/requests')
    assert.deepEqual(
      log.filter((e) => e.path === path).map((e) => e.status),
      [0],
    )
    assert.equal(
      typeof (await postLarge(`${emu.info.apiUrl}${path}`, 1024)),
      'number',
      'the next request gets an answer',
    )
  })

  await t.test('a drop fault with no byte count closes the connection at once', async () => {
    await arm({ kind: 'drop', path: '/2.0/user' })
    await assert.rejects(fetch(user), TypeError)
  })

  await t.test(
    'rate-limit fault: plain-text 429 with no Retry-After, then Retry-After once the setting is on',
    async () => {
      await arm({ kind: 'rate-limit', path: '/2.0/user' })
      const res = await fetch(user)
      assert.equal(res.status, 429)
      assert.equal(res.headers.get('content-type'), 'text/plain')
      assert.equal(res.headers.get('content-length'), '46')
      assert.equal(res.headers.get('retry-after'), null)
      assert.equal(await res.text(), 'Rate limit for this resource has been exceeded')
      await emu.control('PATCH', '/settings', { retryAfterSeconds: 30 })
      try {
        await arm({ kind: 'rate-limit' })
        const again = await fetch(user)
        assert.equal(again.status, 429)
        assert.equal(again.headers.get('retry-after'), '30')
        assert.equal(await again.text(), RATE_LIMIT_BODY)
      } finally {
        await emu.control('PATCH', '/settings', { retryAfterSeconds: null })
      }
    },
  )

  await t.test('git sees the faults too: a rate-limited clone fails with the message, the retry works', async () => {
    const auth = { username: 'x-token-auth', password: emu.info.repositoryAccessToken }
    await arm({ kind: 'rate-limit', path: '/info/refs' })
    const limited = await runGit(['ls-remote', emu.info.repository.cloneUrl], { auth })
    assert.notEqual(limited.code, 0)
    assert.match(limited.stderr, /Rate limit for this resource has been exceeded/)
    assert.match((await git(['ls-remote', emu.info.repository.cloneUrl], { auth })).stdout, /refs\/heads\/main/)
  })

  await t.test('malformed faults are refused with 400', async () => {
    for (const body of [{ kind: 'explode' }, { kind: 'status' }, { kind: 'delay' }]) {
      const res = await fetch(`${emu.info.controlUrl}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      assert.equal(res.status, 400, JSON.stringify(body))
    }
    const notJson = await fetch(`${emu.info.controlUrl}/faults`, { method: 'POST', body: '{kind:' })
    assert.equal(notJson.status, 400)
    assert.deepEqual(await emu.control('GET', '/faults'), [])
  })
})
