/**
 * Minting tokens and shaping the success body of the token endpoint, bitbucket-api.md §1.4/§1.5:
 * `{<scope|scopes>, access_token, expires_in, token_type: "bearer", state: <grant type>,
 * refresh_token}`, tokens `tokenLength` long (over 2,500 characters by default).
 */
import type { Emulator } from '../context.js'
import { newToken, type Consumer } from '../model.js'

/** The three grants the token endpoint serves (§1.2; the JWT grant of Connect apps is not modelled). */
export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token'

export interface IssueRequest {
  consumer: Consumer
  userUuid: string
  scopes: string[]
  grant: GrantType
  withRefreshToken: boolean
}

/** Issues an access token (and a refresh token when asked) and returns the response body. */
export function issueTokens(emulator: Emulator, request: IssueRequest): Record<string, unknown> {
  // Settings are read now, not at start: tests change lifetimes at run time.
  const { settings, world } = emulator
  const now = Date.now()
  const accessToken = newToken(settings.tokenLength)
  emulator.issued(accessToken)
  world.addAccessToken(accessToken, {
    kind: 'oauth',
    scopes: [...request.scopes],
    userUuid: request.userUuid,
    consumerKey: request.consumer.key,
    workspace: null,
    repository: null,
    expiresAt: now + settings.accessTokenLifetimeSeconds * 1000,
    revoked: false,
    email: null,
    grant: request.grant,
  })
  // Field order as in the response recorded in §1.4 (terrakube #47).
  const body: Record<string, unknown> = {
    [settings.tokenScopeField]: request.scopes.join(settings.tokenScopeSeparator),
    access_token: accessToken,
    // Bitbucket sends whole seconds; a fractional test lifetime rounds down so a client never overstays.
    expires_in: Math.max(0, Math.floor(settings.accessTokenLifetimeSeconds)),
    token_type: 'bearer',
  }
  // §1.4: `state` echoes the grant type; what other grants send there is UNCONFIRMED (tokenStateOnEveryGrant).
  if (request.grant === 'authorization_code' || settings.tokenStateOnEveryGrant) body.state = request.grant
  if (request.withRefreshToken) {
    const refreshToken = newToken(settings.tokenLength)
    emulator.issued(refreshToken)
    world.addRefreshToken(refreshToken, {
      consumerKey: request.consumer.key,
      userUuid: request.userUuid,
      scopes: [...request.scopes],
      createdAt: now,
      firstUsedAt: null,
      revoked: false,
    })
    body.refresh_token = refreshToken
  }
  return body
}
