/**
 * Fault injection: tests arm faults through the control endpoint and the next matching requests
 * suffer them. Each fault fires `count` times (-1: until cleared), after letting `skip` matching
 * requests through. A fault may be narrowed to one consumer's callers, so that several scenarios
 * can share one emulator without suffering each other's faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { World } from './model.js'
import type { EmulatorSettings } from './settings.js'

export type FaultSpec =
  /** Answer with this status (and an optional body) instead of serving the request. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** Wait before serving the request normally. */
  | { kind: 'delay'; ms: number }
  /** Read `afterBytes` of the request body, then destroy the connection without answering. */
  | { kind: 'drop'; afterBytes?: number }
  /** Answer 429 as Bitbucket does: plain text, no JSON (§5). */
  | { kind: 'rate-limit' }
  /**
   * Serve the request, but cut the connection once `afterBytes` of the response body are sent:
   * the headers (with the full Content-Length) arrive, the body stops short (a download cut off).
   */
  | { kind: 'cut'; afterBytes: number }
  /** Hold the request without ever answering, until the client goes away (a process killed mid-request). */
  | { kind: 'hang' }

export type Fault = FaultSpec & {
  id: number
  count: number
  /** Only requests with this method (any when absent). */
  method?: string
  /** Only requests whose path (with query) contains this text. */
  path?: string
  /** Only this server. */
  server?: 'web' | 'api'
  /** Only requests whose path (with query) matches this regular expression. */
  pattern?: string
  /** Only requests made with this consumer's credentials: its key and secret, or a token issued to it. */
  consumer?: string
  /** How many matching requests still pass untouched before the fault fires (default 0). */
  skip?: number
}

const KINDS = ['status', 'delay', 'drop', 'rate-limit', 'cut', 'hang'] as const

/**
 * The OAuth consumer behind a request's credentials, or null: `Basic key:secret` at the token
 * endpoint, or an access token issued to a consumer (Bearer, or Basic `x-token-auth:<token>` for git).
 */
export function consumerOfRequest(world: World, req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? ''
  const space = header.indexOf(' ')
  const scheme = header.slice(0, space).toLowerCase()
  const value = header.slice(space + 1).trim()
  if (scheme === 'bearer') return world.accessToken(value)?.consumerKey ?? null
  if (scheme !== 'basic') return null
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const user = decoded.slice(0, colon)
  if (world.consumer(user)) return user
  return world.accessToken(decoded.slice(colon + 1))?.consumerKey ?? null
}

export const RATE_LIMIT_BODY = 'Rate limit for this resource has been exceeded'

export class FaultBox {
  private faults: Fault[] = []
  private nextId = 1

  /** `consumerOf` names the consumer behind a request (for faults narrowed with `consumer`). */
  constructor(private readonly consumerOf: (req: IncomingMessage) => string | null = () => null) {}

  add(input: Record<string, unknown>): Fault {
    const kind = input.kind
    if (!KINDS.includes(kind as (typeof KINDS)[number])) throw new Error(`kind must be one of ${KINDS.join(', ')}`)
    if (kind === 'status' && typeof input.status !== 'number') throw new Error('a status fault needs a numeric status')
    if (kind === 'delay' && typeof input.ms !== 'number') throw new Error('a delay fault needs ms')
    if (kind === 'cut' && (typeof input.afterBytes !== 'number' || input.afterBytes < 0))
      throw new Error('a cut fault needs afterBytes (0 or more)')
    if (input.pattern !== undefined) {
      if (typeof input.pattern !== 'string') throw new Error('pattern must be a regular expression, as a string')
      try {
        new RegExp(input.pattern)
      } catch {
        throw new Error(`pattern is not a regular expression: ${input.pattern}`)
      }
    }
    if (input.skip !== undefined && (typeof input.skip !== 'number' || input.skip < 0))
      throw new Error('skip must be a number of requests (0 or more)')
    if (input.consumer !== undefined && typeof input.consumer !== 'string') throw new Error('consumer must be a key')
    const fault = { ...input, id: this.nextId++, count: typeof input.count === 'number' ? input.count : 1 } as Fault
    this.faults.push(fault)
    return fault
  }

  /** Disarms one fault; false when it is not armed (fired its last time, or never was). */
  remove(id: number): boolean {
    const before = this.faults.length
    this.faults = this.faults.filter((f) => f.id !== id)
    return this.faults.length < before
  }

  list(): readonly Fault[] {
    return this.faults
  }

