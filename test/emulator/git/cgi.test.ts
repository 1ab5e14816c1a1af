import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import { headEnd, parseCgiHead, runCgi } from './cgi.js'

test('parseCgiHead reads Status and keeps the other headers in order', () => {
  const head = parseCgiHead(
    'Status: 403 Forbidden\r\nContent-Type: text/plain\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT',
  )
  assert.equal(head.status, 403)
  assert.deepEqual(head.headers, [
    ['Content-Type', 'text/plain'],
    ['Expires', 'Fri, 01 Jan 1980 00:00:00 GMT'],
  ])
  assert.equal(parseCgiHead('Content-Type: text/plain\n').status, 200)
  assert.throws(() => parseCgiHead('no colon here'), /Malformed CGI header/)
  assert.throws(() => parseCgiHead('Status: soon'), /Malformed CGI status/)
})

test('headEnd finds the first blank line, CRLF or LF', () => {
  assert.deepEqual(headEnd(Buffer.from('A: b\r\n\r\nbody\n\n')), { at: 4, separator: 4 })
  assert.deepEqual(headEnd(Buffer.from('A: b\n\nbody\r\n\r\n')), { at: 4, separator: 2 })
  assert.equal(headEnd(Buffer.from('A: b\r\n')), null)
})

/** A server whose every request runs `sh -c script` as CGI. */
async function cgiServer(t: TestContext, script: string): Promise<string> {
  const server = createServer((req, res) => {
    void runCgi({ command: 'sh', args: ['-c', script], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, req, res })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

test('runCgi streams the request body in and the output out, with the CGI status', async (t) => {
  const url = await cgiServer(t, `printf 'Status: 201 Created\\r\\nX-Seen: yes\\r\\n\\r\\n'; wc -c`)
  const body = Buffer.alloc(3 * 1024 * 1024, 97)
  const res = await fetch(url, { method: 'POST', body: new Blob([body]) })
  assert.equal(res.status, 201)
  assert.equal(res.headers.get('x-seen'), 'yes')
  assert.equal((await res.text()).trim(), String(body.length))
})

test('runCgi answers 502 when the program ends without a header block', async (t) => {
  const url = await cgiServer(t, `echo 'broken backend' >&2; exit 3`)
  const res = await fetch(url)
  assert.equal(res.status, 502)
  assert.match(await res.text(), /exit 3.*broken backend/)
})

test('runCgi drains a body the program does not read, and the connection serves the next request', async (t) => {
  const url = await cgiServer(t, `printf 'Status: 403 Forbidden\\r\\n\\r\\nno'`)
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url, { method: 'POST', body: new Blob([Buffer.alloc(2 * 1024 * 1024)]) })
    assert.equal(res.status, 403)
    assert.equal(await res.text(), 'no')
  }
})
