/**
 * The credential git requests carry (bitbucket-api.md §6): Basic with the literal username
 * `x-token-auth` and the access token for OAuth and repository/project/workspace access tokens,
 * `x-bitbucket-api-token-auth` for Atlassian API tokens. `pail git-credential` answers git with
 * the same pair.
 */
import type { CredentialKind } from '../../../shared/auth/scope-catalogue.js'
import type { TokenSource } from '../auth/token-source.js'
import type { Authorizer } from '../bitbucket/api-client.js'
import { basicAuthorization } from '../bitbucket/basic-auth.js'

/** The username git sends with a token of this kind. */
export function gitUsername(kind: CredentialKind): string {
  return kind === 'api-token' ? 'x-bitbucket-api-token-auth' : 'x-token-auth'
}

/** The password half of a Basic header. */
function passwordOf(header: string): string {
  const decoded = Buffer.from(header.replace(/^Basic /i, ''), 'base64').toString('utf8')
  return decoded.slice(decoded.indexOf(':') + 1)
}

/** Basic git credentials from the account's TokenSource: a fresh token, renewed once after a 401 where it can be. */
export function gitAuthorizer(tokens: TokenSource): Authorizer {
  const toHeader = (token: string): string => basicAuthorization(gitUsername(tokens.current.kind), token)
  return {
    header: async () => toHeader(await tokens.token()),
    afterUnauthorized: async (sent) => {
      // Only a token that can be renewed is renewed on git's word. For the others (access and API
      // tokens) git's 401 may only mean that git does not take that kind of token (§6): no retry,
      // and the REST API, asked next, decides whether the token is dead (and signs out if it is).
      const kind = tokens.current.kind
      if (kind !== 'oauth' && kind !== 'client-credentials') return null
      return toHeader(await tokens.afterUnauthorized(passwordOf(sent)))
    },
  }
}
