/**
 * Fault injection: tests arm faults through the control endpoint and the next matching requests
 * suffer them. Each fault fires `count` times (-1: until cleared).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
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

export type Fault = FaultSpec & {
  id: number
  count: number
  /** Only requests with this method (any when absent). */
  method?: string
  /** Only requests whose path (with query) contains this text. */
  path?: string
  /** Only this server. */
  server?: 'web' | 'api'
}

export const RATE_LIMIT_BODY = 'Rate limit for this resource has been exceeded'

export class FaultBox {
  private faults: Fault[] = []
  private nextId = 1

  add(input: Record<string, unknown>): Fault {
    const kind = input.kind
    if (kind !== 'status' && kind !== 'delay' && kind !== 'drop' && kind !== 'rate-limit')
      throw new Error('kind must be status, delay, drop or rate-limit')
    if (kind === 'status' && typeof input.status !== 'number') throw new Error('a status fault needs a numeric status')
    if (kind === 'delay' && typeof input.ms !== 'number') throw new Error('a delay fault needs ms')
    const fault = { ...input, id: this.nextId++, count: typeof input.count === 'number' ? input.count : 1 } as Fault
    this.faults.push(fault)
    return fault
  }

  list(): readonly Fault[] {
    return this.faults
  }

  clear(): void {
    this.faults = []
  }

  /** The first armed fault matching the request, consumed once. */
  take(server: 'web' | 'api', req: IncomingMessage): Fault | null {
    const path = req.url ?? '/'
    if (path.startsWith('/_emulator/')) return null
    const fault = this.faults.find(
      (f) =>
        (!f.server || f.server === server) &&
        (!f.method || f.method.toUpperCase() === req.method) &&
        (!f.path || path.includes(f.path)),
    )
    if (!fault) return null
    if (fault.count > 0 && --fault.count === 0) this.faults = this.faults.filter((f) => f !== fault)
    return fault
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
