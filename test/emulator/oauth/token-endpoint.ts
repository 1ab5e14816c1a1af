/**
 * `POST /site/oauth2/access_token`, bitbucket-api.md §1.3–§1.6, in the order Bitbucket's
 * answers imply: an `Authorization: Bearer` header gets an HTML page (observed); a body that is
 * not form-urlencoded has no grant type ("Unsupported grant type: None", observed); then client
 * authentication, the callback-URL requirement, and the grant itself.
 */
import type { Emulator } from '../context.js'
import { mediaType, parseForm, readBody } from '../http.js'
import type { Consumer } from '../model.js'
import type { RequestContext, Route } from '../router.js'
import { NO_CALLBACK } from './authorize.js'
import { authenticateClient } from './client-auth.js'
import { authorizationCodeGrant, clientCredentialsGrant, refreshTokenGrant } from './grants.js'
import { errorPage, sendHtml } from './html.js'
import type { GrantType } from './issue.js'
import { sendTokenError, sendTokenJson, TokenError, unsupportedGrantType } from './token-errors.js'

/** The token path on bitbucket.org (§1.1). */
export const TOKEN_PATH = '/site/oauth2/access_token'

type Grant = (emulator: Emulator, consumer: Consumer, form: Map<string, string>) => Record<string, unknown>

const grants: Record<GrantType, Grant> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
}

/** Parameters that RFC 6749 §3.2 forbids repeating. */
const singular = [
  'grant_type',
  'code',
  'redirect_uri',
  'refresh_token',
  'client_id',
  'client_secret',
  'code_verifier',
  'scope',
]

/** Reads a form body; anything else (JSON above all) reads as no fields at all (§1.3). */
export async function readTokenForm(ctx: RequestContext): Promise<[string, string][]> {
  const body = await readBody(ctx.req)
  return mediaType(ctx.req) === 'application/x-www-form-urlencoded' ? parseForm(body) : []
}

function grantTypeOf(pairs: [string, string][]): GrantType {
  const value = pairs.find(([key]) => key === 'grant_type')?.[1] ?? null
  if (value === null || !(value in grants)) throw unsupportedGrantType(value)
  return value as GrantType
}

async function exchange(ctx: RequestContext): Promise<void> {
  const { emulator, req, res } = ctx
  const authorization = req.headers.authorization
  if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
    req.resume()
    // §1.3 (community.developer 22038): a Bearer header got an HTML page mentioning an OpenID transaction.
    // Its status is UNCONFIRMED (tokenEndpointBearerStatus).
    return sendHtml(
      res,
      emulator.settings.tokenEndpointBearerStatus,
      errorPage('OpenID transaction in progress', 'Please wait while your sign-in completes.'),
    )
  }
  try {
    const pairs = await readTokenForm(ctx)
    const grant = grantTypeOf(pairs)
    const repeated = singular.find((name) => pairs.filter(([key]) => key === name).length > 1)
    if (repeated) throw new TokenError(400, 'invalid_request', `Duplicate ${repeated} parameter.`)
    const form = new Map(pairs)
    const consumer = authenticateClient(
      emulator.world,
      emulator.settings,
      authorization,
      form,
      grant !== 'client_credentials',
    )
    // §1.6/§1.8: a consumer without a callback URL cannot get tokens. Observed for client_credentials
    // too; that part is behind callbackUrlRequiredForAllGrants (see settings.ts).
    if (
      consumer.callbackUrl === null &&
      (grant === 'authorization_code' || emulator.settings.callbackUrlRequiredForAllGrants)
    ) {
      throw new TokenError(400, 'invalid_request', NO_CALLBACK)
    }
    sendTokenJson(res, 200, grants[grant](emulator, consumer, form))
  } catch (error) {
    if (!(error instanceof TokenError)) throw error
    sendTokenError(res, error)
  }
}

/** The token route. */
export const tokenRoutes: Route[] = [{ method: 'POST', template: TOKEN_PATH, handler: exchange }]
