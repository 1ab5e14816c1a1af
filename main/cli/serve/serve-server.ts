/**
 * `pail serve`'s HTTP server: the built window and the contract, on 127.0.0.1 only.
 *
 * Every request passes, in order: its `Host` (exactly 127.0.0.1:PORT, or 421: DNS rebinding), its
 * `Origin` (the server's own on everything that changes something and on the event stream, or
 * 403), the session (the one-time secret of the printed address becomes a cookie; without it, 401
 * and nothing of the window or its data). Every answer carries the security headers
 * (security-headers.ts). Routes: shared/ipc/serve-routes.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Handlers } from '../../../shared/ipc/contract.js'
import {
  EVENTS_ROUTE,
  invokeRoute,
  SECRET_PARAMETER,
  STAGING_ROUTE,
  stagingRoute,
} from '../../../shared/ipc/serve-routes.js'
import { silentLogger, type Logger } from '../../core/log/logger.js'
import type { AppEvents } from '../../core/app/index.js'
import { EventStream } from './event-stream.js'
import { InvokeRoute } from './invoke-route.js'
import {
  isOwnHost,
  isOwnOrigin,
  isOwnPageRequest,
  isStateChanging,
  LOOPBACK,
  serveAddress,
  type ServeAddress,
} from './request-checks.js'
import { sendError, sendPage, sendText } from './responses.js'
import { setNoStore, setSecurityHeaders } from './security-headers.js'
import { SessionGate } from './session-gate.js'
import type { StagingArea } from './staging-area.js'
import { StagingRoutes } from './staging-routes.js'
import { StaticFiles } from './static-files.js'

export interface ServeServerOptions {
  /** The core's channels (served through the core's dispatch) and its events. */
  handlers: Handlers
  events: AppEvents
  /** The built window (out/renderer). */
  rendererDir: string
  staging: StagingArea
  /** 0 (the default): a free port. */
  port?: number
  logger?: Logger
  /** How often the event stream sends a heartbeat (default 15 s). */
  heartbeatMs?: number
}

/** A running server. */
export interface RunningServe {
  /** The address to open, carrying the one-time secret. Never logged. */
  url: string
  address: ServeAddress
  port: number
  /** The contract's channels it answers. */
  channels: ReadonlySet<string>
  events: EventStream
  /** Stops listening and ends every open request and event stream. */
  stop(): Promise<void>
}

/** The port is taken (a --port that something else uses); the message is for people. */
export class PortInUseError extends Error {
  constructor(port: number) {
    super(`Port ${port} is already in use on this computer. Choose another with --port, or leave --port out.`)
  }
}

const NO_SESSION_ACTION =
  'Open the address that "pail serve" printed in its terminal. It works once: if it was used already, stop pail serve (Ctrl+C) and start it again for a new one.'
const NO_SESSION = { heading: 'Open Pail from its address', text: NO_SESSION_ACTION }

interface Routes {
  address: ServeAddress
  gate: SessionGate
  files: StaticFiles
  invoke: InvokeRoute
  events: EventStream
  staging: StagingRoutes
  logger: Logger
}

/** The path and query of an origin-form request target, as sent (not decoded, not normalised). */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const at = target.indexOf('?')
  return at < 0
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, at), query: new URLSearchParams(target.slice(at + 1)) }
}

function methodNotAllowed(response: ServerResponse, allow: string): void {
  response.setHeader('Allow', allow)
  sendText(response, 405, `Use ${allow} here.`)
}

/** Spends the secret of the printed address; true when the request was answered (redirect or 401). */
function exchangeSecret(routes: Routes, request: IncomingMessage, response: ServerResponse): boolean {
  const { path, query } = splitTarget(request.url!)
  const secret = query.get(SECRET_PARAMETER)
  if (secret === null || (request.method !== 'GET' && request.method !== 'HEAD')) return false
  const cookie = routes.gate.exchange(secret)
  if (cookie === null && !routes.gate.hasSession(request.headers.cookie)) {
    sendPage(response, 401, NO_SESSION.heading, NO_SESSION.text)
    return true
  }
  if (cookie !== null) response.setHeader('Set-Cookie', cookie)
  query.delete(SECRET_PARAMETER)
  const rest = query.toString()
  // The same address without the secret, so it stays in neither the address bar nor the history;
  // `//name` would be another server's address to a browser, so it becomes the window's page.
  const page = path.startsWith('//') ? '/' : path
  response.statusCode = 303
  setNoStore(response)
  response.setHeader('Location', `${page}${rest ? `?${rest}` : ''}`)
  response.end()
  return true
}

