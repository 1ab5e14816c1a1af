/**
 * Hands out a valid access token for one account (DESIGN.md §3).
 *
 * - Refreshes ahead of expiry, trusting `expires_in` (bitbucket-api.md §1.5).
 * - After a 401, refreshes once, unless another caller already did; the caller retries once.
 * - One refresh at a time, whatever the number of callers and of Pail processes on this home
 *   (the app, a running `pail sync`, each `git-credential` call): Bitbucket rotates refresh
 *   tokens, and two parallel refreshes would race (§8.3.2). The renewal runs under the home's
 *   `token-<account>` lock and first re-reads the stores: if another process renewed meanwhile,
 *   its token is taken instead of renewing again.
 * - Stores the rotated refresh token before the new access token is handed out (§8.3.3).
 * - A refresh that Bitbucket refuses signs the account out with the reason, once; it never loops.
 *   Signing out removes every secret of the account: dead tokens are not kept.
 */
import { silentLogger, type Logger } from '../log/logger.js'
import type { Clock } from '../ports.js'
import type { SecretStore } from '../secrets/secret-store.js'
import { allSecretKeys, secretKeys, type AccountRecord } from './account.js'
import type { HomeLocks } from '../store/home-locks.js'
import type { AccountStore } from './account-store.js'
import { TokenEndpointError, type TokenGrant } from './oauth-client.js'

/** The account cannot call Bitbucket until someone signs in again. */
export class SignedOutError extends Error {
  readonly code = 'auth.signed-out'
}

/** Gets a new access token: a refresh-token grant (oauth) or a new client-credentials grant. */
export type Renewal = (refreshToken: string | null) => Promise<TokenGrant>

export interface TokenSourceDeps {
  accounts: AccountStore
  secrets: SecretStore
  clock: Clock
  /** null for tokens that cannot be renewed (pasted access tokens and API tokens). */
  renewal: Renewal | null
  /** The home's locks; without them (tests), renewals are single-flight in this process only. */
  locks?: HomeLocks
  logger?: Logger
}

/** Refresh when less than this share of the token's life is left (at most 5 minutes ahead). */
const REFRESH_AHEAD_SHARE = 0.2
const REFRESH_AHEAD_MAX_MS = 5 * 60_000

export class TokenSource {
  private cached: string | null = null
  private inflight: Promise<string> | null = null
  /** How many renewals this source made (tests and `whoami` read it). */
  refreshCount = 0

  constructor(
    private account: AccountRecord,
    private readonly deps: TokenSourceDeps,
  ) {}

  get current(): AccountRecord {
    return this.account
  }

  /**
   * A token that is valid now, renewing it first when it is about to expire. `minValidityMs`
   * asks for a token that stays valid that long (up to half its life): git holds one credential
   * for a whole clone or push.
   */
  async token(options: { minValidityMs?: number } = {}): Promise<string> {
    this.assertSignedIn()
    if (this.inflight) return this.inflight
    const token = await this.stored()
    const minValidityMs = options.minValidityMs ?? 0
    if (token && !this.isDue(minValidityMs)) return token
    if (!this.deps.renewal) {
      if (token && !this.isExpired()) return token
      throw await this.signOut(
        token
          ? 'The saved access token has expired. Paste a new one to sign in again.'
          : 'Pail has no saved token for this account. Sign in again.',
      )
    }
    return this.renew((fresh) => !this.isDue(minValidityMs) && fresh !== null)
  }

  /**
   * Called after Bitbucket answered 401 to `rejected`: the token to retry with once. Throws
   * SignedOutError when there is none (the account is then signed out, with the reason).
   */
  async afterUnauthorized(rejected: string): Promise<string> {
    this.assertSignedIn()
    if (this.inflight) return this.inflight
    const token = await this.stored()
    if (token && token !== rejected) return token
    if (!this.deps.renewal)
      throw await this.signOut(
        'Bitbucket no longer accepts this token: it was revoked or has expired. Sign in again with a new one.',
      )
    return this.renew((fresh) => fresh !== null && fresh !== rejected && !this.isExpired())
  }

