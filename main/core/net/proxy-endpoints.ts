/**
 * The proxy servers this process sends through, as host and port, so that a failed connection
 * can be told apart: refused by the proxy (ask IT) or by Bitbucket.
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

const endpoints = new Set<string>()

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'socks5:': '1080' }

function endpointOf(host: string, port: string | number): string {
  return `${host.replace(/^\[(.*)\]$/, '$1').toLowerCase()}:${port}`
}

/** Notes the proxy at `url` (credentials are not kept). */
export function rememberProxy(url: string): void {
  try {
    const parsed = new URL(url)
    const port = parsed.port || DEFAULT_PORTS[parsed.protocol] || ''
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
    endpoints.add(endpointOf(host, port))
    // A name not found is told by name, without a port.
    endpoints.add(endpointOf(host, '*'))
    // A refused connection names the address it tried, not the proxy's name: learn those too.
    if (!isIP(host))
      void lookup(host, { all: true }).then(
        (found) => found.forEach(({ address }) => endpoints.add(endpointOf(address, port))),
        () => undefined,
      )
  } catch {
    // an unreadable address is not a proxy anything connects to
  }
}

/** Whether `host` (with `port`, or any port when absent) is a proxy Pail uses. */
export function isProxyEndpoint(host: string, port?: string | number): boolean {
  return endpoints.has(endpointOf(host, port ?? '*'))
}
