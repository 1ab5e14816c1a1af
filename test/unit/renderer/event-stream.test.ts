import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createConnectionState } from '../../../renderer/transport/connection.js'
import { EventStream, type EventSourceLike } from '../../../renderer/transport/event-stream.js'

/** An EventSource the test drives. */
class FakeSource implements EventSourceLike {
  readyState = 0
  closed = false
  private readonly handlers = new Map<string, ((event: { data?: unknown }) => void)[]>()
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener])
  }
  close(): void {
    this.closed = true
  }
  fire(type: string, data?: unknown): void {
    for (const handler of this.handlers.get(type) ?? []) handler({ data })
  }
}

function setup() {
  const sources: FakeSource[] = []
  const timers: { ms: number; run: () => void }[] = []
  const connection = createConnectionState()
  const stream = new EventStream({
    url: '/api/events',
    open: (url) => {
      const source = new FakeSource(url)
      sources.push(source)
      return source
    },
    connection,
    setTimeout: (run, ms) => timers.push({ run, ms }),
  })
  return { sources, timers, connection, stream }
}

test('the stream opens with the first listener, on /api/events, and delivers each event as JSON', () => {
  const { sources, stream, connection } = setup()
  assert.equal(sources.length, 0)
  const seen: unknown[] = []
  stream.on('folders:changed', (folders) => seen.push(folders))
  stream.on('auth:changed', () => seen.push('auth'))
  assert.equal(sources.length, 1)
  assert.equal(sources[0]!.url, '/api/events')
  assert.equal(connection.get(), 'connecting')
  sources[0]!.fire('open')
  assert.equal(connection.get(), 'open')
  sources[0]!.fire('folders:changed', '[{"id":"0a1b2c3d"}]')
  assert.deepEqual(seen, [[{ id: '0a1b2c3d' }]])
})

test('a broken event is dropped; the stream goes on', () => {
  const { sources, stream } = setup()
  const seen: unknown[] = []
  stream.on('settings:changed', (s) => seen.push(s))
  sources[0]!.fire('settings:changed', '{not json')
  sources[0]!.fire('settings:changed', '{"notifications":true}')
  assert.deepEqual(seen, [{ notifications: true }])
})

test('a listener that stopped hears nothing more', () => {
  const { sources, stream } = setup()
  const seen: unknown[] = []
  const stop = stream.on('history:changed', (h) => seen.push(h))
  stop()
  sources[0]!.fire('history:changed', '{}')
  assert.deepEqual(seen, [])
})

test('a dropped stream the browser retries is "lost" until it opens again', () => {
  const { sources, stream, connection, timers } = setup()
  stream.on('auth:changed', () => undefined)
  sources[0]!.fire('open')
  sources[0]!.readyState = 0 // CONNECTING: the browser retries by itself
  sources[0]!.fire('error')
  assert.equal(connection.get(), 'lost')
  assert.equal(timers.length, 0)
  assert.equal(sources.length, 1)
  sources[0]!.fire('open')
  assert.equal(connection.get(), 'open')
})

test('a stream the browser gave up on is opened again, waiting longer each time up to 30 s', () => {
  const { sources, stream, connection, timers } = setup()
  stream.on('auth:changed', () => undefined)
  const waits: number[] = []
  for (let i = 0; i < 7; i++) {
    const source = sources.at(-1)!
    source.readyState = 2 // CLOSED
    source.fire('error')
    assert.ok(source.closed)
    assert.equal(connection.get(), 'lost')
    const timer = timers.shift()!
    waits.push(timer.ms)
    timer.run()
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000])
  assert.equal(sources.length, 8)
  sources.at(-1)!.fire('open')
  assert.equal(connection.get(), 'open')
  // Once open, the next drop starts from the first wait again.
  sources.at(-1)!.readyState = 2
  sources.at(-1)!.fire('error')
  assert.equal(timers.shift()!.ms, 1000)
})

test('listeners added while waiting to reconnect do not open a second stream', () => {
  const { sources, stream, timers } = setup()
  stream.on('auth:changed', () => undefined)
  sources[0]!.readyState = 2
  sources[0]!.fire('error')
  stream.on('folders:changed', () => undefined)
  assert.equal(sources.length, 1)
  timers.shift()!.run()
  assert.equal(sources.length, 2)
})