  /** Forgets the cached token so the next call renews (git's credential `erase`). */
  async invalidate(rejected: string): Promise<void> {
    if ((await this.stored()) === rejected && this.deps.renewal) {
      this.account = { ...this.account, accessTokenExpiresAt: 0 }
      await this.deps.accounts.patch(this.account.id, { accessTokenExpiresAt: 0 })
    }
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  private assertSignedIn(): void {
    if (this.account.status === 'signed-out')
      throw new SignedOutError(this.account.signedOutReason ?? 'You are signed out. Sign in again.')
  }

  private async stored(): Promise<string | null> {
    if (this.cached === null) this.cached = await this.deps.secrets.get(secretKeys.accessToken(this.account.id))
    return this.cached
  }

  private isExpired(): boolean {
    const expiresAt = this.account.accessTokenExpiresAt
    return expiresAt !== null && expiresAt <= this.deps.clock.now()
  }

  private isDue(minValidityMs = 0): boolean {
    const expiresAt = this.account.accessTokenExpiresAt
    if (expiresAt === null) return false
    const lifetime = this.account.accessTokenLifetimeMs ?? REFRESH_AHEAD_MAX_MS
    const ahead = Math.max(
      Math.min(REFRESH_AHEAD_MAX_MS, lifetime * REFRESH_AHEAD_SHARE),
      Math.min(minValidityMs, lifetime / 2),
    )
    return expiresAt - this.deps.clock.now() <= ahead
  }

  /**
   * One renewal for every caller in this process, under the home's lock for every process. `usable`
   * says whether the token found in the stores after taking the lock (another process's renewal)
   * will do instead.
   */
  private renew(usable: (fresh: string | null) => boolean): Promise<string> {
    if (!this.inflight) {
      const id = this.account.id
      const section = async (): Promise<string> => {
        await this.reload()
        if (this.cached !== null && usable(this.cached)) return this.cached
        return this.renewOnce()
      }
      const run = this.deps.locks ? this.deps.locks.withLock(`token-${id}`, section) : section()
      this.inflight = run.finally(() => {
        this.inflight = null
      })
    }
    return this.inflight
  }

  /** Re-reads the account and its access token: another process may have renewed or signed out. */
  private async reload(): Promise<void> {
    const account = await this.deps.accounts.get(this.account.id)
    if (!account) {
      this.account = {
        ...this.account,
        status: 'signed-out',
        signedOutReason: 'You signed out of Pail. Sign in again.',
      }
      throw new SignedOutError(this.account.signedOutReason!)
    }
    this.account = account
    this.assertSignedIn()
    this.cached = await this.deps.secrets.get(secretKeys.accessToken(account.id))
  }

  private async renewOnce(): Promise<string> {
    const { secrets, accounts } = this.deps
    const id = this.account.id
    let refreshToken: string | null = null
    if (this.account.kind === 'oauth') {
      refreshToken = await secrets.get(secretKeys.refreshToken(id))
      if (!refreshToken) throw await this.signOut('Pail has lost its saved sign-in. Sign in again.')
    }
    let grant: TokenGrant
    try {
      grant = await this.deps.renewal!(refreshToken)
    } catch (error) {
      this.log.warn('token.renew-failed', {
        account: id,
        kind: error instanceof TokenEndpointError ? error.kind : 'unexpected',
        error: error instanceof TokenEndpointError ? error.code : String(error),
      })
      if (error instanceof TokenEndpointError && error.kind === 'rejected') {
        throw await this.signOut(
          // Plain words for people; Bitbucket's code (invalid_grant…) is in the log line above.
          "Bitbucket no longer accepts Pail's saved sign-in (it was withdrawn, or it ran out). Sign in again.",
        )
      }
      throw error
    }
    this.refreshCount++
    this.log.info('token.renewed', { account: id, accountKind: this.account.kind, expiresInMs: grant.lifetimeMs })
    // The rotated refresh token first: once Bitbucket has issued it, the old one dies soon.
    if (grant.refreshToken) await secrets.set(secretKeys.refreshToken(id), grant.refreshToken)
    await secrets.set(secretKeys.accessToken(id), grant.accessToken)
    this.cached = grant.accessToken
    const change = {
      accessTokenExpiresAt: grant.expiresAt,
      accessTokenLifetimeMs: grant.lifetimeMs,
      scopes: grant.scopes.length > 0 ? grant.scopes : this.account.scopes,
    }
    this.account = { ...this.account, ...change }
    await accounts.patch(id, change)
    return grant.accessToken
  }

  /** Marks the account signed out with `reason` and returns the error to throw. */
  private async signOut(reason: string): Promise<SignedOutError> {
    if (this.account.status !== 'signed-out') {
      this.account = { ...this.account, status: 'signed-out', signedOutReason: reason }
      await this.deps.accounts.patch(this.account.id, { status: 'signed-out', signedOutReason: reason })
      await this.deps.secrets.delete(...allSecretKeys(this.account.id))
      this.cached = null
      this.log.warn('account.signed-out', { account: this.account.id, reason })
    }
    return new SignedOutError(this.account.signedOutReason ?? reason)
  }
}
