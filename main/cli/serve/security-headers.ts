/**
 * The headers every answer of `pail serve` carries, whatever it is (the window, data, a refusal).
 *
 * The policy matches the meta tag in renderer/index.html (both apply; the stricter wins): scripts,
 * styles and requests only from the server itself, no inline script, no framing (clickjacking), no
 * <base> and no form posting elsewhere. `Cross-Origin-Resource-Policy: same-origin` keeps other
 * sites, including other servers on 127.0.0.1 (same site, other port), from embedding answers.
 */
import type { ServerResponse } from 'node:http'

/** The Content-Security-Policy header's value. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
].join('; ')

const HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

/** Sets the headers every answer carries. */
export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(HEADERS)) response.setHeader(name, value)
}

/** Marks an answer as data no cache may keep (API answers, refusals, the secret's redirect). */
export function setNoStore(response: ServerResponse): void {
  response.setHeader('Cache-Control', 'no-store')
}
