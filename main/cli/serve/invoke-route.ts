/**
 * `POST /api/invoke/<channel>`: the contract's channels over HTTP. The body is the payload; the
 * answer is the channel's `Result` as JSON, from the same `dispatch` the Electron shell uses (zod
 * validation, then the handler, errors as sentences). The routes are the contract's own list, so a
 * name outside it is a plain 404 — `__proto__` and `constructor` included.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { channelNames, type Handlers } from '../../../shared/ipc/contract.js'
import type { Result } from '../../../shared/result.js'
import { dispatch } from '../../core/app/index.js'
import { silentLogger, type Logger } from '../../core/log/logger.js'
import { BodyError, readJsonBody } from './json-body.js'
import { sendError, sendJson, sendText } from './responses.js'

/** The largest body a channel takes: ignore rules and provisioning files are the largest payloads. */
const MAX_BODY_BYTES = 1024 * 1024

/** The channels this server answers, by the name in their route. */
export function invokeRoutes(): ReadonlySet<string> {
  return new Set<string>(channelNames)
}

/** Answers the contract's channels. */
export class InvokeRoute {
  private readonly routes = invokeRoutes()

  constructor(
    private readonly handlers: Handlers,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** The channels it answers. */
  get channels(): ReadonlySet<string> {
    return this.routes
  }

  /** Answers a POST to the channel named `rawName` (the route's last part, still URL-encoded). */
  async handle(rawName: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let name: string
    try {
      name = decodeURIComponent(rawName)
    } catch {
      name = ''
    }
    if (!this.routes.has(name)) return sendText(response, 404, 'Pail has no such request.')
    let payload: unknown
    try {
      payload = await readJsonBody(request, MAX_BODY_BYTES)
    } catch (error) {
      if (!(error instanceof BodyError)) throw error
      if (error.status === 413) response.setHeader('Connection', 'close')
      return sendError(response, error.status, { code: 'serve.bad-request', message: error.message })
    }
    const channel = name
    let result: Result<unknown>
    try {
      result = await dispatch(this.handlers, channel, payload, this.logger)
    } catch (error) {
      // dispatch answers every failure as a Result; reaching here is a bug, told without its details.
      this.logger.error('serve.dispatch-threw', { channel, error })
      return sendError(response, 500, {
        code: 'serve.internal',
        message: 'Something unexpected went wrong in Pail.',
        action: 'Try again; if it keeps happening, restart pail serve.',
      })
    }
    sendJson(response, 200, result)
  }
}
