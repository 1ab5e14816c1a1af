/**
 * The three grants of the token endpoint (bitbucket-api.md §1.2): authorization code (with the
 * redirect_uri and PKCE checks of §1.3/§1.7), client credentials (private consumers only, acting
 * for the consumer's owner) and refresh token (rotation, grace and unused expiry of §1.5).
 */
import type { Emulator } from '../context.js'
import type { Consumer } from '../model.js'
import { grantedScopes } from './authorize.js'
import { issueTokens } from './issue.js'
import { verifierMatches } from './pkce.js'
import { invalidRefreshToken, TokenError } from './token-errors.js'

type Form = Map<string, string>

function invalidGrant(description: string): TokenError {
  // §1.6: Bitbucket's bodies for a bad code or verifier are UNCONFIRMED; RFC 6749 §5.2's code is used.
  return new TokenError(400, 'invalid_grant', description)
}

/** `grant_type=authorization_code`: the code must be this consumer's, unused and unexpired. */
export function authorizationCodeGrant(emulator: Emulator, consumer: Consumer, form: Form): Record<string, unknown> {
  const { world, settings } = emulator
  const code = form.get('code')
  if (code === undefined || code === '') throw new TokenError(400, 'invalid_request', 'Missing code parameter.')
  const record = world.authorizationCode(code)
  if (!record || record.consumerKey !== consumer.key) throw invalidGrant('Invalid authorization code.')
  if (record.used) throw invalidGrant('The authorization code has already been used.')
  if (record.expiresAt <= Date.now()) throw invalidGrant('The authorization code has expired.')
  // Single use (RFC 6749 §4.1.2): spent by any attempt of its own client, so a wrong verifier cannot be retried.
  record.used = true
  world.save()
  // UNCONFIRMED §1.3 (requireRedirectUriAtExchange): sent at authorize → repeated here, identical.
  if (
    settings.requireRedirectUriAtExchange &&
    record.redirectUri !== null &&
    form.get('redirect_uri') !== record.redirectUri
  ) {
    throw invalidGrant('Mismatching redirect URI.')
  }
  if (!verifierMatches(record.codeChallenge, record.codeChallengeMethod, form.get('code_verifier') ?? null, settings)) {
    throw invalidGrant('Invalid or missing code_verifier.')
  }
  return issueTokens(emulator, {
    consumer,
    userUuid: record.userUuid,
    scopes: record.scopes,
    grant: 'authorization_code',
    withRefreshToken: true,
  })
}

/** `grant_type=client_credentials`: only a private consumer (§1.2); the token acts for its owner. */
export function clientCredentialsGrant(emulator: Emulator, consumer: Consumer, form: Form): Record<string, unknown> {
  const { settings } = emulator
  if (!consumer.isPrivate) {
    throw new TokenError(
      400,
      'unauthorized_client',
      'The client_credentials grant needs a private consumer ("This is a private consumer").',
    )
  }
  const scopes = grantedScopes(consumer.scopes, form.get('scope') ?? null, settings)
  if (scopes.length === 0)
    throw new TokenError(400, 'invalid_scope', 'None of the requested scopes is granted to this consumer.')
  // UNCONFIRMED §1.4: whether this grant's answer carries a refresh token (clientCredentialsRefreshToken).
  return issueTokens(emulator, {
    consumer,
    userUuid: consumer.ownerUuid,
    scopes,
    grant: 'client_credentials',
    withRefreshToken: settings.clientCredentialsRefreshToken,
  })
}

/**
 * `grant_type=refresh_token`. §1.5: every use issues a new refresh token; the old one keeps
 * working `refreshTokenGraceSeconds` after its FIRST use, then dies; one never used dies after
 * `refreshTokenUnusedLifetimeSeconds`. Other access tokens stay valid. Any failure is §1.6's body.
 */
export function refreshTokenGrant(emulator: Emulator, consumer: Consumer, form: Form): Record<string, unknown> {
  const { world, settings } = emulator
  const token = form.get('refresh_token')
  const record = token === undefined || token === '' ? undefined : world.refreshToken(token)
  if (!record || record.revoked || record.consumerKey !== consumer.key) throw invalidRefreshToken()
  const now = Date.now()
  const deadline =
    record.firstUsedAt === null
      ? record.createdAt + settings.refreshTokenUnusedLifetimeSeconds * 1000
      : record.firstUsedAt + settings.refreshTokenGraceSeconds * 1000
  if (now >= deadline) throw invalidRefreshToken()
  if (record.firstUsedAt === null) {
    record.firstUsedAt = now
    world.save()
  }
  return issueTokens(emulator, {
    consumer,
    userUuid: record.userUuid,
    scopes: record.scopes,
    grant: 'refresh_token',
    withRefreshToken: true,
  })
}
