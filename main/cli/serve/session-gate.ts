/**
 * The session of `pail serve`: a one-time secret, printed in the address, becomes a cookie.
 *
 * The first request carrying the secret (`/?s=SECRET`) gets a fresh session token as an HttpOnly,
 * SameSite=Strict cookie and is redirected to the same address without the secret; after that the
 * secret is spent and opens nothing. Only a request with the cookie reaches the window or its data.
 * The cookie is a new random value, not the secret, so the printed address (in the terminal, the
 * browser's history) is worthless once used. Cookies are not separated by port, so the cookie's name
 * carries the port: two `pail serve` on one computer do not overwrite each other's session.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Random text: 32 bytes, base64url (43 characters, safe in a URL and a cookie). */
function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Whether `a` and `b` are the same text, in a time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

/** The cookie value of `name` in a Cookie header, if any. */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return null
}

/** The one-time secret and the sessions it opened. */
export class SessionGate {
  /** The secret for the printed address. Never logged. */
  readonly secret = randomToken()
  /** The session cookie's name. */
  readonly cookieName: string
  private secretSpent = false
  /** Digests of the session tokens handed out (the tokens themselves are not kept). */
  private readonly sessions: Buffer[] = []

  constructor(port: number) {
    this.cookieName = `pail-session-${port}`
  }

  /**
   * Spends the secret: when `candidate` is it and it was not used yet, a new session opens and
   * the Set-Cookie header value carrying it is returned; otherwise null.
   */
  exchange(candidate: string): string | null {
    if (this.secretSpent || !sameText(candidate, this.secret)) return null
    this.secretSpent = true
    const token = randomToken()
    this.sessions.push(digest(token))
    return `${this.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`
  }

  /** Whether the Cookie header carries an open session. */
  hasSession(cookieHeader: string | undefined): boolean {
    const token = cookieValue(cookieHeader, this.cookieName)
    if (token === null) return false
    const candidate = digest(token)
    return this.sessions.some((session) => timingSafeEqual(session, candidate))
  }
}
