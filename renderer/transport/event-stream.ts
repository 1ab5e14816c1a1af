/**
 * The core's events under `pail serve`: one `EventSource` on `/api/events` (server-sent events,
 * one event type per contract event, JSON data), opened when the first listener comes. The browser
 * reconnects by itself after a dropped connection; when it gives up (the server answered with an
 * error, e.g. while restarting) this opens a new one, waiting longer each time up to half a minute.
 */
import { eventNames, type EventChannels, type EventName } from '../../shared/ipc/contract.js'
import type { ConnectionState } from './connection.js'

/** What this needs of the DOM's EventSource (tests give a fake). */
export interface EventSourceLike {
  readonly readyState: number
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void
  close(): void
}

/** EventSource.CLOSED: the browser will not reconnect this one. */
const CLOSED = 2
const FIRST_RETRY_MS = 1000
const LAST_RETRY_MS = 30_000

/** What the stream needs: how to open a source, timers, and where to report the connection. */
export interface EventStreamDeps {
  url: string
  open: (url: string) => EventSourceLike
  connection: ConnectionState
  setTimeout: (callback: () => void, ms: number) => unknown
}

type Listener = (payload: unknown) => void

/** The contract's events over one reconnecting EventSource. */
export class EventStream {
  private readonly listeners = new Map<EventName, Set<Listener>>()
  private source: EventSourceLike | null = null
  private retryMs = FIRST_RETRY_MS
  private retrying = false

  constructor(private readonly deps: EventStreamDeps) {}

  /** Calls `listener` with each payload of `event`; returns the function that stops it. */
  on<K extends EventName>(event: K, listener: (payload: EventChannels[K]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    // The server sends what the contract says for this event; the contract types it.
    const untyped = listener as Listener
    set.add(untyped)
    if (!this.source && !this.retrying) this.connect()
    return () => {
      set.delete(untyped)
    }
  }

  private connect(): void {
    this.deps.connection.set(this.deps.connection.get() === 'lost' ? 'lost' : 'connecting')
    const source = this.deps.open(this.deps.url)
    this.source = source
    source.addEventListener('open', () => {
      this.retryMs = FIRST_RETRY_MS
      this.deps.connection.set('open')
    })
    source.addEventListener('error', () => {
      if (this.source !== source) return
      this.deps.connection.set('lost')
      if (source.readyState === CLOSED) this.retryLater(source)
    })
    for (const name of eventNames) source.addEventListener(name, (event) => this.deliver(name, event.data))
  }

  private retryLater(source: EventSourceLike): void {
    source.close()
    this.source = null
    this.retrying = true
    const wait = this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS)
    this.deps.setTimeout(() => {
      this.retrying = false
      this.connect()
    }, wait)
  }

  private deliver(name: EventName, data: unknown): void {
    let payload: unknown
    try {
      payload = JSON.parse(String(data))
    } catch {
      // A broken event is not worth a broken window: the next one, or a reload, brings the state.
      return
    }
    for (const listener of [...(this.listeners.get(name) ?? [])]) listener(payload)
  }
}
