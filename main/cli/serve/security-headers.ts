/**
 * The headers every answer of `pail serve` carries, whatever it is (the window, data, a refusal).
 *
 * The policy is the window's (main/core/shell/window-policy.ts; the meta tag in renderer/index.html
 * carries it too): scripts, styles and requests only from the server itself, no inline script, no
 * <base>, no form posting; and, as a header only can, no framing (clickjacking). `Cross-Origin-Resource-Policy: same-origin` keeps other
 * sites, including other servers on 127.0.0.1 (same site, other port), from embedding answers.
 */
import type { ServerResponse } from 'node:http'
import { WINDOW_CSP } from '../../core/shell/window-policy.js'

/**
 * The Content-Security-Policy header's value: the window's own policy (one source, also the meta
 * tag in renderer/index.html) plus what only a header can say: no framing by any page.
 */
export const CONTENT_SECURITY_POLICY = `${WINDOW_CSP}; frame-ancestors 'none'`

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
