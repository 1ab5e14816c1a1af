/**
 * The security rules of `pail serve` (issue 9), each with a request that breaks it and is refused:
 * no session cookie, the secret reused, a wrong `Host` (DNS rebinding), a foreign `Origin` on a
 * state-changing request and on the event stream, a path outside the window's folder, a staging
 * path with `..`; and the headers every answer carries.
 */
import assert from 'node:assert/strict'
import { symlink } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { CONTENT_SECURITY_POLICY } from '../../../main/cli/serve/security-headers.js'
import { APP_JS, INDEX_HTML, invoke, openSession, own, raw, secretOf, startHarness } from './serve-harness.js'

test('a request without the session cookie gets no window and no data', async (t) => {
  const h = await startHarness(t)
  for (const path of ['/', '/index.html', '/assets/app.js', '/folders']) {
    const answer = await raw(h, { path })
    assert.equal(answer.status, 401, path)
    assert.match(answer.headers['content-type']!, /^text\/html/)
    assert.match(answer.body, /Open the address that (&#34;|")pail serve(&#34;|") printed/)
    assert.ok(!answer.body.includes(INDEX_HTML.trim()) && !answer.body.includes(APP_JS.trim()), path)
  }
  const api = await invoke(h, 'pail-session-1=forged', 'app:get-info')
  assert.equal(api.status, 401)
  assert.deepEqual((api.json as { ok: boolean }).ok, false)
  const events = await raw(h, { path: '/api/events', headers: { origin: h.origin }, untilHeaders: true })
  assert.equal(events.status, 401)
  const staging = await raw(h, { method: 'POST', path: '/api/staging', headers: { origin: h.origin } })
  assert.equal(staging.status, 401)
  assert.deepEqual(h.calls, [], 'no handler ran')
  assert.equal(h.staging.openCount, 0, 'no staging was made')
})

test('the printed address sets an HttpOnly, SameSite=Strict cookie and redirects to itself without the secret', async (t) => {
  const h = await startHarness(t)
  assert.match(h.serve.url, /^http:\/\/127\.0\.0\.1:\d+\/\?s=[A-Za-z0-9_-]{43}$/)
  const answer = await raw(h, { path: `/?s=${secretOf(h.serve)}&screen=folders` })
  assert.equal(answer.status, 303)
  assert.equal(answer.headers.location, '/?screen=folders')
  const [cookie] = answer.headers['set-cookie']!
  const attributes = cookie!.split(';').map((part) => part.trim())
  assert.ok(attributes.includes('HttpOnly'), cookie)
  assert.ok(attributes.includes('SameSite=Strict'), cookie)
  assert.ok(attributes.includes('Path=/'), cookie)
  assert.ok(!cookie!.includes(secretOf(h.serve)), 'the cookie is not the secret')
  const page = await raw(h, { path: '/', headers: { cookie: attributes[0]! } })
  assert.equal(page.status, 200)
  assert.equal(page.body, INDEX_HTML)
  const script = await raw(h, { path: '/assets/app.js', headers: { cookie: attributes[0]! } })
  assert.equal(script.body, APP_JS)
  assert.match(script.headers['content-type']!, /^text\/javascript/)
})

test('the secret works once: used again, or guessed, it opens nothing', async (t) => {
  const h = await startHarness(t)
  const first = await openSession(h)
  const again = await raw(h, { path: `/?s=${secretOf(h.serve)}` })
  assert.equal(again.status, 401)
  assert.equal(again.headers['set-cookie'], undefined)
  const guessed = await raw(h, { path: `/?s=${'A'.repeat(43)}` })
  assert.equal(guessed.status, 401)
  // The first session still works; the one who opened it reloading the printed address is sent on.
  assert.equal((await raw(h, { path: '/', headers: { cookie: first } })).status, 200)
  const reload = await raw(h, { path: `/?s=${secretOf(h.serve)}`, headers: { cookie: first } })
  assert.equal(reload.status, 303)
  assert.equal(reload.headers['set-cookie'], undefined)
})

test('a Host other than the loopback address and port it listens on is refused (DNS rebinding)', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const wrongHosts = [
    `localhost:${h.serve.port}`,
    `attacker.example:${h.serve.port}`,
    `127.0.0.1:${h.serve.port + 1}`,
    '127.0.0.1',
    `[::1]:${h.serve.port}`,
    `127.0.0.1:${h.serve.port}.attacker.example`,
  ]
  for (const host of wrongHosts) {
    const page = await raw(h, { path: '/', headers: { host, cookie } })
    assert.equal(page.status, 421, host)
    assert.ok(!page.body.includes(INDEX_HTML.trim()), host)
    const api = await raw(h, {
      method: 'POST',
      path: '/api/invoke/app:get-info',
      headers: { host, cookie, origin: h.origin },
    })
    assert.equal(api.status, 421, host)
  }
  assert.deepEqual(h.calls, [])
  // Refused before the secret is looked at: a rebinding page cannot spend it.
  const h2 = await startHarness(t)
  const rebound = await raw(h2, {
    path: `/?s=${secretOf(h2.serve)}`,
    headers: { host: `attacker.example:${h2.serve.port}` },
  })
  assert.equal(rebound.status, 421)
  assert.equal(rebound.headers['set-cookie'], undefined)
  assert.equal((await raw(h2, { path: `/?s=${secretOf(h2.serve)}` })).status, 303)
})

test('a state-changing request must carry the server’s own Origin', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const foreign: Record<string, string>[] = [
    { origin: 'http://attacker.example' },
    { origin: `http://127.0.0.1:${h.serve.port + 1}` },
    { origin: `http://localhost:${h.serve.port}` },
    { origin: 'null' },
    {},
  ]
  for (const headers of foreign) {
    const what = JSON.stringify(headers)
    const post = await raw(h, {
      method: 'POST',
      path: '/api/invoke/auth:sign-out',
      headers: { cookie, 'content-type': 'application/json', ...headers },
    })
    assert.equal(post.status, 403, what)
    const staging = await raw(h, { method: 'POST', path: '/api/staging', headers: { cookie, ...headers } })
    assert.equal(staging.status, 403, what)
    const del = await raw(h, {
      method: 'DELETE',
      path: `/api/staging/${'0'.repeat(32)}`,
      headers: { cookie, ...headers },
    })
    assert.equal(del.status, 403, what)
  }
  assert.deepEqual(h.calls, [], 'no handler ran')
  assert.equal(h.staging.openCount, 0)
  const fine = await invoke(h, cookie, 'auth:sign-out')
  assert.equal(fine.status, 200)
  assert.deepEqual(h.calls, [{ channel: 'auth:sign-out', input: undefined }])
})

