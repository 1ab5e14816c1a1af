/**
 * A small path-template router. Templates use `{name}` for one segment and `{name+}` for the
 * rest of the path (possibly empty). Segments are percent-decoded one by one, so a `%2F` inside a
 * segment stays distinguishable from a real `/` (bitbucket-api.md §8.2): `rawParams` keeps the
 * undecoded text for handlers that must tell them apart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Credential } from './auth.js'
import type { Emulator } from './context.js'

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: Record<string, string>
  rawParams: Record<string, string>
  emulator: Emulator
  /** Set by the API pipeline once the caller is authenticated. */
  credential: Credential | null
}

export type Handler = (ctx: RequestContext) => Promise<void> | void

export interface Route {
  method: string
  template: string
  handler: Handler
}

interface Match {
  route: Route
  params: Record<string, string>
  rawParams: Record<string, string>
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** Matches `pathname` against `template`; null when it does not fit. */
export function matchTemplate(
  template: string,
  pathname: string,
): { params: Record<string, string>; rawParams: Record<string, string> } | null {
  const want = template.split('/')
  const have = pathname.split('/')
  const params: Record<string, string> = {}
  const rawParams: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!
    const rest = /^\{(\w+)\+\}$/.exec(part)
    if (rest) {
      // `{x+}` needs at least a (possibly empty) segment: `/src/abc/` matches, `/src/abc` does not.
      if (i >= have.length) return null
      const raw = have.slice(i).join('/')
      const decoded = have.slice(i).map(safeDecode)
      if (decoded.some((d) => d === null)) return null
      params[rest[1]!] = decoded.join('/')
      rawParams[rest[1]!] = raw
      return { params, rawParams }
    }
    const segment = have[i]
    if (segment === undefined) return null
    const single = /^\{(\w+)\}$/.exec(part)
    if (single) {
      const decoded = safeDecode(segment)
      if (decoded === null || segment === '') return null
      params[single[1]!] = decoded
      rawParams[single[1]!] = segment
    } else if (part !== segment) {
      return null
    }
  }
  return have.length === want.length ? { params, rawParams } : null
}

export class Router {
  private readonly routes: Route[] = []

  add(...routes: Route[]): void {
    this.routes.push(...routes)
  }

  /** The first route whose template fits; `methodMismatch` tells a 405 from a 404. */
  find(method: string, pathname: string): Match | { methodMismatch: boolean } {
    let methodMismatch = false
    for (const route of this.routes) {
      const hit = matchTemplate(route.template, pathname)
      if (!hit) continue
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        methodMismatch = true
        continue
      }
      return { route, ...hit }
    }
    return { methodMismatch }
  }
}
