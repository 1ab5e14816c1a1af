/**
 * An account: how Pail is signed in to Bitbucket. Only non-secret facts live here (in
 * accounts.json); tokens and secrets live in the SecretStore under the keys below.
 */
import { z } from 'zod'
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

/** What accounts.json may hold for one account; checked on every read. */
export const accountRecordSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['oauth', 'client-credentials', 'access-token', 'api-token']),
  webUrl: z.string().min(1),
  apiUrl: z.string().min(1),
  displayName: z.string(),
  nickname: z.string().nullable(),
  accountId: z.string().nullable(),
  uuid: z.string().nullable(),
  email: z.string().nullable(),
  consumerKey: z.string().nullable(),
  resource: z.object({ workspace: z.string(), repository: z.string().nullable() }).nullable(),
  scopes: z.array(z.string()),
  accessTokenExpiresAt: z.number().nullable(),
  accessTokenLifetimeMs: z.number().nullable(),
  status: z.enum(['signed-in', 'signed-out']),
  signedOutReason: z.string().nullable(),
  updatedAt: z.number(),
}) satisfies z.ZodType<AccountRecord>

/** SecretStore keys of an account's secrets. */
export const secretKeys = {
  accessToken: (id: string) => `account/${id}/access-token`,
  refreshToken: (id: string) => `account/${id}/refresh-token`,
  consumerSecret: (id: string) => `account/${id}/consumer-secret`,
} as const

/** Every secret key of an account, for removing them all together. */
export function allSecretKeys(id: string): string[] {
  return Object.values(secretKeys).map((key) => key(id))
}

/** The account id a secret key belongs to, or null for a key of another shape. */
export function accountOfSecretKey(key: string): string | null {
  return /^account\/([^/]+)\//.exec(key)?.[1] ?? null
}
