/**
 * An account: how Pail is signed in to Bitbucket. Only non-secret facts live here (in
 * accounts.json); tokens and secrets live in the SecretStore under the keys below.
 */
import type { CredentialKind } from '../../../shared/auth/scope-catalogue.js'

export interface AccountRecord {
  id: string
  kind: CredentialKind
  webUrl: string
  apiUrl: string
  /** Who or what is signed in, for people: a display name, or a token's description. */
  displayName: string
  nickname: string | null
  accountId: string | null
  uuid: string | null
  /** For API tokens: the Atlassian account email used with Basic auth. */
  email: string | null
  /** The OAuth consumer that issued the tokens (oauth and client-credentials). */
  consumerKey: string | null
  /** For access tokens: what they are limited to. */
  resource: { workspace: string; repository: string | null } | null
  scopes: string[]
  /** Epoch ms; null for tokens that do not expire. */
  accessTokenExpiresAt: number | null
  accessTokenLifetimeMs: number | null
  status: 'signed-in' | 'signed-out'
  /** Why the account is signed out, in plain words. */
  signedOutReason: string | null
  updatedAt: number
}

/** SecretStore keys of an account's secrets. */
export const secretKeys = {
  accessToken: (id: string) => `account/${id}/access-token`,
  refreshToken: (id: string) => `account/${id}/refresh-token`,
  consumerSecret: (id: string) => `account/${id}/consumer-secret`,
} as const
