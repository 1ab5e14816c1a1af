/**
 * The window's sign-in: "Sign in with Bitbucket" answers at once with the page to open
 * (`waiting-for-browser`), while the loopback listener waits for Bitbucket's answer; the outcome
 * (signed in, refused, cancelled, timed out) is told when it comes. One sign-in at a time.
 */
import type { AuthState } from '../../../shared/ipc/views.js'
import type { AuthService } from '../auth/auth-service.js'
import { SignInError } from '../auth/loopback-listener.js'
import type { Clock } from '../ports.js'

interface Pending {
  abort: AbortController
  authorizationUrl: string | null
  startedAt: number
}

/** What the flow tells the core. */
export interface AuthFlowEvents {
  /** The sign-in ended: signed in (reason null) or not, with why in plain words (null when cancelled). */
  ended(outcome: { signedIn: true } | { signedIn: false; reason: string | null }): void
}

export class AuthFlow {
  private pending: Pending | null = null

  constructor(
    private readonly clock: Clock,
    private readonly events: AuthFlowEvents,
    private readonly describe: (error: unknown) => string,
    private readonly timeoutMs?: number,
  ) {}

  /** The waiting state while a sign-in runs, else null. */
  get waiting(): Extract<AuthState, { status: 'waiting-for-browser' }> | null {
    const pending = this.pending
    if (!pending || pending.authorizationUrl === null) return null
    return { status: 'waiting-for-browser', authorizationUrl: pending.authorizationUrl, startedAt: pending.startedAt }
  }

  /**
   * Starts a sign-in with `auth` and resolves as soon as the authorization URL is known (or
   * rejects when it cannot start: no consumer, the callback port busy). A sign-in already waiting
   * is answered as it is.
   */
  async start(auth: AuthService): Promise<Extract<AuthState, { status: 'waiting-for-browser' }>> {
    const already = this.waiting
    if (already) return already
    const pending: Pending = { abort: new AbortController(), authorizationUrl: null, startedAt: this.clock.now() }
    this.pending = pending
    let announce: (url: string) => void = () => undefined
    const known = new Promise<string>((resolve) => (announce = resolve))
    const flow = auth.signInWithBrowser({
      signal: pending.abort.signal,
      ...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}),
      onAuthorizationUrl: (url) => {
        pending.authorizationUrl = url
        announce(url)
      },
    })
    let started = false
    const outcome = flow.then(
      () => {
        if (this.pending === pending) this.pending = null
        if (started) this.events.ended({ signedIn: true })
      },
      (error: unknown) => {
        if (this.pending === pending) this.pending = null
        if (!started) throw error
        const cancelled = error instanceof SignInError && error.code === 'cancelled'
        this.events.ended({ signedIn: false, reason: cancelled ? null : this.describe(error) })
      },
    )
    // Whichever comes first: the page to open, or the flow's end (a failure to start, usually).
    const first = await Promise.race([known.then(() => 'url' as const), outcome.then(() => 'done' as const)])
    started = true
    if (first === 'done' && pending.authorizationUrl === null) {
      // Signed in without a URL cannot happen; be safe and report the state as it is.
      this.events.ended({ signedIn: true })
    }
    return {
      status: 'waiting-for-browser',
      authorizationUrl: pending.authorizationUrl ?? '',
      startedAt: pending.startedAt,
    }
  }

  /** Stops the sign-in under way; its end is told as cancelled. Resolves at once. */
  cancel(): void {
    this.pending?.abort.abort()
  }
}
