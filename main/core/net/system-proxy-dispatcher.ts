/**
 * The desktop's dispatcher: for each origin it asks the system which proxy to use (Electron's
 * `session.resolveProxy`, which applies the system settings and PAC scripts), remembers the answer
 * briefly, and sends the request through that proxy (undici's ProxyAgent) or directly.
 *
 * A PAC answer lists fallbacks ("PROXY office-proxy:8080; DIRECT": a laptop away from the office).
 * A proxy that cannot be reached is set aside for the cache period (Chromium keeps bad proxies
 * aside likewise), and the next entry is used from the next request on. The failed request itself
 * is not sent again: its body may be a stream already read, and the sync service tries again.
 */
import { Agent, Dispatcher, ProxyAgent } from 'undici'
import { settle } from './lazy-dispatcher.js'
import { parseProxyList, type ProxyRoute } from './proxy-list.js'
import { CONNECTION_FAILURES } from './network-errors.js'

/** How long a proxy answer is reused for an origin: PAC scripts may change it, but not per request. */
export const PROXY_CACHE_MS = 60_000

export interface SystemProxyOptions {
  /** The system's answer for a URL, in PAC result form ("PROXY host:port; DIRECT"). */
  resolveProxy(url: string): Promise<string>
  /** Connection options for direct connections and for TLS through a proxy (trusted CAs). */
  tls: { ca: string[] }
  /** Told the route an origin takes whenever it changes (proxy addresses carry no credentials here). */
  onRoute?: (origin: string, route: ProxyRoute) => void
  cacheMs?: number
  now?: () => number
}

export class SystemProxyDispatcher extends Dispatcher {
  private readonly direct: Agent
  private readonly proxies = new Map<string, ProxyAgent>()
  private readonly routes = new Map<string, { at: number; routes: Promise<ProxyRoute[]> }>()
  /** The route last told to `onRoute`, per origin: it hears of changes only. */
  private readonly lastRoute = new Map<string, string>()
  /** Proxies that could not be reached, until when they are set aside. */
  private readonly unreachable = new Map<string, number>()
  private closed = false

  constructor(private readonly options: SystemProxyOptions) {
    super()
    this.direct = new Agent({ connect: { ...options.tls } })
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.closed) {
      handler.onResponseError?.(null as never, new Error('Pail is shutting down its network connections.'))
      return false
    }
    const origin = new URL(String(options.origin)).origin
    void this.routeFor(origin)
      .then((route) =>
        this.dispatcherFor(route).dispatch(
          options,
          route.kind === 'proxy' ? this.watching(route.url, handler) : handler,
        ),
      )
      .catch((error: unknown) => handler.onResponseError?.(null as never, error as Error))
    // Resolving is asynchronous: the request is accepted now and sent once the route is known.
    return true
  }

  override close(): Promise<void>
  override close(callback: () => void): void
  override close(callback?: () => void): Promise<void> | void {
    this.closed = true
    return settle(Promise.all([this.direct.close(), ...[...this.proxies.values()].map((p) => p.close())]), callback)
  }

  override destroy(err?: Error | null): Promise<void>
  override destroy(callback: () => void): void
  override destroy(err: Error | null, callback: () => void): void
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.closed = true
    const err = typeof a === 'function' ? null : (a ?? null)
    const all = Promise.all([this.direct.destroy(err), ...[...this.proxies.values()].map((p) => p.destroy(err))])
    return settle(all, typeof a === 'function' ? a : b)
  }

  /** The route for `origin`: the system's answer (asked once per cache period), less proxies set aside. */
  private async routeFor(origin: string): Promise<ProxyRoute> {
    const now = this.now()
    let cached = this.routes.get(origin)
    if (!cached || now - cached.at >= this.cacheMs()) {
      const routes = this.options.resolveProxy(`${origin}/`).then(parseProxyList, (): ProxyRoute[] => [])
      cached = { at: now, routes }
      this.routes.set(origin, cached)
    }
    const routes = await cached.routes
    const usable = routes.filter((r) => r.kind === 'direct' || (this.unreachable.get(r.url) ?? 0) <= now)
    // Nothing usable: an empty answer goes directly; all proxies set aside, the first is tried again.
    const chosen = usable[0] ?? routes[0] ?? { kind: 'direct' }
    const key = chosen.kind === 'proxy' ? chosen.url : 'direct'
    if (this.lastRoute.get(origin) !== key) this.options.onRoute?.(origin, chosen)
    this.lastRoute.set(origin, key)
    return chosen
  }

  /** `handler`, with a failure to reach the proxy at `url` noted on the way to it. */
  private watching(url: string, handler: Dispatcher.DispatchHandler): Dispatcher.DispatchHandler {
    return {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, status, headers, socket) =>
        handler.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) =>
        handler.onResponseStart?.(controller, status, headers, message),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => {
        if (isUnreachable(error)) this.unreachable.set(url, this.now() + this.cacheMs())
        handler.onResponseError?.(controller, error)
      },
      onResponseStarted: () => handler.onResponseStarted?.(),
      onBodySent: (chunk) => handler.onBodySent?.(chunk),
      onRequestSent: () => handler.onRequestSent?.(),
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private cacheMs(): number {
    return this.options.cacheMs ?? PROXY_CACHE_MS
  }

  private dispatcherFor(route: ProxyRoute): Dispatcher {
    if (route.kind === 'direct') return this.direct
    let agent = this.proxies.get(route.url)
    if (!agent) {
      agent = new ProxyAgent({ uri: route.url, requestTls: { ...this.options.tls }, proxyTls: { ...this.options.tls } })
      this.proxies.set(route.url, agent)
    }
    return agent
  }
}

/**
 * Whether a request through a proxy failed for want of the proxy itself: through a proxy, Pail
 * connects to nothing else (a Bitbucket out of reach is the proxy's 502 answer, not an error here).
 */
function isUnreachable(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? ''
  const cause = ((error as { cause?: NodeJS.ErrnoException }).cause?.code as string | undefined) ?? ''
  return [code, cause].some((c) => UNREACHABLE.has(c))
}

const UNREACHABLE = new Set([...CONNECTION_FAILURES, 'UND_ERR_PRX_CONN'])
