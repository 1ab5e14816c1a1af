/**
 * Sign-in in the system browser: authorization code with `state` and PKCE S256, answered on the
 * loopback listener, exchanged with the consumer's secret (Bitbucket wants it even with PKCE,
 * bitbucket-api.md §1.3, §1.7).
 */
import * as oauth from 'oauth4webapi'
import { requestedOAuthScopes } from '../../../shared/auth/scope-catalogue.js'
import type { Opener } from '../ports.js'
import { listenForCallback } from './loopback-listener.js'
import { TokenEndpointError, type OAuthClient, type TokenGrant } from './oauth-client.js'

export interface BrowserSignInOptions {
  client: OAuthClient
  port: number
  path: string
  opener: Opener
  /** Default 5 minutes. */
  timeoutMs?: number
  signal?: AbortSignal
  /** Told the authorization URL, e.g. to print it where no browser opens. */
  onAuthorizationUrl?: (url: string, opened: boolean) => void
}

/** Runs the whole flow and returns the tokens; throws SignInError or TokenEndpointError. */
export async function signInWithBrowser(options: BrowserSignInOptions): Promise<TokenGrant> {
  const state = oauth.generateRandomState()
  const verifier = oauth.generateRandomCodeVerifier()
  const challenge = await oauth.calculatePKCECodeChallenge(verifier)
  const listener = await listenForCallback({
    port: options.port,
    path: options.path,
    expectedState: state,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  try {
    const url = options.client.authorizationUrl({
      redirectUri: listener.redirectUri,
      state,
      codeChallenge: challenge,
      scopes: requestedOAuthScopes,
    })
    const opened = await options.opener.open(url)
    options.onAuthorizationUrl?.(url, opened)
    const arrival = await listener.arrival
    const denied = arrival.params.get('error')
    if (denied) {
      const message =
        denied === 'access_denied'
          ? 'You chose not to give Pail access, so you are not signed in.'
          : `Bitbucket could not sign you in (${denied}).`
      arrival.finish({ title: 'Not signed in', message, ok: false })
      throw new TokenEndpointError('rejected', message, denied)
    }
    try {
      const grant = await options.client.exchangeCode(arrival.params, listener.redirectUri, verifier, state)
      arrival.finish({
        title: 'You are signed in',
        message: 'Pail is now connected to Bitbucket. You can go back to Pail.',
        ok: true,
      })
      return grant
    } catch (error) {
      arrival.finish({ title: 'Not signed in', message: (error as Error).message, ok: false })
      throw error
    }
  } finally {
    listener.close()
  }
}
