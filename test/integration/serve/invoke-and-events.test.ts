/**
 * The contract over HTTP: `POST /api/invoke/<channel>` answers the channel's Result through the
 * core's dispatch (payload checked first), bad bodies are refused with a sentence; `GET
 * /api/events` pushes every contract event as its own SSE event type, with a heartbeat, and drops
 * windows that went away.
 */
import assert from 'node:assert/strict'
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import { eventNames, type EventChannels, type EventName } from '../../../shared/ipc/contract.js'
import type { AuthState, SettingsView } from '../../../shared/ipc/views.js'
import { invoke, openSession, own, raw, startHarness, type Harness } from './serve-harness.js'

/** Polls `condition` until it holds or `ms` pass. */
async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface SseClient {
  response: IncomingMessage
  /** Everything received so far. */
  text(): string
  /** The SSE events received so far, parsed. */
  events(): { event: string; data: unknown }[]
  close(): void
}

/** Opens the event stream as the window's own page does (same-origin, with its cookie). */
function openEvents(h: Harness, cookie: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let received = ''
    const request: ClientRequest = httpRequest(
      {
        host: '127.0.0.1',
        port: h.serve.port,
        path: '/api/events',
        headers: { host: h.host, cookie, 'sec-fetch-site': 'same-origin', accept: 'text/event-stream' },
        setHost: false,
      },
      (response) => {
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (received += chunk))
        response.on('error', () => undefined)
        resolve({
          response,
          text: () => received,
          events: () =>
            received
              .split('\n\n')
              .map((block) => block.split('\n'))
              .filter((lines) => lines.some((line) => line.startsWith('event: ')))
              .map((lines) => ({
                event: lines.find((l) => l.startsWith('event: '))!.slice(7),
                data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as unknown,
              })),
          close: () => request.destroy(),
        })
      },
    )
    request.on('error', reject)
    request.end()
  })
}

test('a channel answers its Result as JSON; a payload the contract refuses is a Result with a sentence', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const info = await invoke(h, cookie, 'app:get-info')
  assert.equal(info.status, 200)
  assert.match(info.headers['content-type']!, /^application\/json/)
  assert.deepEqual(info.json, { ok: true, value: { channel: 'app:get-info' } })

  const pause = await invoke(h, cookie, 'folders:pause', { pairId: '0123abcd', until: null })
  assert.deepEqual(pause.json, {
    ok: true,
    value: { channel: 'folders:pause', input: { pairId: '0123abcd', until: null } },
  })

  const refused = await invoke(h, cookie, 'folders:pause', { pairId: '../../etc', until: null })
  assert.equal(refused.status, 200)
  const error = (refused.json as { ok: false; error: { code: string; message: string } }).error
  assert.equal(error.code, 'request.invalid')
  assert.match(error.message, /folder id/)
  assert.equal(h.calls.length, 2, 'the refused payload reached no handler')
})

test('a body that is not JSON, too large, or sent with GET is refused with words', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const path = '/api/invoke/auth:import-provisioning'
  const form = await raw(h, {
    method: 'POST',
    path,
    headers: own(h, cookie, { 'content-type': 'application/x-www-form-urlencoded' }),
    body: 'text=x',
  })
  assert.equal(form.status, 415)
  assert.match(form.body, /as JSON/)
  const broken = await raw(h, {
    method: 'POST',
    path,
    headers: own(h, cookie, { 'content-type': 'application/json' }),
    body: '{"text":',
  })
  assert.equal(broken.status, 400)
  assert.match(broken.body, /not valid JSON/)
  const huge = JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) })
  const declared = await raw(h, {
    method: 'POST',
    path,
    headers: own(h, cookie, { 'content-type': 'application/json', 'content-length': huge.length }),
    body: huge,
  })
  assert.equal(declared.status, 413, 'refused from its Content-Length')
  // Without a length (chunked), it is cut off as the bytes pass the bound.
  const chunked = await raw(h, {
    method: 'POST',
    path,
    headers: own(h, cookie, { 'content-type': 'application/json' }),
    body: Readable.from(
      (function* () {
        for (let i = 0; i < 32; i++) yield Buffer.alloc(64 * 1024, 'x')
      })(),
    ),
  })
  assert.equal(chunked.status, 413, 'refused as the bytes arrive')
  const get = await raw(h, { path, headers: { cookie } })
  assert.equal(get.status, 405)
  assert.deepEqual(h.calls, [])
})

test('every contract event arrives over SSE as its own event type, with a heartbeat', async (t) => {
  const h = await startHarness(t, { heartbeatMs: 50 })
  const cookie = await openSession(h)
  const client = await openEvents(h, cookie)
  t.after(() => client.close())
  assert.equal(client.response.statusCode, 200)
  assert.match(client.response.headers['content-type']!, /^text\/event-stream/)
  assert.equal(client.response.headers['cache-control'], 'no-store')
  await until(() => h.serve.events.clientCount === 1, 'the stream to be open')

  const payloads: { [K in EventName]: EventChannels[K] } = {
    'auth:changed': { status: 'signed-out', reason: 'You signed out.' } satisfies AuthState,
    'folders:changed': [],
    'history:changed': {
      id: 'h1',
      time: 1,
      folder: null,
      workspace: 'w',
      repository: 'r',
      branch: 'main',
      files: [{ path: 'a\nb.txt', operation: 'add', bytes: 3 }],
      outcome: 'committed',
      who: 'Ann',
      commit: { hash: 'abc', link: 'https://bitbucket.org/w/r/commits/abc' },
      error: null,
      note: null,
    },
    'upload:progressed': { uploadId: 'u1', bytesSent: 5, bytesTotal: 10, currentPath: 'x.bin', done: null },
    'settings:changed': {
      launchAtLogin: null,
      notifications: true,
      commitMessageTemplate: '',
      pausedAll: false,
    } satisfies SettingsView,
  }
  for (const name of eventNames) h.events.emit(name, payloads[name] as never)
  await until(() => client.events().length === eventNames.length, 'every event to arrive')
  assert.deepEqual(
    client.events(),
    eventNames.map((name) => ({ event: name, data: payloads[name] })),
  )
  assert.match(client.text(), /^retry: \d+\n\n/)
  await until(() => client.text().includes(': heartbeat\n\n'), 'a heartbeat')
})

test('a window that goes away is dropped, and stopping the server ends the streams and the subscriptions', async (t) => {
  const h = await startHarness(t, { heartbeatMs: 20 })
  const cookie = await openSession(h)
  const leaving = await openEvents(h, cookie)
  const staying = await openEvents(h, cookie)
  await until(() => h.serve.events.clientCount === 2, 'two streams')
  assert.equal(h.events.listenerCount('folders:changed'), 1, 'one subscription for all windows')
  leaving.close()
  await until(() => h.serve.events.clientCount === 1, 'the closed stream to be dropped')
  h.events.emit('folders:changed', [])
  await until(() => staying.events().length === 1, 'the event at the window that stayed')

  const ended = new Promise<void>((resolve) => staying.response.once('close', () => resolve()))
  await h.serve.stop()
  await ended
  assert.equal(h.serve.events.clientCount, 0)
  for (const name of eventNames) assert.equal(h.events.listenerCount(name), 0, name)
})
