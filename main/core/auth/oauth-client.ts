/**
 * Bitbucket's OAuth 2.0 token endpoint through oauth4webapi (RFC 6749 mechanics, PKCE), with
 * Bitbucket's own habits handled here: the scope list in `scope` or legacy `scopes`
 * (bitbucket-api.md §1.4), `invalid_request` for a dead refresh token (§1.6), the client secret
 * always sent (§1.3). Requests go through undici's fetch, so through the one network dispatcher
 * every Bitbucket request uses (main/core/net/network.ts: proxies, trusted CAs), not through the
 * runtime's own fetch (Electron's and Node's carry their own undici).
 */
import * as oauth from 'oauth4webapi'
import { fetch as undiciFetch } from 'undici'
import { basicAuthorization } from '../bitbucket/basic-auth.js'
import type { Endpoints } from '../config/endpoints.js'
import { describeNetworkError } from '../net/network-errors.js'

export interface ConsumerCredentials {
  key: string
  secret: string
}

/** What a successful grant gives. */
export interface TokenGrant {
  accessToken: string
  refreshToken: string | null
  /** Epoch milliseconds. */
  expiresAt: number
  /** Milliseconds the access token lives, from `expires_in`. */
  lifetimeMs: number
  scopes: string[]
}

/**
 * The token endpoint refused or could not be reached. `rejected` is final (sign in again);
 * `unavailable` (network, 5xx, 429) may work later.
 */
export class TokenEndpointError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    message: string,
    readonly code: string | null = null,
    readonly status: number | null = null,
    /** The answer's `error_description`, when there is one (never a token). */
    readonly description: string | null = null,
  ) {
    super(message)
  }
}

/**
 * HTTP Basic `key:secret` exactly as Bitbucket documents it (`curl -u "client_id:secret"`,
 * bitbucket-api.md §1.3). oauth4webapi's ClientSecretBasic form-encodes both halves first
 * (RFC 6749 §2.3.1), which documented Bitbucket usage never does.
 */
function bitbucketBasic(key: string, secret: string): oauth.ClientAuth {
  return (_server, _client, _body, headers) => {
    headers.set('authorization', basicAuthorization(key, secret))
  }
}

/** Splits Bitbucket's scope string, space- or comma-separated (the separator is UNCONFIRMED, §1.4). */
export function parseScopes(value: unknown): string[] {
  if (typeof value !== 'string') return []
  return value.split(/[\s,]+/).filter(Boolean)
}

export class OAuthClient {
  private readonly server: oauth.AuthorizationServer
  private readonly client: oauth.Client
  private readonly auth: oauth.ClientAuth
  private readonly options: { [oauth.allowInsecureRequests]?: boolean; [oauth.customFetch]: typeof fetch }

  constructor(
    endpoints: Endpoints,
    consumer: ConsumerCredentials,
    private readonly now: () => number = Date.now,
  ) {
    this.server = {
      issuer: endpoints.webUrl,
      authorization_endpoint: `${endpoints.webUrl}/site/oauth2/authorize`,
      token_endpoint: `${endpoints.webUrl}/site/oauth2/access_token`,
      revocation_endpoint: `${endpoints.webUrl}/site/oauth2/revoke`,
    }
    this.client = { client_id: consumer.key }
    this.auth = bitbucketBasic(consumer.key, consumer.secret)
    // Plain http only for a loopback Bitbucket (the emulator); Bitbucket Cloud is https.
    this.options = {
      [oauth.allowInsecureRequests]: /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(endpoints.webUrl),
      // undici's Request/Response are the web's, typed apart from the DOM's; oauth4webapi checks them loosely.
      [oauth.customFetch]: undiciFetch as unknown as typeof fetch,
    }
  }

  /** The browser URL of the consent page. */
  authorizationUrl(input: {
    redirectUri: string
    state: string
    codeChallenge: string
    scopes: readonly string[]
  }): string {
    const url = new URL(this.server.authorization_endpoint!)
    url.searchParams.set('client_id', this.client.client_id)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('redirect_uri', input.redirectUri)
    url.searchParams.set('scope', input.scopes.join(' '))
    url.searchParams.set('state', input.state)
    url.searchParams.set('code_challenge', input.codeChallenge)
    url.searchParams.set('code_challenge_method', 'S256')
    return url.toString()
  }

