/**
 * Who may talk to `pail serve`, judged from a request's headers before anything else happens.
 *
 * - `Host` must be exactly the address the server listens on: a page on a name the attacker
 *   controls, rebound to 127.0.0.1 (DNS rebinding), sends its own name and is refused.
 * - `Origin` must be the server's own on every request that changes something: another page, even
 *   one on 127.0.0.1 at another port (same site for cookies, so SameSite does not stop it), sends
 *   its own origin. Browsers send `Origin` on every cross-origin request and on every POST and PUT.
 * - The event stream is a GET, which a browser sends without `Origin` when it is same-origin; then
 *   `Sec-Fetch-Site: same-origin` (sent by browsers to 127.0.0.1, a trustworthy origin) must say so.
 *   A cross-origin EventSource carries its own `Origin`, an <img> or <script> tag `Sec-Fetch-Site:
 *   same-site` or `cross-site`: both are refused.
 */
import type { IncomingHttpHeaders } from 'node:http'

/** The server's own address: `Host` as browsers send it and the origin of its pages. */
export interface ServeAddress {
  /** `127.0.0.1:PORT` */
  host: string
  /** `http://127.0.0.1:PORT` */
  origin: string
}

/** The loopback address `pail serve` listens on (IPv4 only: never 0.0.0.0, never ::). */
export const LOOPBACK = '127.0.0.1'

/** The address of a server listening on `port` of the loopback interface. */
export function serveAddress(port: number): ServeAddress {
  return { host: `${LOOPBACK}:${port}`, origin: `http://${LOOPBACK}:${port}` }
}

/** Whether the request names this server in `Host`, exactly. */
export function isOwnHost(headers: IncomingHttpHeaders, own: ServeAddress): boolean {
  return headers.host === own.host
}

/** Whether the request comes from the server's own pages (`Origin` present and exactly its own). */
export function isOwnOrigin(headers: IncomingHttpHeaders, own: ServeAddress): boolean {
  return headers.origin === own.origin
}

/** Whether a GET that must be the window's own (the event stream) comes from the server's pages. */
export function isOwnPageRequest(headers: IncomingHttpHeaders, own: ServeAddress): boolean {
  if (headers.origin !== undefined) return headers.origin === own.origin
  return headers['sec-fetch-site'] === 'same-origin'
}

/** Whether `method` changes something (and so must carry the server's own `Origin`). */
export function isStateChanging(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
}
