/**
 * Which addresses Pail opens in the person's browser (Electron's security checklist #15: never
 * `shell.openExternal` with an address that was not checked): only pages of the Bitbucket Pail
 * talks to — its web pages, the commit and folder links the window shows, and the OAuth authorize
 * page, which is on the same site (`…/site/oauth2/authorize`). Parsed with a real URL parser and
 * compared by origin, so `https://bitbucket.org.attacker.example` or `https://x@bitbucket.org`
 * is not Bitbucket.
 */

/** Loopback hosts: the one place plain http is acceptable (the emulator in demos and tests). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * The origins links may open on, from Bitbucket's web address (`https://bitbucket.org`, or the
 * emulator's loopback address); an address that is neither https nor loopback http gives none.
 */
export function allowedLinkOrigins(webUrl: string): string[] {
  const web = parse(webUrl)
  if (!web) return []
  const isSecure = web.protocol === 'https:'
  const isLoopback = web.protocol === 'http:' && LOOPBACK_HOSTS.has(web.hostname)
  return isSecure || isLoopback ? [web.origin] : []
}

/**
 * The address to hand to `openExternal` for `url`, or null when Pail does not open it: it must
 * parse, carry no user name or password, and be on one of `origins` (from `allowedLinkOrigins`).
 * The answer is the parser's own serialisation, never the string as given.
 */
export function externalLink(url: string, origins: readonly string[]): string | null {
  const parsed = parse(url)
  if (!parsed) return null
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  if (parsed.username !== '' || parsed.password !== '') return null
  return origins.includes(parsed.origin) ? parsed.href : null
}