async function route(routes: Routes, request: IncomingMessage, response: ServerResponse): Promise<void> {
  setSecurityHeaders(response)
  const target = request.url ?? ''
  // Only origin-form targets: an absolute URL (`GET http://elsewhere/`) names another server.
  if (!target.startsWith('/')) return sendText(response, 400, 'Pail takes only requests for its own pages.')
  if (!isOwnHost(request.headers, routes.address))
    return sendText(
      response,
      421,
      `Pail answers only at ${routes.address.origin}: open the address pail serve printed.`,
    )
  const { path } = splitTarget(target)
  const isEvents = path === EVENTS_ROUTE
  if (
    isStateChanging(request.method)
      ? !isOwnOrigin(request.headers, routes.address)
      : isEvents && !isOwnPageRequest(request.headers, routes.address)
  )
    return sendText(response, 403, 'Pail takes this request only from its own window.')
  if (exchangeSecret(routes, request, response)) return
  const isApi = path === '/api' || path.startsWith('/api/')
  if (!routes.gate.hasSession(request.headers.cookie)) {
    if (isApi)
      return sendError(response, 401, {
        code: 'serve.no-session',
        message: 'This window is not connected to pail serve any more.',
        action: NO_SESSION_ACTION,
      })
    return sendPage(response, 401, NO_SESSION.heading, NO_SESSION.text)
  }
  if (isApi) return apiRoute(routes, path, request, response)
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(response, 'GET')
  if (!(await routes.files.serve(path, request, response)))
    sendPage(response, 404, 'Not found', 'Pail has no page at this address.')
}

/** The parts of `path` after `prefix` ('/'-separated, still URL-encoded), or null when it does not start so. */
function after(prefix: string, path: string): string[] | null {
  return path.startsWith(prefix) ? path.slice(prefix.length).split('/') : null
}

// The route prefixes, from the shared route list (shared/ipc/serve-routes.ts), so neither side can drift.
const INVOKE_PREFIX = invokeRoute('')
const STAGING_PREFIX = stagingRoute('')

async function apiRoute(
  routes: Routes,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const channel = after(INVOKE_PREFIX, path)
  if (channel?.length === 1) {
    if (request.method !== 'POST') return methodNotAllowed(response, 'POST')
    return routes.invoke.handle(channel[0]!, request, response)
  }
  if (path === EVENTS_ROUTE) {
    if (request.method !== 'GET') return methodNotAllowed(response, 'GET')
    return routes.events.accept(request, response)
  }
  if (path === STAGING_ROUTE) {
    if (request.method !== 'POST') return methodNotAllowed(response, 'POST')
    return routes.staging.create(response)
  }
  const [stagingId, ...file] = after(STAGING_PREFIX, path) ?? []
  if (stagingId !== undefined && file.length === 0) {
    if (request.method !== 'DELETE') return methodNotAllowed(response, 'DELETE')
    return routes.staging.remove(stagingId, response)
  }
  if (stagingId !== undefined) {
    if (request.method !== 'PUT') return methodNotAllowed(response, 'PUT')
    return routes.staging.put(stagingId, file, request, response)
  }
  sendText(response, 404, 'Pail has no such request.')
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error)
    server.once('error', failed)
    // 127.0.0.1 only: never 0.0.0.0 or ::, which other computers could reach.
    server.listen(port, LOOPBACK, () => {
      server.off('error', failed)
      resolve((server.address() as { port: number }).port)
    })
  })
}

/** Starts the server on 127.0.0.1; answers once it listens. */
export async function startServeServer(options: ServeServerOptions): Promise<RunningServe> {
  const logger = options.logger ?? silentLogger
  let routes: Routes | null = null
  const server = createServer((request, response) => {
    if (!routes) return sendText(response, 503, 'Pail is starting; try again in a moment.')
    route(routes, request, response).catch((error: unknown) => {
      logger.error('serve.request-failed', { method: request.method, error })
      if (!response.headersSent && !response.destroyed)
        sendText(response, 500, 'Something unexpected went wrong in Pail.')
      else response.destroy()
    })
  })
  // Large uploads may take a while; the default (5 minutes for a whole request) would cut them.
  server.requestTimeout = 60 * 60 * 1000
  const port = await listen(server, options.port ?? 0)
  const address = serveAddress(port)
  const gate = new SessionGate(port)
  const invoke = new InvokeRoute(options.handlers, logger)
  const events = new EventStream(options.events, {
    logger,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  })
  routes = {
    address,
    gate,
    files: new StaticFiles(options.rendererDir),
    invoke,
    events,
    staging: new StagingRoutes(options.staging),
    logger,
  }
  logger.info('serve.listening', { origin: address.origin })
  return {
    url: `${address.origin}/?${SECRET_PARAMETER}=${gate.secret}`,
    address,
    port,
    channels: invoke.channels,
    events,
    stop: async () => {
      events.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