  clear(): void {
    this.faults = []
  }

  /** The first armed fault matching the request and done skipping, consumed once. */
  take(server: 'web' | 'api', req: IncomingMessage): Fault | null {
    const path = req.url ?? '/'
    if (path.startsWith('/_emulator/')) return null
    let consumer: string | null | undefined
    const matches = (f: Fault): boolean => {
      if (f.server && f.server !== server) return false
      if (f.method && f.method.toUpperCase() !== req.method) return false
      if (f.path && !path.includes(f.path)) return false
      if (f.pattern && !new RegExp(f.pattern).test(path)) return false
      if (f.consumer === undefined) return true
      if (consumer === undefined) consumer = this.consumerOf(req)
      return consumer === f.consumer
    }
    for (const fault of this.faults) {
      if (!matches(fault)) continue
      if (fault.skip) {
        fault.skip--
        continue
      }
      if (fault.count > 0 && --fault.count === 0) this.faults = this.faults.filter((f) => f !== fault)
      return fault
    }
    return null
  }
}

/** Plain-text 429 with the settings' optional Retry-After. */
export function sendRateLimited(res: ServerResponse, settings: EmulatorSettings): void {
  const headers: Record<string, string | number> = {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(RATE_LIMIT_BODY),
  }
  if (settings.retryAfterSeconds !== null) headers['retry-after'] = settings.retryAfterSeconds
  res.writeHead(429, headers)
  res.end(RATE_LIMIT_BODY)
}

/**
 * Applies a fault. Returns true when the request has been dealt with (answered or dropped) and
 * must not be served; false when it should go on (after a delay).
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  settings: EmulatorSettings,
): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      return false
    case 'rate-limit':
      req.resume()
      sendRateLimited(res, settings)
      return true
    case 'status': {
      req.resume()
      const body = fault.body ?? JSON.stringify({ type: 'error', error: { message: 'Something went wrong' } })
      res.writeHead(fault.status, {
        'content-type': fault.contentType ?? 'application/json',
        'content-length': Buffer.byteLength(body),
      })
      res.end(body)
      return true
    }
    case 'cut':
      cutResponseBody(res, fault.afterBytes)
      return false
    case 'hang':
      req.resume()
      // Answered never; the handler ends when the client (or the emulator's stop) closes the socket.
      await new Promise<void>((resolve) => {
        if (req.socket.destroyed) return resolve()
        req.socket.once('close', () => resolve())
      })
      return true
    case 'drop': {
      const limit = fault.afterBytes ?? 0
      let seen = 0
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          req.socket.destroy()
          resolve()
        }
        if (limit === 0) return stop()
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length
          if (seen >= limit) stop()
        })
        req.on('end', stop)
        req.on('error', () => resolve())
      })
      return true
    }
  }
}

type WriteArgs = [chunk?: unknown, encoding?: unknown, callback?: unknown]

function bytesOf(chunk: unknown, encoding: unknown): Buffer {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return Buffer.alloc(0)
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
  return Buffer.from(chunk as Uint8Array)
}

/**
 * Lets `limit` bytes of the response body out, then destroys the connection (after those bytes
 * and the headers have been handed to the socket). `write`/`end` are wrapped rather than the
 * handler changed, so every route can suffer the fault; a body shorter than `limit` goes out whole.
 */
function cutResponseBody(res: ServerResponse, limit: number): void {
  const write = res.write.bind(res) as (chunk: Buffer, callback?: () => void) => boolean
  const end = res.end.bind(res) as (...args: WriteArgs) => ServerResponse
  let sent = 0
  let cut = false
  const pass = (args: WriteArgs): Buffer | null => {
    if (cut) return null
    const bytes = bytesOf(args[0], args[1])
    if (sent + bytes.length <= limit && !(limit === 0 && sent === 0)) {
      sent += bytes.length
      return bytes
    }
    cut = true
    write(bytes.subarray(0, limit - sent), () => res.socket?.destroy())
    return null
  }
  // The overloads of write/end cannot be restated one by one; both are replaced by functions
  // taking their loosest form, which is what Node's own stream code calls them with.
  res.write = ((...args: WriteArgs) => {
    const bytes = pass(args)
    return bytes === null ? false : write(bytes)
  }) as ServerResponse['write']
  res.end = ((...args: WriteArgs) => {
    const bytes = pass(args)
    return bytes === null ? res : end(bytes)
  }) as ServerResponse['end']
}
