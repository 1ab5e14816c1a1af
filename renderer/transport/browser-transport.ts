/**
 * `window.pail` in a normal browser, talking to `pail serve`: each request is
 * `POST /api/invoke/<channel>` with the payload as JSON (no body for channels that take none),
 * answered by the channel's Result as JSON; events come over server-sent events
 * (`/api/events`, event-stream.ts); files for an upload are streamed to the staging routes
 * (staging-upload.ts). Same origin only: the session is the HttpOnly cookie `pail serve` set.
 */
import type { ChannelName, InputOf, OutputOf, RendererApi } from '../../shared/ipc/contract.js'
import { buildRendererApi, type Transport } from '../../shared/ipc/renderer-api.js'
import { EVENTS_ROUTE, invokeRoute } from '../../shared/ipc/serve-routes.js'
import { fail, type Result } from '../../shared/result.js'
import { createConnectionState, type Connection } from './connection.js'
import { EventStream, type EventSourceLike } from './event-stream.js'
import { createStagingUpload, type RequestLike } from './staging-upload.js'
import { resultFromAnswer, unreachable } from './transport-errors.js'

/** What the browser client needs of the page; `browserDeps` gives the real ones. */
export interface BrowserDeps {
  fetch: (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'text'>>
  openEventSource: (url: string) => EventSourceLike
  newRequest: () => RequestLike
  setTimeout: (callback: () => void, ms: number) => unknown
}

/** The request for one channel: its Result, or an error in plain words when the server cannot be reached. */
export function createHttpInvoke(deps: Pick<BrowserDeps, 'fetch'>) {
  return async <K extends ChannelName>(channel: K, input: InputOf<K>): Promise<Result<OutputOf<K>>> => {
    let answer: Pick<Response, 'status' | 'text'>
    let body: string
    try {
      answer = await deps.fetch(invokeRoute(channel), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: input === undefined ? undefined : JSON.stringify(input),
      })
      body = await answer.text()
    } catch {
      return fail(unreachable)
    }
    // The server answers this channel's Result (contract.ts types it); anything else became an error above.
    return resultFromAnswer(answer.status, body) as Result<OutputOf<K>>
  }
}

/** The browser client: `window.pail` and the state of its event stream. */
export interface BrowserClient {
  api: RendererApi<File>
  connection: Connection
}

/** `window.pail` over HTTP and server-sent events. */
export function createBrowserClient(deps: BrowserDeps): BrowserClient {
  const connection = createConnectionState()
  const events = new EventStream({
    url: EVENTS_ROUTE,
    open: deps.openEventSource,
    connection,
    setTimeout: deps.setTimeout,
  })
  const transport: Transport<File> = {
    invoke: createHttpInvoke(deps),
    subscribe: (event, listener) => events.on(event, listener),
    prepareUpload: createStagingUpload(deps),
  }
  return { api: buildRendererApi(transport), connection }
}

/** The page's own fetch, EventSource, XMLHttpRequest, random numbers and timers. */
export function browserDeps(win: Window): BrowserDeps {
  return {
    fetch: (url, init) => win.fetch(url, init),
    openEventSource: (url) => new EventSource(url),
    newRequest: () => new XMLHttpRequest(),
    setTimeout: (callback, ms) => win.setTimeout(callback, ms),
  }
}
