/**
 * API authentication and authorisation (bitbucket-api.md §1.1, §1.6, §2).
 *
 * Access tokens only in `Authorization: Bearer` (since May 2026); Atlassian API tokens by Basic
 * with the account email; app passwords are gone, so any other Basic pair fails. Scopes are
 * checked per operation from scopes.ts, and the scope headers are added to every response.
 */
import type { Emulator } from './context.js'
import { ApiError } from './http.js'
import type { CredentialKind, IssuedAccessToken, Repository, RepositoryPermission, User } from './model.js'
import { applyConsumerBudget, applyRateLimit } from './rate-limit.js'
import type { RequestContext } from './router.js'
import { missingScopes, type Operation } from './scopes.js'

export interface Credential {
  kind: CredentialKind
  scopes: string[]
  user: User | null
  record: IssuedAccessToken
  /** A stable, non-secret label for logs and rate limits. */
  label: string
}

export const EXPIRED_MESSAGE = 'Access token expired. Use your refresh token to obtain a new access token.'
export const INVALID_MESSAGE = 'Token is invalid, expired, or not supported for this endpoint.'

function basicPair(header: string): [string, string] | null {
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

/** Looks up a raw token; throws the 401 Bitbucket sends for an expired or unknown one. */
export function credentialFromToken(emulator: Emulator, token: string, now = Date.now()): Credential {
  const record = emulator.world.accessToken(token)
  if (!record || record.revoked) throw new ApiError(401, INVALID_MESSAGE)
  if (record.expiresAt !== null && record.expiresAt <= now)
    throw new ApiError(401, record.kind === 'oauth' ? EXPIRED_MESSAGE : INVALID_MESSAGE)
  const user = record.userUuid ? (emulator.world.user(record.userUuid) ?? null) : null
  const label = `${record.kind}:${record.consumerKey ?? record.repository ?? record.workspace ?? record.email ?? '?'}:${user?.nickname ?? ''}`
  return { kind: record.kind, scopes: record.scopes, user, record, label }
}

/** The caller of an API request, or null when it sent no credential. */
export function authenticate(emulator: Emulator, ctx: RequestContext): Credential | null {
  const header = ctx.req.headers.authorization
  if (header && /^bearer /i.test(header)) return credentialFromToken(emulator, header.slice(7).trim())
  if (header && /^basic /i.test(header)) {
    const pair = basicPair(header)
    if (!pair) throw new ApiError(401, INVALID_MESSAGE)
    const credential = credentialFromToken(emulator, pair[1])
    // API tokens go with the account email (§2.3); nothing else is accepted by Basic any more.
    if (credential.kind !== 'api-token' || credential.record.email?.toLowerCase() !== pair[0].toLowerCase())
      throw new ApiError(401, INVALID_MESSAGE)
    return credential
  }
  if (header) throw new ApiError(401, INVALID_MESSAGE)
  const queryToken = ctx.url.searchParams.get('access_token')
  if (queryToken && emulator.settings.acceptAccessTokenQueryParameter) return credentialFromToken(emulator, queryToken)
  return null
}

/**
 * Authenticates and checks the operation's scopes; sets `x-oauth-scopes` and
 * `x-accepted-oauth-scopes` (§2.2, comma+space separated) when the setting is on.
 */
export function authorizeOperation(ctx: RequestContext, op: Operation): Credential {
  const { emulator, res } = ctx
  if (emulator.settings.scopeHeaders) res.setHeader('x-accepted-oauth-scopes', op.oauth.join(', '))
  const credential = authenticate(emulator, ctx)
  if (!credential)
    // UNCONFIRMED: the exact text Bitbucket sends to an anonymous caller of a private resource.
    if (!credential) throw new ApiError(401, 'Authentication required.')
  ctx.credential = credential
  if (emulator.settings.scopeHeaders) res.setHeader('x-oauth-scopes', credential.scopes.join(', '))
  // §5: access tokens have their own hourly allowance; over it, the request ends in a plain-text 429.
  applyRateLimit(ctx, credential)
  // §5: every OAuth token of a consumer draws on the consumer's one hourly budget.
  applyConsumerBudget(ctx, credential)
  const isAccessToken = credential.kind.endsWith('access-token')
  if (isAccessToken && !op.accessTokens) throw new ApiError(401, INVALID_MESSAGE)
  const required = credential.kind === 'api-token' ? op.apiToken : op.oauth
  // API-token scopes imply nothing (§2.3), so a plain subset test; OAuth scopes go through implications.
  const missing =
    credential.kind === 'api-token'
      ? required.filter((s) => !credential.scopes.includes(s))
      : missingScopes(credential.scopes, required)
  if (missing.length > 0) {
    throw new ApiError(403, 'Your credentials lack one or more required privilege scopes.', {
      detail: { required: [...required], granted: credential.scopes },
    })
  }
  return credential
}

const rank: Record<RepositoryPermission, number> = { read: 1, write: 2, admin: 3 }

/** The caller's permission on a repository, or null for none. */
export function permissionOn(
  emulator: Emulator,
  credential: Credential,
  repo: Repository,
): RepositoryPermission | null {
  const { record } = credential
  if (credential.kind === 'repository-access-token')
    return record.workspace === repo.workspace && record.repository === repo.slug ? 'admin' : null
  if (credential.kind === 'workspace-access-token' || credential.kind === 'project-access-token') {
    if (record.workspace !== repo.workspace) return null
    return credential.kind === 'workspace-access-token' ||
      record.repository === null ||
      record.repository === repo.projectKey
      ? 'admin'
      : null
  }
  if (!credential.user) return null
  const direct = repo.permissions[credential.user.uuid] ?? null
  const ws = emulator.world.workspace(repo.workspace)
  const viaWorkspace: RepositoryPermission | null = ws?.members[credential.user.uuid]?.administrator ? 'admin' : null
  if (!direct) return viaWorkspace
  if (!viaWorkspace) return direct
  return rank[direct] >= rank[viaWorkspace] ? direct : viaWorkspace
}

/** Throws 404/403 unless the caller may `need` the repository. */
export function requireRepository(
  ctx: RequestContext,
  workspace: string,
  slug: string,
  need: RepositoryPermission,
): Repository {
  const { emulator } = ctx
  const repo = emulator.world.repository(workspace, slug)
  if (!repo) throw new ApiError(404, `Repository ${workspace}/${slug} not found`)
  const credential = ctx.credential
  const have = credential ? permissionOn(emulator, credential, repo) : null
  if (!have && repo.isPrivate) throw new ApiError(403, 'Forbidden')
  if (need !== 'read' && (!have || rank[have] < rank[need]))
    throw new ApiError(403, 'Forbidden', { detail: `You need ${need} access to this repository.` })
  return repo
}
