/**
 * Behaviour switches of the Bitbucket Cloud emulator.
 *
 * Every point that ../shared/bitbucket-api.md marks UNCONFIRMED is a setting here, with the
 * section of that document in the comment, so a test can exercise both possibilities and the
 * default can change the day Bitbucket's behaviour is settled.
 */
export interface EmulatorSettings {
  /** `expires_in` of access tokens, seconds. §1.5: observed 7200, documented 3600. */
  accessTokenLifetimeSeconds: number
  /** Name of the scope field in token responses. Since May 2026 `scope` (changes in force); legacy `scopes`. */
  tokenScopeField: 'scope' | 'scopes'
  /** UNCONFIRMED §1.4: how several scopes are joined in the token response. */
  tokenScopeSeparator: ' ' | ','
  /** How long an old refresh token keeps working after its first use, seconds (§1.5, "~10 minutes"). */
  refreshTokenGraceSeconds: number
  /** A refresh token never used expires after this many seconds (§1.5, "3 months"). */
  refreshTokenUnusedLifetimeSeconds: number
  /** Authorization codes live this long, seconds. UNCONFIRMED (RFC 6749 §4.1.2 recommends ≤ 10 min). */
  authorizationCodeLifetimeSeconds: number
  /** Length of issued access and refresh tokens; §1.4: "regularly exceeding 2500 characters". */
  tokenLength: number
  /** UNCONFIRMED §1.7: whether a sent PKCE verifier is checked. 'verify' rejects a wrong one. */
  pkce: 'verify' | 'accept'
  /** UNCONFIRMED §1.3: whether `redirect_uri` must be repeated, identical, at the code exchange. */
  requireRedirectUriAtExchange: boolean
  /** UNCONFIRMED §1.2: whether a `scope` parameter at authorize narrows the consumer's scopes. */
  narrowScopesToRequest: boolean
  /** UNCONFIRMED §1.2: the `error` value sent to the callback when the user clicks Deny. */
  denyErrorCode: string
  /** UNCONFIRMED §1.1: whether `POST /site/oauth2/revoke` exists. */
  revokeEndpoint: boolean
  /** UNCONFIRMED §1.1: whether an `access_token` query parameter still authenticates API calls. */
  acceptAccessTokenQueryParameter: boolean
  /** UNCONFIRMED §2.2: whether `x-oauth-scopes` / `x-accepted-oauth-scopes` are still sent. */
  scopeHeaders: boolean
  /** UNCONFIRMED §5: seconds in a `Retry-After` header on 429; null sends none (observed behaviour). */
  retryAfterSeconds: number | null
  /** UNCONFIRMED §5: `X-RateLimit-NearLimit` turns "true" when this fraction of the limit is used. */
  rateLimitNearFraction: number
  /** Requests per rolling hour for access-token (scaled) callers, §5 (1,000 base). 0 = unlimited. */
  accessTokenRateLimitPerHour: number
  /** UNCONFIRMED §4.7: status of the redirect from `GET …/src` to the main branch's root listing. */
  srcRootRedirectStatus: 301 | 302
  /** §4.7: a `max_depth` above this "times out" with HTTP 555. The real threshold is UNCONFIRMED. */
  maxDepthBeforeTimeout: number
  /** UNCONFIRMED §4.2: what a `pagelen` above 100 does. 'clamp' serves 100, 'error' answers 400. */
  pagelenOverMaximum: 'clamp' | 'error'
  /** UNCONFIRMED §3: the 409 message when `parents` is not the branch tip. */
  staleParentMessage: string
  /** UNCONFIRMED §3: what deleting (`files=`) a path absent from the tree does. */
  deleteOfMissingPath: 'ignore' | 'error'
  /** UNCONFIRMED §3: whether a commit with no file changes on an existing branch is created or refused. */
  emptyCommitOnExistingBranch: 'create' | 'error'
  /** UNCONFIRMED §3: which `x-attributes` syntaxes are parsed ('colon' as in the spec example, 'equals' as in its prose). */
  xAttributesSyntax: 'both' | 'colon' | 'equals'
  /** §8 size limits: a warning header past this many bytes (2 GB). */
  repositorySizeWarningBytes: number
  /** §8 size limits: new commits refused past this many bytes (4 GB). */
  repositorySizeLimitBytes: number
}

export const defaultSettings: EmulatorSettings = {
  accessTokenLifetimeSeconds: 7200,
  tokenScopeField: 'scope',
  tokenScopeSeparator: ' ',
  refreshTokenGraceSeconds: 600,
  refreshTokenUnusedLifetimeSeconds: 90 * 24 * 3600,
  authorizationCodeLifetimeSeconds: 300,
  tokenLength: 2600,
  pkce: 'verify',
  requireRedirectUriAtExchange: true,
  narrowScopesToRequest: false,
  denyErrorCode: 'access_denied',
  revokeEndpoint: true,
  acceptAccessTokenQueryParameter: false,
  scopeHeaders: true,
  retryAfterSeconds: null,
  rateLimitNearFraction: 0.8,
  accessTokenRateLimitPerHour: 1000,
  srcRootRedirectStatus: 302,
  maxDepthBeforeTimeout: 20,
  pagelenOverMaximum: 'clamp',
  staleParentMessage: 'Commit rejected: the parent commit is not the tip of the branch.',
  deleteOfMissingPath: 'ignore',
  emptyCommitOnExistingBranch: 'create',
  xAttributesSyntax: 'both',
  repositorySizeWarningBytes: 2 * 1024 ** 3,
  repositorySizeLimitBytes: 4 * 1024 ** 3,
}

/** Applies a partial update, refusing unknown keys and values of the wrong type. */
export function mergeSettings(base: EmulatorSettings, patch: Record<string, unknown>): EmulatorSettings {
  const next: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in defaultSettings)) throw new Error(`Unknown emulator setting "${key}"`)
    const expected = defaultSettings[key as keyof EmulatorSettings]
    const ok = expected === null ? value === null || typeof value === 'number' : typeof value === typeof expected || (key === 'retryAfterSeconds' && value === null)
    if (!ok) throw new Error(`Emulator setting "${key}" must be a ${typeof expected}`)
    next[key] = value
  }
  return next as unknown as EmulatorSettings
}
