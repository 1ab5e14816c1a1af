/**
 * Chromium's answer to "which proxy for this URL" (Electron's `session.resolveProxy(url)`, the
 * system settings with PAC scripts applied), e.g. `"PROXY proxy.corp:8080; DIRECT"`: entries in
 * the PAC result format, tried in order.
 */

/** One way to reach a URL: directly, or through a proxy undici can speak to. */
export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; url: string }

/** The scheme of each PAC keyword undici's ProxyAgent can use, and its default port (Chromium's). */
const SUPPORTED: Record<string, { scheme: string; port: number }> = {
  PROXY: { scheme: 'http', port: 80 },
  HTTP: { scheme: 'http', port: 80 },
  HTTPS: { scheme: 'https', port: 443 },
  SOCKS5: { scheme: 'socks5', port: 1080 },
}

/**
 * Every entry of a PAC result Pail can use, in order. Entries it cannot (SOCKS4 — `SOCKS` in PAC
 * — QUIC, anything unknown or malformed) are left out, so the next one is used instead.
 */
export function parseProxyList(result: string): ProxyRoute[] {
  const routes: ProxyRoute[] = []
  for (const entry of result.split(';')) {
    const [keyword = '', address, ...rest] = entry.trim().split(/\s+/)
    const upper = keyword.toUpperCase()
    if (upper === 'DIRECT' && address === undefined) {
      routes.push({ kind: 'direct' })
      continue
    }
    const scheme = SUPPORTED[upper]
    if (!scheme || address === undefined || rest.length > 0) continue
    let url: URL
    try {
      url = new URL(`${scheme.scheme}://${address}`)
    } catch {
      continue
    }
    if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
      continue
    routes.push({ kind: 'proxy', url: `${scheme.scheme}://${url.hostname}:${url.port || scheme.port}` })
  }
  return routes
}
