/**
 * The sign-in as the window shows it (`AuthState`, `AccountView`), from an account record.
 */
import { describeScope, featureReadiness } from '../../../shared/auth/scope-catalogue.js'
import type { AccountView, AuthState } from '../../../shared/ipc/views.js'
import type { AccountRecord } from '../auth/account.js'

const kindWords: Record<AccountRecord['kind'], string> = {
  oauth: 'your Bitbucket account, in the browser',
  'client-credentials': 'a private OAuth consumer',
  'access-token': 'an access token',
  'api-token': 'an Atlassian API token',
}

/** An account that is signed in, as the Account screen shows it. */
export function accountView(account: AccountRecord): AccountView {
  const renewedAt =
    account.accessTokenExpiresAt !== null && account.accessTokenLifetimeMs !== null
      ? account.accessTokenExpiresAt - account.accessTokenLifetimeMs
      : account.updatedAt
  return {
    displayName: account.displayName,
    nickname: account.nickname,
    kind: account.kind,
    kindWords: kindWords[account.kind],
    permissions: account.scopes.map((id) => {
      const scope = describeScope(id)
      return { id, label: scope.label, description: scope.description }
    }),
    features: featureReadiness(account.kind, account.scopes),
    renewedAt,
    expiresAt: account.accessTokenExpiresAt,
  }
}

/** The state of a saved account: signed in, or signed out by Bitbucket with the reason. */
export function savedAccountState(account: AccountRecord | null, signedOutReason: string | null): AuthState {
  if (!account) return { status: 'signed-out', reason: signedOutReason }
  if (account.status === 'signed-out')
    return {
      status: 'expired',
      reason: account.signedOutReason ?? 'Bitbucket no longer accepts this sign-in. Sign in again.',
      account: { displayName: account.displayName, kindWords: kindWords[account.kind] },
    }
  return { status: 'signed-in', account: accountView(account) }
}
