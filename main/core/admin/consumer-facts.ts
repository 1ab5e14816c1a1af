/**
 * What `pail admin check` learns about an OAuth consumer from Bitbucket, as plain data: the
 * probes (consumer-probe.ts) fill it in, the verdict (consumer-verdict.ts) reads it. Kept apart so
 * the verdict can be tested on any combination of answers without a server.
 */

/** The token endpoint's word on the key and secret. 'unknown': its answer did not say either way. */
export type CredentialsFinding = 'accepted' | 'rejected' | 'unreachable' | 'unknown'

/** Whether Bitbucket takes Pail's callback URL as a redirect_uri (bitbucket-api.md §1.8). */
export type CallbackFinding =
  | { outcome: 'accepted'; how: string }
  /** 'mismatch': "Invalid redirect_uri"; 'none-registered': the consumer has no callback URL (§1.6). */
  | { outcome: 'rejected'; reason: 'mismatch' | 'none-registered' }
  /** The answers did not tell; `why` says what Bitbucket did instead, in plain words. */
  | { outcome: 'unverified'; why: string }

/** A workspace and the repositories the client-credentials token may write to. */
export interface ReachedWorkspace {
  workspace: string
  repositories: string[]
}

/** The default repository the admin names: found and writable by the consumer's owner, or not. */
export interface RepositoryFinding {
  /** "workspace/slug" */
  ref: string
  outcome: 'writable' | 'not-writable' | 'not-found' | 'unknown'
  /** Why it is 'unknown' (or what Bitbucket answered), in plain words. */
  detail: string | null
}

/** The admin's own sign-in in the browser through the consumer (`--sign-in`), when asked for. */
export type SignInFinding =
  | { outcome: 'signed-in'; as: string | null }
  /** `why`: what went wrong, in plain words. */
  | { outcome: 'failed'; why: string }
  /** Not tried, because the key and secret are wrong. */
  | { outcome: 'skipped' }

export interface ConsumerFacts {
  webUrl: string
  consumerKey: string
  /** The exact callback URL staff's Pail sends (endpoints.ts callbackUrl). */
  callbackUrl: string
  credentials: CredentialsFinding
  /** What Bitbucket answered when it did not accept or could not be reached (no secret in it). */
  credentialsDetail: string | null
  /** Client credentials work (true), are refused for an accepted consumer (false), or it is not known (null). */
  privateConsumer: boolean | null
  callback: CallbackFinding
  /** The consumer's permissions (from the client-credentials token), or null when Pail could not see them. */
  scopes: string[] | null
  /** Display name of the account the consumer belongs to (client credentials act as it), when known. */
  owner: string | null
  /** The admin's sign-in in the browser; null when not asked for. */
  signIn: SignInFinding | null
  /** Whose token the scopes, reach and repository were looked at with; null when there was none. */
  lookedAs: 'client-credentials' | 'signed-in' | null
  /** Workspaces and writable repositories reached with that token; a string says why they could not be listed. */
  reach: ReachedWorkspace[] | string | null
  repository: RepositoryFinding | null
}
