/**
 * Plain sentences for failures to reach Bitbucket, from what undici and Node throw: a proxy that
 * refuses or cannot be reached, a proxy asking for credentials (407), a certificate Pail does not
 * trust (a company network inspecting TLS), and the ordinary ones. The code stays in brackets for
 * whoever helps; it is never the whole message, and no URL credentials are ever copied.
 */
import { isProxyEndpoint } from './proxy-endpoints.js'

interface Found {
  codes: string[]
  messages: string[]
  /** Where a connection was refused or not found: host and port, as Node reports them. */
  places: { host: string; port?: number }[]
}

/** Every error in the chain (cause, AggregateError's errors), shallow enough to stop. */
function collect(error: unknown, found: Found = { codes: [], messages: [], places: [] }, depth = 0): Found {
  if (depth > 6 || error === null || typeof error !== 'object') return found
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string; errors?: unknown[] }
  if (typeof e.code === 'string') found.codes.push(e.code)
  if (typeof e.message === 'string') found.messages.push(e.message)
  if (typeof e.address === 'string') found.places.push({ host: e.address, ...(e.port ? { port: e.port } : {}) })
  if (typeof e.hostname === 'string') found.places.push({ host: e.hostname })
  if (Array.isArray(e.errors)) for (const inner of e.errors) collect(inner, found, depth + 1)
  if ('cause' in e) collect(e.cause, found, depth + 1)
  return found
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** Codes of a connection that could not be made (to Bitbucket or to a proxy). */
export const CONNECTION_FAILURES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

const PLAIN: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'its address could not be found; check the network connection',
  EAI_AGAIN: 'its address could not be looked up; check the network connection',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  EHOSTUNREACH: 'the network cannot get there; check the network connection',
  ENETUNREACH: 'there is no network; check the network connection',
  ECONNRESET: 'the connection was cut',
  EPIPE: 'the connection was cut',
  UND_ERR_SOCKET: 'the connection was cut',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_HEADERS_TIMEOUT: 'Bitbucket did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'Bitbucket stopped answering',
  CERT_HAS_EXPIRED: "the certificate it showed has expired; check this computer's date and time",
  CERT_NOT_YET_VALID: "the certificate it showed is not valid yet; check this computer's date and time",
}

/** Takes credentials out of any URL in `text` (`scheme://user:password@host` → `scheme://host`). */
export function scrubCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1')
}

/** The proxy's HTTP status when it answered instead of connecting (undici's wording), or null. */
function proxyStatus(messages: string[]): number | null {
  for (const message of messages) {
    const match = /Proxy response \((\d{3})\) !== 200|Proxy Authentication Required \((407)\)/.exec(message)
    if (match) return Number(match[1] ?? match[2])
  }
  return null
}

/**
 * One sentence (and what to do) for a failure to reach Bitbucket; `doing` names the attempt
 * ("to sign in"). Starts "Pail could not reach Bitbucket", which callers and people recognise.
 */
export function describeNetworkError(error: unknown, doing = ''): string {
  const { codes, messages, places } = collect(error)
  const lead = `Pail could not reach Bitbucket${doing ? ` ${doing}` : ''}`
  const status = proxyStatus(messages)
  if (status === 407)
    return `${lead} through your network's proxy server: the proxy asks for a user name and password (HTTP 407). Put them in the proxy address (for example HTTPS_PROXY=http://name:password@proxy.example.com:8080), or ask your IT department.`
  if (status !== null)
    return `${lead}: your network's proxy server refused to connect to it (HTTP ${status}). Ask your IT department to allow bitbucket.org and api.bitbucket.org through the proxy.`
  const untrusted = codes.find((code) => UNTRUSTED.has(code))
  if (untrusted)
    return `${lead} securely: the network presents a certificate Pail does not trust — usually your company's network inspecting secure connections (TLS inspection). Ask your admin for the company's root certificate and to add it to Pail's provisioning file as "caFile" (${untrusted}).`
  const connection = codes.find((code) => CONNECTION_FAILURES.has(code) || code === 'UND_ERR_PRX_CONN')
  const atProxy = codes.includes('UND_ERR_PRX_CONN') || places.some((place) => isProxyEndpoint(place.host, place.port))
  if (connection && atProxy)
    return `${lead}: the proxy server could not be reached (${connection === 'UND_ERR_PRX_CONN' ? 'it closed the connection' : (PLAIN[connection] ?? connection)}, ${connection}). Check the proxy address (HTTPS_PROXY, or the system's proxy settings), or ask your IT department.`
  const code = codes.find((c) => PLAIN[c]) ?? codes[0]
  if (code) return `${lead} (${PLAIN[code] ? `${PLAIN[code]}, ` : ''}${code}).`
  const message = messages.find((m) => m && m !== 'fetch failed')
  return `${lead}${message ? ` (${scrubCredentials(message)})` : ''}.`
}
