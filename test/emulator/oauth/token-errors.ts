/**
 * Error answers of the token and revoke endpoints. Bitbucket's recorded bodies (§1.6) put
 * `error_description` before `error`; every body here keeps that order. Where §1.6 records no
 * body, the RFC 6749 §5.2 shape is used.
 */
import type { ServerResponse } from 'node:http'

/** A token-endpoint failure; handlers throw it and the endpoint sends it. */
export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`)
  }
}

/** §1.6, observed for an unknown, used-up, expired or revoked refresh token (note: not invalid_grant). */
export function invalidRefreshToken(): TokenError {
  return new TokenError(400, 'invalid_request', 'Invalid refresh_token')
}

/** §1.3/§1.6: a grant type the endpoint does not know; a JSON body reads as none ("None", as observed). */
export function unsupportedGrantType(grantType: string | null): TokenError {
  return new TokenError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType ?? 'None'}`)
}

/** Sends any JSON answer of the token endpoint: never cached (RFC 6749 §5.1). */
export function sendTokenJson(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  })
  res.end(text)
}

/** Sends a TokenError as `{"error_description": …, "error": …}`. */
export function sendTokenError(res: ServerResponse, error: TokenError): void {
  sendTokenJson(res, error.status, { error_description: error.description, error: error.error }, error.headers)
}