test('the event stream is refused to another origin and to requests that are not the window’s own', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const refused: Record<string, string>[] = [
    { origin: 'http://attacker.example' },
    { origin: `http://127.0.0.1:${h.serve.port + 1}` },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    {},
  ]
  for (const headers of refused) {
    const answer = await raw(h, { path: '/api/events', headers: { cookie, ...headers }, untilHeaders: true })
    assert.equal(answer.status, 403, JSON.stringify(headers))
  }
  assert.equal(h.serve.events.clientCount, 0)
  const fine = await raw(h, {
    path: '/api/events',
    headers: { cookie, 'sec-fetch-site': 'same-origin' },
    untilHeaders: true,
  })
  assert.equal(fine.status, 200)
})

test('a path outside the window’s folder names nothing, however it is written', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  await symlink(join(h.rendererDir, '..', 'secret.txt'), join(h.rendererDir, 'link.txt'))
  const paths = [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/link.txt',
    '/assets/app.js%00.html',
    `/${encodeURIComponent(join(h.rendererDir, '..', 'secret.txt'))}`,
  ]
  for (const path of paths) {
    const answer = await raw(h, { path, headers: { cookie } })
    assert.equal(answer.status, 404, path)
    assert.ok(!answer.body.includes('outside the window folder'), path)
  }
})

test('a staging path with "..", an absolute path, a NUL or an encoded slash is refused', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const created = await raw(h, { method: 'POST', path: '/api/staging', headers: own(h, cookie) })
  const { stagingId } = (JSON.parse(created.body) as { value: { stagingId: string } }).value
  const bad = [
    '../escape.txt',
    'a/../../escape.txt',
    '%2e%2e/escape.txt',
    '%2Fetc%2Fpasswd',
    '/etc/passwd',
    'a%2F..%2F..%2Fescape.txt',
    'a%5C..%5Cescape.txt',
    'nul%00.txt',
    '.git/config',
  ]
  for (const path of bad) {
    const answer = await raw(h, {
      method: 'PUT',
      path: `/api/staging/${stagingId}/${path}`,
      headers: own(h, cookie, { 'content-length': 5 }),
      body: 'hello',
    })
    assert.equal(answer.status, 400, path)
    const json = JSON.parse(answer.body) as { ok: boolean; error: { message: string } }
    assert.equal(json.ok, false)
    assert.match(json.error.message, /Pail cannot take the file/, path)
  }
  const take = h.staging.take(stagingId)
  await assert.rejects(take, /No files were sent/)
})

test('every answer carries the CSP and the other security headers; API answers are never cached', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const answers = {
    'no session': await raw(h, { path: '/' }),
    'wrong host': await raw(h, { path: '/', headers: { host: 'attacker.example' } }),
    'foreign origin': await raw(h, {
      method: 'POST',
      path: '/api/staging',
      headers: { cookie, origin: 'http://x.example' },
    }),
    page: await raw(h, { path: '/', headers: { cookie } }),
    'not found': await raw(h, { path: '/nothing.js', headers: { cookie } }),
    api: await invoke(h, cookie, 'app:get-info'),
    'unknown channel': await invoke(h, cookie, 'app:no-such-thing'),
  }
  for (const [what, answer] of Object.entries(answers)) {
    assert.equal(answer.headers['content-security-policy'], CONTENT_SECURITY_POLICY, what)
    assert.equal(answer.headers['x-content-type-options'], 'nosniff', what)
    assert.equal(answer.headers['referrer-policy'], 'no-referrer', what)
  }
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ])
    assert.ok(CONTENT_SECURITY_POLICY.split('; ').includes(directive), directive)
  assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe-inline'))
  assert.equal(answers.api.headers['cache-control'], 'no-store')
  assert.equal(answers['unknown channel'].headers['cache-control'], 'no-store')
})

test('an unknown channel is a plain 404, and a request for another server’s address is refused', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  for (const name of ['app:no-such-thing', '__proto__', 'constructor', 'toString', 'app%3Aget-info%2F..']) {
    const answer = await invoke(h, cookie, name)
    assert.equal(answer.status, 404, name)
    assert.match(answer.headers['content-type']!, /^text\/plain/)
  }
  const absolute = await raw(h, { path: `http://attacker.example/`, headers: { cookie } })
  assert.equal(absolute.status, 400)
  assert.deepEqual(h.calls, [])
})

test('it listens on 127.0.0.1 only', async (t) => {
  const h = await startHarness(t)
  assert.equal(h.serve.address.host, `127.0.0.1:${h.serve.port}`)
  // The same port on IPv6 loopback has nobody listening (`::` would answer there).
  const reached = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '::1', port: h.serve.port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
  assert.equal(reached, false)
})
