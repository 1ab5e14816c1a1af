/**
 * The redirect_uri rule of bitbucket-api.md §1.8: a requested redirect_uri must be "appended to"
 * the consumer's one callback URL, i.e. a plain string prefix. Loopback ports get no special
 * treatment (ephemeral ports were refused, hickford/git-credential-oauth #1); the other reading,
 * RFC 8252 §7.3's "any port", is UNCONFIRMED and sits behind `redirectUriMatch`.
 */
import type { EmulatorSettings } from '../settings.js'

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]'])

function parse(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}

/** Whether `requested` may be used as the redirect target of a consumer whose callback is `callback`. */
export function redirectUriAllowed(
  callback: string,
  requested: string,
  mode: EmulatorSettings['redirectUriMatch'],
): boolean {
  const target = parse(requested)
  // Even a string-prefix match must still be a URL a browser can be sent to.
  if (!target || !/^https?:$/.test(target.protocol)) return false
  if (requested.startsWith(callback)) return true
  if (mode !== 'loopback-any-port') return false
  const registered = parse(callback)
  if (!registered || registered.port !== '' || !loopbackHosts.has(registered.hostname)) return false
  if (target.hostname !== registered.hostname || target.protocol !== registered.protocol) return false
  target.port = ''
  return target.toString().startsWith(callback)
}

/** The redirect target with `params` added to its query (existing query parameters are kept). */
export function withParams(target: string, params: Record<string, string | null>): string {
  const url = new URL(target)
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value)
  return url.toString()
}
