/**
 * A window that stops reading its event stream is dropped once its unsent data passes the bound,
 * rather than held in memory; the windows that read go on getting events.
 */
import assert from 'node:assert/strict'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import { test } from 'node:test'
import { EventStream } from '../../../../../main/cli/serve/event-stream.js'
import { AppEventBus } from '../../../../../main/core/app/index.js'

test('a client that does not read is dropped past the bound; one that reads stays', async (t) => {
  const bus = new AppEventBus()
  const stream = new EventStream(bus, { maxBufferedBytes: 1024 * 1024, heartbeatMs: 60_000 })
  const server = createServer((request, response) => stream.accept(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    stream.close()
    server.closeAllConnections()
    server.close()
  })
  const port = (server.address() as { port: number }).port
  const connect = (): Promise<IncomingMessage> =>
    new Promise((resolve) => httpRequest({ host: '127.0.0.1', port }, resolve).end())
  const stalled = await connect()
  stalled.pause()
  const reading = await connect()
  let received = 0
  reading.on('data', (chunk: Buffer) => (received += chunk.length))
  while (stream.clientCount < 2) await new Promise((resolve) => setTimeout(resolve, 5))

  // History entries of 1 MiB each, until the stalled client's unsent data passes the bound.
  const big = { id: 'x'.repeat(1024 * 1024) } as never
  for (let i = 0; i < 256 && stream.clientCount === 2; i++) {
    bus.emit('history:changed', big)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  assert.equal(stream.clientCount, 1, 'the stalled client was dropped')
  const before = received
  bus.emit('folders:changed', [])
  const deadline = Date.now() + 5000
  while (received === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  assert.ok(received > before, 'the reading client still gets events')
})
