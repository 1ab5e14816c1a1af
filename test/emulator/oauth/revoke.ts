/**
 * `POST /site/oauth2/revoke`, bitbucket-api.md §1.1: form field `token`, HTTP Basic client
 * credentials. The endpoint itself is UNCONFIRMED (`revokeEndpoint`; off → 404 page). The answer
 * is UNCONFIRMED too: RFC 7009 §2.2's 200 with an empty body, also for a token that is unknown or
 * belongs to another consumer (which is left alone).
 */
import type { RequestContext, Route } from '../router.js'
import { authenticateClient } from './client-auth.js'
import { notFoundPage, sendHtml } from './html.js'
import { readTokenForm } from './token-endpoint.js'
import { sendTokenError, TokenError } from './token-errors.js'

/** The revoke path on bitbucket.org (§1.1). */
export const REVOKE_PATH = '/site/oauth2/revoke'

async function revoke(ctx: RequestContext): Promise<void> {
  const { emulator, req, res } = ctx
  const { world, settings } = emulator
  if (!settings.revokeEndpoint) {
    req.resume()
    return sendHtml(res, 404, notFoundPage())
  }
  try {
    const form = new Map(await readTokenForm(ctx))
    const consumer = authenticateClient(world, settings, req.headers.authorization, form, false)
    const token = form.get('token')
    if (token === undefined || token === '') throw new TokenError(400, 'invalid_request', 'Missing token parameter.')
    const access = world.accessToken(token)
    const refresh = world.refreshToken(token)
    if (access && access.consumerKey === consumer.key) access.revoked = true
    if (refresh && refresh.consumerKey === consumer.key) refresh.revoked = true
    world.save()
    res.writeHead(200, { 'cache-control': 'no-store', 'content-length': 0 })
    res.end()
  } catch (error) {
    if (!(error instanceof TokenError)) throw error
    sendTokenError(res, error)
  }
}

/** The revoke route. */
export const revokeRoutes: Route[] = [{ method: 'POST', template: REVOKE_PATH, handler: revoke }]
