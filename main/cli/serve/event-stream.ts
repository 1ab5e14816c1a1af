/**
 * The core's events, pushed to every open window as server-sent events: one SSE event type per
 * contract event (`event: folders:changed`, `data:` the payload as one line of JSON), a comment
 * line as a heartbeat so proxies and the browser keep the stream open, and `retry:` so a dropped
 * stream comes back by itself. A client that goes away is dropped at once; one that reads too
 * slowly (its unsent data passes a bound) is dropped too, rather than held in memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { eventNames } from '../../../shared/ipc/contract.js'
import type { AppEvents } from '../../core/app/index.js'
import { silentLogger, type Logger } from '../../core/log/logger.js'
import { setNoStore } from './security-headers.js'

export interface EventStreamOptions {
  /** How often a heartbeat goes out (default 15 s). */
  heartbeatMs?: number
  /** Unsent bytes a client may hold before it is dropped (default 8 MiB). */
  maxBufferedBytes?: number
  logger?: Logger
}

/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 2000

/** The open event streams and the core subscriptions that feed them. */
export class EventStream {
  private readonly clients = new Set<ServerResponse>()
  private readonly unsubscribes: (() => void)[]
  private readonly heartbeat: NodeJS.Timeout
  private readonly maxBufferedBytes: number
  private readonly logger: Logger

  constructor(events: AppEvents, options: EventStreamOptions = {}) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024
    this.logger = options.logger ?? silentLogger
    this.unsubscribes = eventNames.map((name) =>
      events.on(name, (payload) => this.broadcast(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
    )
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), options.heartbeatMs ?? 15_000)
    this.heartbeat.unref()
  }

  /** How many windows are listening. */
  get clientCount(): number {
    return this.clients.size
  }

  /** Keeps `response` open as an event stream until the client goes away or the server stops. */
  accept(request: IncomingMessage, response: ServerResponse): void {
    response.statusCode = 200
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
    setNoStore(response)
    response.setHeader('X-Accel-Buffering', 'no')
    request.socket.setTimeout(0)
    request.socket.setNoDelay(true)
    response.write(`retry: ${RETRY_MS}\n\n`)
    this.clients.add(response)
    response.once('close', () => this.clients.delete(response))
  }

  /** Ends every stream and stops listening to the core. */
  close(): void {
    clearInterval(this.heartbeat)
    for (const unsubscribe of this.unsubscribes) unsubscribe()
    for (const client of this.clients) client.end()
    this.clients.clear()
  }

  private broadcast(text: string): void {
    for (const client of this.clients) {
      if (client.writableLength > this.maxBufferedBytes) {
        this.logger.warn('serve.events-dropped-slow-client', { bufferedBytes: client.writableLength })
        this.clients.delete(client)
        client.destroy()
        continue
      }
      client.write(text)
    }
  }
}
