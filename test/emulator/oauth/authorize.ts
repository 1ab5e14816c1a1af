/**
 * `GET /site/oauth2/authorize` (the consent page) and `POST /site/oauth2/authorize` (the user's
 * decision), bitbucket-api.md §1.1, §1.2, §1.7, §1.8. The seeded first user is always signed in.
 *
 * Anything that makes the client untrustworthy (unknown client_id, no callback URL, a redirect_uri
 * outside the prefix rule) or asks for a removed grant (`response_type=token`, §1.2) gets an HTML
 * error page and never a redirect. The consent form carries a one-time request id and nothing
 * else: the decision's consumer, redirect target, state and PKCE challenge come from the pending
 * request kept here, so the form can be neither forged nor replayed.
 */
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { readBody, mediaType, parseForm } from '../http.js'
import { newToken, type World } from '../model.js'
import type { RequestContext, Route } from '../router.js'
import { effectiveScopes } from '../scopes.js'
import type { EmulatorSettings } from '../settings.js'
import { consentPage, errorPage, sendHtml } from './html.js'
import { challengeMethod } from './pkce.js'
import { redirectUriAllowed, withParams } from './redirect-uri.js'
import { describeScope } from './scope-words.js'

/** The authorize path on bitbucket.org (§1.1). */
export const AUTHORIZE_PATH = '/site/oauth2/authorize'

/** §1.8, observed text of the page for a redirect_uri outside the prefix rule. */
export const MISCONFIGURED = 'This integration is misconfigured. Contact the vendor for assistance.'

/** §1.6: the text Bitbucket uses for a consumer without a callback URL (there at the token endpoint). */
export const NO_CALLBACK = 'No callback uri defined for the OAuth client.'

/** An authorization code's length; codes quoted by client code are 18 characters. */
const CODE_LENGTH = 18

/** A consent page left open this long can no longer be submitted (the emulator's own limit). */
const PENDING_LIFETIME_MS = 60 * 60 * 1000

interface PendingConsent {
  consumerKey: string
  userUuid: string
  scopes: string[]
  /** The redirect_uri sent at authorize, or null when the consumer's callback is used. */
  redirectUri: string | null
  /** Where the browser goes back to: redirectUri or the consumer's callback (§1.8). */
  target: string
  state: string | null
  codeChallenge: string | null
  codeChallengeMethod: string | null
  expiresAt: number
}

/** Pending consents per world, so that two emulators in one process never share them. */
const pendingByWorld = new WeakMap<World, Map<string, PendingConsent>>()

function pendingOf(world: World): Map<string, PendingConsent> {
  let pending = pendingByWorld.get(world)
  if (!pending) {
    pending = new Map()
    pendingByWorld.set(world, pending)
  }
  return pending
}

/**
 * The scopes a grant gets: the consumer's ticked scopes, or, when `narrowScopesToRequest` is on
 * (UNCONFIRMED §1.2), those requested scopes that the ticked ones cover (implications of §2.1).
 */
export function grantedScopes(
  consumerScopes: readonly string[],
  requested: string | null,
  settings: EmulatorSettings,
): string[] {
  const asked = (requested ?? '').split(' ').filter((s) => s !== '')
  if (!settings.narrowScopesToRequest || asked.length === 0) return [...consumerScopes]
  const covered = effectiveScopes(consumerScopes)
  return [...new Set(asked.filter((s) => covered.has(s)))]
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 })
  res.end()
}

