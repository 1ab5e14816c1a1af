/**
 * The proxy settings of the environment, as curl and most tools read them: `https_proxy`,
 * `http_proxy`, `no_proxy`, lower case first, then upper case; an address without a scheme is
 * an http proxy (`proxy.corp:8080`); credentials may sit in the address and never leave it.
 */

export interface EnvironmentProxies {
  httpProxy: string
  httpsProxy: string
  noProxy: string
  /** Settings Pail could not use, one sentence each (no credentials); Pail goes without them. */
  problems: string[]
}

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks:'])

/** A proxy URL with any user name and password taken out, for logs and messages. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.href.replace(/\/$/, '')
  } catch {
    return '(an address Pail could not read)'
  }
}

/** `value` as a proxy URL undici can use (a bare host:port is http), or null. */
export function proxyUrl(value: string): string | null {
  const written = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  try {
    const url = new URL(written)
    return PROXY_SCHEMES.has(url.protocol) && url.hostname ? written : null
  } catch {
    return null
  }
}

/** The proxy settings of `env`; HTTPS goes through HTTP_PROXY when only that is set. */
export function environmentProxies(env: NodeJS.ProcessEnv): EnvironmentProxies {
  const problems: string[] = []
  const pick = (name: string): string => {
    const [lower, upper] = [name.toLowerCase(), name.toUpperCase()]
    const used = env[lower] !== undefined ? lower : upper
    const value = (env[used] ?? '').trim()
    if (!value || name === 'no_proxy') return value
    const url = proxyUrl(value)
    if (!url)
      problems.push(
        `${used} is not a proxy address Pail can use (write it as http://host:port, with name:password@ before the host if the proxy asks for them); Pail connects without it.`,
      )
    return url ?? ''
  }
  const httpProxy = pick('http_proxy')
  const httpsProxy = pick('https_proxy') || httpProxy
  return { httpProxy, httpsProxy, noProxy: pick('no_proxy'), problems }
}