  /** Exchanges the callback's code (state already checked by the caller, checked again here). */
  exchangeCode(
    callback: URLSearchParams,
    redirectUri: string,
    verifier: string,
    expectedState: string,
  ): Promise<TokenGrant> {
    return this.grant(async () => {
      const params = oauth.validateAuthResponse(this.server, this.client, callback, expectedState)
      const response = await oauth.authorizationCodeGrantRequest(
        this.server,
        this.client,
        this.auth,
        params,
        redirectUri,
        verifier,
        this.options,
      )
      return oauth.processAuthorizationCodeResponse(this.server, this.client, response)
    })
  }

  /** The client-credentials grant of a private consumer (§1.2). */
  clientCredentials(): Promise<TokenGrant> {
    return this.grant(async () => {
      const response = await oauth.clientCredentialsGrantRequest(
        this.server,
        this.client,
        this.auth,
        new URLSearchParams(),
        this.options,
      )
      return oauth.processClientCredentialsResponse(this.server, this.client, response)
    })
  }

  /** Uses a refresh token; Bitbucket rotates it, so the result carries a new one (§1.5). */
  refresh(refreshToken: string): Promise<TokenGrant> {
    return this.grant(async () => {
      const response = await oauth.refreshTokenGrantRequest(
        this.server,
        this.client,
        this.auth,
        refreshToken,
        this.options,
      )
      return oauth.processRefreshTokenResponse(this.server, this.client, response)
    })
  }

  /** Best-effort revocation; the endpoint itself is UNCONFIRMED (§1.1), so failures are ignored. */
  async revoke(token: string): Promise<boolean> {
    try {
      const response = await oauth.revocationRequest(this.server, this.client, this.auth, token, this.options)
      return response.ok
    } catch {
      return false
    }
  }

  private async grant(run: () => Promise<oauth.TokenEndpointResponse>): Promise<TokenGrant> {
    let result: oauth.TokenEndpointResponse
    try {
      result = await run()
    } catch (error) {
      throw toTokenEndpointError(error)
    }
    const lifetimeMs = (typeof result.expires_in === 'number' ? result.expires_in : 3600) * 1000
    return {
      accessToken: result.access_token,
      refreshToken: result.refresh_token ?? null,
      expiresAt: this.now() + lifetimeMs,
      lifetimeMs,
      scopes: parseScopes(result.scope ?? result.scopes),
    }
  }
}

/** Classifies what oauth4webapi threw; never copies a token into the message. */
function toTokenEndpointError(error: unknown): TokenEndpointError {
  if (error instanceof oauth.ResponseBodyError) {
    const transient = error.status === 429 || error.status >= 500
    return new TokenEndpointError(
      transient ? 'unavailable' : 'rejected',
      `Bitbucket refused the sign-in (${error.error}${error.error_description ? `: ${error.error_description}` : ''}).`,
      error.error,
      error.status,
      error.error_description ?? null,
    )
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new TokenEndpointError(
      'rejected',
      error.error === 'access_denied'
        ? 'You declined the access Pail asked for.'
        : `Bitbucket did not authorise Pail (${error.error}).`,
      error.error,
    )
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new TokenEndpointError(
      'rejected',
      "Bitbucket did not accept Pail's consumer key and secret.",
      'invalid_client',
      error.status,
    )
  }
  if (error instanceof oauth.OperationProcessingError) {
    const response = (error.cause as Response | undefined) ?? null
    const status = response && typeof response === 'object' && 'status' in response ? response.status : null
    const transient = status !== null && (status === 429 || status >= 500)
    return new TokenEndpointError(
      transient ? 'unavailable' : 'rejected',
      `Bitbucket answered the sign-in in a way Pail did not understand${status ? ` (HTTP ${status})` : ''}.`,
      null,
      status,
    )
  }
  return new TokenEndpointError('unavailable', describeNetworkError(error, 'to sign in'))
}