function showConsent(ctx: RequestContext): void {
  const { emulator, res, url } = ctx
  const { world, settings } = emulator
  // UNCONFIRMED §1.8 (authorizeWithoutSession): a visitor without a session may be sent to sign in
  // before anything is checked. The sign-in page itself is not modelled; only where it sends.
  if (settings.authorizeWithoutSession === 'sign-in-first' && ctx.req.headers.cookie === undefined)
    return redirect(res, `${emulator.webUrl}/account/signin/?next=${encodeURIComponent(url.pathname + url.search)}`)
  const query = url.searchParams
  const clientId = query.get('client_id')
  const consumer = clientId === null ? undefined : world.consumer(clientId)
  // The error texts of an unknown client and of a missing callback at authorize are not recorded; §1.8's is reused.
  if (!consumer) return sendHtml(res, 400, errorPage('Invalid client_id', MISCONFIGURED))
  if (consumer.callbackUrl === null) return sendHtml(res, 400, errorPage('Invalid redirect_uri', NO_CALLBACK))
  const redirectUri = query.get('redirect_uri')
  if (redirectUri !== null && !redirectUriAllowed(consumer.callbackUrl, redirectUri, settings.redirectUriMatch)) {
    return sendHtml(res, 400, errorPage('Invalid redirect_uri', MISCONFIGURED))
  }
  const responseType = query.get('response_type')
  // §1.2: the implicit grant (`token`) is no longer supported; only `code` is.
  if (responseType !== 'code')
    return sendHtml(
      res,
      400,
      errorPage(
        'Unsupported response_type',
        `The response_type "${responseType ?? ''}" is not supported. Use response_type=code.`,
      ),
    )
  const target = redirectUri ?? consumer.callbackUrl
  const state = query.get('state')
  const scopes = grantedScopes(consumer.scopes, query.get('scope'), settings)
  // With narrowing on, a request for nothing the consumer has is RFC 6749 §4.1.2.1's invalid_scope.
  if (scopes.length === 0)
    return redirect(
      res,
      withParams(target, {
        error: 'invalid_scope',
        error_description: 'None of the requested scopes is granted to this consumer.',
        state,
      }),
    )
  const challenge = query.get('code_challenge')
  const pkce = challengeMethod(challenge, query.get('code_challenge_method'), settings)
  // RFC 7636 §4.4.1: an unsupported transform goes back to the client as invalid_request.
  if ('error' in pkce)
    return redirect(res, withParams(target, { error: 'invalid_request', error_description: pkce.error, state }))
  const user = world.data.users[0]!
  const requestId = randomBytes(24).toString('base64url')
  const pending = pendingOf(world)
  const now = Date.now()
  for (const [id, entry] of pending) if (entry.expiresAt <= now) pending.delete(id)
  pending.set(requestId, {
    consumerKey: consumer.key,
    userUuid: user.uuid,
    scopes,
    redirectUri,
    target,
    state,
    codeChallenge: challenge,
    codeChallengeMethod: pkce.method,
    expiresAt: now + PENDING_LIFETIME_MS,
  })
  sendHtml(
    res,
    200,
    consentPage({
      consumerName: consumer.name,
      userDisplayName: user.displayName,
      userNickname: user.nickname,
      permissions: scopes.map((scope) => ({ scope, words: describeScope(scope) })),
      requestId,
      action: AUTHORIZE_PATH,
    }),
  )
}

async function decide(ctx: RequestContext): Promise<void> {
  const { emulator, req, res } = ctx
  const { world, settings } = emulator
  // A cross-site POST (another origin's page submitting the form) is refused, as any CSRF-protected form would.
  const origin = req.headers.origin
  if (origin !== undefined && origin !== emulator.webUrl) {
    req.resume()
    return sendHtml(res, 403, errorPage('Forbidden', 'This form was not submitted from Bitbucket.'))
  }
  const isForm = mediaType(req) === 'application/x-www-form-urlencoded'
  const fields = new Map(isForm ? parseForm(await readBody(req)) : [])
  if (!isForm) req.resume()
  const pending = pendingOf(world)
  const requestId = fields.get('request_id') ?? ''
  const entry = pending.get(requestId)
  // One use only, whatever the decision: a replayed or unknown id is refused.
  pending.delete(requestId)
  if (!entry || entry.expiresAt <= Date.now()) {
    return sendHtml(
      res,
      400,
      errorPage(
        'Authorization request expired',
        'This authorization request has expired or was already answered. Start again from the application.',
      ),
    )
  }
  const decision = fields.get('decision')
  if (decision === 'deny') {
    // UNCONFIRMED §1.2: the error code is `denyErrorCode`; the description text is the emulator's own.
    return redirect(
      res,
      withParams(entry.target, {
        error: settings.denyErrorCode,
        error_description: 'The user denied access.',
        state: entry.state,
      }),
    )
  }
  if (decision !== 'grant') return sendHtml(res, 400, errorPage('Invalid request', 'Choose Grant access or Deny.'))
  const code = newToken(CODE_LENGTH)
  emulator.issued(code)
  const now = Date.now()
  // Long-dead codes are dropped so the state file does not grow without end.
  world.data.codes = Object.fromEntries(
    Object.entries(world.data.codes).filter(([, record]) => record.expiresAt >= now - PENDING_LIFETIME_MS),
  )
  world.addAuthorizationCode(code, {
    consumerKey: entry.consumerKey,
    userUuid: entry.userUuid,
    scopes: entry.scopes,
    redirectUri: entry.redirectUri,
    codeChallenge: entry.codeChallenge,
    codeChallengeMethod: entry.codeChallengeMethod,
    // Read at issue time: tests shorten it through PATCH /_emulator/settings.
    expiresAt: now + settings.authorizationCodeLifetimeSeconds * 1000,
    used: false,
  })
  redirect(res, withParams(entry.target, { code, state: entry.state }))
}

/** The two authorize routes. */
export const authorizeRoutes: Route[] = [
  { method: 'GET', template: AUTHORIZE_PATH, handler: showConsent },
  { method: 'POST', template: AUTHORIZE_PATH, handler: decide },
]
