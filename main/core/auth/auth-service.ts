/**
 * Signing in and out, and the session of the current account: the one TokenSource (so refreshes
 * are single-flight across the whole process) and an API client that uses it.
 */
import { randomBytes } from 'node:crypto'
import { callbackUrl, type Endpoints } from '../config/endpoints.js'
import { callbackInForce, type Provisioning } from '../config/provisioning.js'
import { silentLogger, type Logger } from '../log/logger.js'
import type { Clock, Opener } from '../ports.js'
import type { SecretStore } from '../secrets/secret-store.js'
import { HomeLocks } from '../store/home-locks.js'
import type { NoticeSink } from '../store/json-store.js'
import { basicAuthorization } from '../bitbucket/basic-auth.js'
import { ApiClient, BitbucketError, type Authorizer } from '../bitbucket/api-client.js'
import { repositoryPath, USER_PATH, workspaceRepositoriesPath } from '../bitbucket/api-paths.js'
import { assertRepositoryRef, assertWorkspaceName } from '../../../shared/bitbucket/names.js'
import { accountOfSecretKey, allSecretKeys, secretKeys, type AccountRecord } from './account.js'
import { AccountStore } from './account-store.js'
import { signInWithBrowser } from './browser-sign-in.js'
import { OAuthClient, type ConsumerCredentials, type TokenGrant } from './oauth-client.js'
import { TokenSource, type Renewal } from './token-source.js'

export interface AuthServiceDeps {
  home: string
  secrets: SecretStore
  clock: Clock
  opener: Opener
  provisioning: Provisioning
  endpoints: Endpoints
  logger?: Logger
  /** Where damage to Pail's own files is reported (the CLI prints, the app shows). */
  notices?: NoticeSink
}

export interface Session {
  account: AccountRecord
  tokens: TokenSource
  api: ApiClient
  /** Pail's log, for what is done with this session (commits, downloads). */
  logger: Logger
}

interface BitbucketUser {
  display_name?: string
  nickname?: string
  account_id?: string
  uuid?: string
}

/** A sign-in that could not be completed; the message is for people. */
export class SignInFailed extends Error {}

export class AuthService {
  readonly accounts: AccountStore
  private readonly sessions = new Map<string, Session>()
  private readonly locks: HomeLocks

  constructor(private readonly deps: AuthServiceDeps) {
    this.locks = HomeLocks.for(deps.home, deps.logger)
    this.accounts = new AccountStore(deps.home, {
      locks: this.locks,
      ...(deps.notices ? { notices: deps.notices } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
    })
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  /** The callback URL the admin must register on the consumer. */
  get callback(): { port: number; path: string; url: string } {
    return { ...callbackInForce(this.deps.provisioning), url: callbackUrl(this.deps.provisioning) }
  }

  /** Browser sign-in with the provisioned consumer (or `consumer`). */
  async signInWithBrowser(
    options: {
      consumer?: ConsumerCredentials
      signal?: AbortSignal
      timeoutMs?: number
      onAuthorizationUrl?: (url: string, opened: boolean) => void
    } = {},
  ): Promise<AccountRecord> {
    const consumer = options.consumer ?? this.deps.provisioning.consumer
    if (!consumer)
      throw new SignInFailed(
        'Pail has no OAuth consumer to sign in with. Ask your admin for Pail\'s provisioning file, or use "pail login --client-credentials".',
      )
    const client = new OAuthClient(this.deps.endpoints, consumer, () => this.deps.clock.now())
    const grant = await signInWithBrowser({
      client,
      port: this.callback.port,
      path: this.callback.path,
      opener: this.deps.opener,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onAuthorizationUrl ? { onAuthorizationUrl: options.onAuthorizationUrl } : {}),
    })
    return this.saveOAuthAccount('oauth', consumer, grant)
  }

  /** The client-credentials grant of a private consumer, for unattended machines. */
  async signInWithClientCredentials(consumer: ConsumerCredentials): Promise<AccountRecord> {
    const client = new OAuthClient(this.deps.endpoints, consumer, () => this.deps.clock.now())
    const grant = await client.clientCredentials()
    return this.saveOAuthAccount('client-credentials', consumer, grant)
  }

  /**
   * A pasted repository, project or workspace access token. Such tokens are not users and cannot
   * call /2.0/user (bitbucket-api.md §2.4), so the repository or workspace they are for identifies them.
   */
  async signInWithAccessToken(
    token: string,
    resource: { workspace: string; repository: string | null },
  ): Promise<AccountRecord> {
    // Names, not paths: checked before the token goes anywhere (issue #7, point 7).
    if (resource.repository === null) assertWorkspaceName(resource.workspace)
    else assertRepositoryRef({ workspace: resource.workspace, repository: resource.repository })
    const account = this.newAccount('access-token', {
      displayName: resource.repository
        ? `Access token for ${resource.workspace}/${resource.repository}`
        : `Access token for workspace ${resource.workspace}`,
      resource,
      accessTokenExpiresAt: null,
    })
    let scopes: string[] = []
    const api = new ApiClient({
      apiUrl: this.deps.endpoints.apiUrl,
      authorizer: staticAuthorizer(`Bearer ${token}`),
      onScopes: (s) => (scopes = s),
    })
    const path = resource.repository
      ? repositoryPath({ workspace: resource.workspace, repository: resource.repository })
      : workspaceRepositoriesPath(resource.workspace, { pagelen: 1 })
    await this.verify(api, path, 'this access token')
    account.scopes = scopes
    await this.store(account, { [secretKeys.accessToken(account.id)]: token })
    return account
  }

  /** An Atlassian API token with the account's email (Basic authentication, §2.3). */
  async signInWithApiToken(email: string, token: string): Promise<AccountRecord> {
    let scopes: string[] = []
    const api = new ApiClient({
      apiUrl: this.deps.endpoints.apiUrl,
      authorizer: staticAuthorizer(basicAuthorization(email, token)),
      onScopes: (s) => (scopes = s),
    })
    const user = await this.verify<BitbucketUser>(api, USER_PATH, 'this API token and email')
    const account = this.newAccount('api-token', { ...userFields(user), email, accessTokenExpiresAt: null })
    account.scopes = scopes
    await this.store(account, { [secretKeys.accessToken(account.id)]: token })
    return account
  }

  /** Signs the current account out, revoking its tokens where Bitbucket allows. */
  async signOut(): Promise<{ account: AccountRecord | null; revoked: boolean }> {
    const account = await this.accounts.current()
    if (!account) return { account: null, revoked: false }
    let revoked = false
    const consumerSecret = await this.deps.secrets.get(secretKeys.consumerSecret(account.id))
    if (account.consumerKey && consumerSecret) {
      const client = new OAuthClient(this.deps.endpoints, { key: account.consumerKey, secret: consumerSecret })
      for (const key of [secretKeys.refreshToken(account.id), secretKeys.accessToken(account.id)]) {
        const token = await this.deps.secrets.get(key)
        if (token) revoked = (await client.revoke(token)) || revoked
      }
    }
    await this.deps.secrets.delete(...allSecretKeys(account.id))
    await this.accounts.remove(account.id)
    this.sessions.delete(account.id)
    await this.removeUnusedSecrets()
    this.log.info('sign-out', { account: account.id, accountKind: account.kind, revoked })
    return { account, revoked }
  }

  /** The current account's session, or null when nobody is signed in. */
  async session(): Promise<Session | null> {
    const account = await this.accounts.current()
    if (!account) return null
    const existing = this.sessions.get(account.id)
    if (existing) return existing
    const tokens = new TokenSource(account, {
      accounts: this.accounts,
      secrets: this.deps.secrets,
      clock: this.deps.clock,
      renewal: await this.renewalFor(account),
      locks: this.locks,
      logger: this.log,
    })
    const api = new ApiClient({
      apiUrl: account.apiUrl,
      authorizer: tokenAuthorizer(tokens),
      onScopes: (scopes) => {
        if (scopes.join(' ') === tokens.current.scopes.join(' ')) return
        this.accounts
          .patch(account.id, { scopes })
          .catch((error: unknown) => this.log.warn('account.scopes-not-saved', { error: String(error) }))
      },
    })
    const session: Session = { account, tokens, api, logger: this.log }
    this.sessions.set(account.id, session)
    return session
  }

  private async renewalFor(account: AccountRecord): Promise<Renewal | null> {
    if (account.kind !== 'oauth' && account.kind !== 'client-credentials') return null
    const secret = await this.deps.secrets.get(secretKeys.consumerSecret(account.id))
    if (!account.consumerKey || !secret) return null
    const client = new OAuthClient(
      { webUrl: account.webUrl, apiUrl: account.apiUrl },
      { key: account.consumerKey, secret },
      () => this.deps.clock.now(),
    )
    if (account.kind === 'client-credentials') return () => client.clientCredentials()
    return (refreshToken) => client.refresh(refreshToken!)
  }

  private async saveOAuthAccount(
    kind: 'oauth' | 'client-credentials',
    consumer: ConsumerCredentials,
    grant: TokenGrant,
  ): Promise<AccountRecord> {
    const api = new ApiClient({
      apiUrl: this.deps.endpoints.apiUrl,
      authorizer: staticAuthorizer(`Bearer ${grant.accessToken}`),
    })
    let user: BitbucketUser = {}
    try {
      user = await api.getJson<BitbucketUser>(USER_PATH)
    } catch (error) {
      // Without the `account` scope Pail cannot learn the name; it can still sync.
      if (!(error instanceof BitbucketError) || error.status !== 403) throw error
    }
    const account = this.newAccount(kind, {
      ...userFields(user),
      consumerKey: consumer.key,
      scopes: grant.scopes,
      accessTokenExpiresAt: grant.expiresAt,
      accessTokenLifetimeMs: grant.lifetimeMs,
    })
    if (!account.displayName)
      account.displayName = kind === 'client-credentials' ? 'Private consumer' : 'Bitbucket user'
    const secrets: Record<string, string> = {
      [secretKeys.accessToken(account.id)]: grant.accessToken,
      [secretKeys.consumerSecret(account.id)]: consumer.secret,
    }
    if (grant.refreshToken) secrets[secretKeys.refreshToken(account.id)] = grant.refreshToken
    await this.store(account, secrets)
    return account
  }

  private async verify<T>(api: ApiClient, path: string, what: string): Promise<T> {
    try {
      return await api.getJson<T>(path)
    } catch (error) {
      if (error instanceof BitbucketError && (error.status === 401 || error.status === 403)) {
        throw new SignInFailed(
          `Bitbucket did not accept ${what} (${error.message}). Check that it is complete and not expired, and that it has the permissions Pail needs.`,
        )
      }
      if (error instanceof BitbucketError && error.status === 404)
        throw new SignInFailed(
          `Bitbucket does not know ${path.replace(/^\/2\.0\/repositories\//, '').replace(/\?.*$/, '')}. Check the workspace and repository names.`,
        )
      throw error
    }
  }

  private newAccount(kind: AccountRecord['kind'], fields: Partial<AccountRecord>): AccountRecord {
    return {
      id: randomBytes(6).toString('hex'),
      kind,
      webUrl: this.deps.endpoints.webUrl,
      apiUrl: this.deps.endpoints.apiUrl,
      displayName: '',
      nickname: null,
      accountId: null,
      uuid: null,
      email: null,
      consumerKey: null,
      resource: null,
      scopes: [],
      accessTokenExpiresAt: null,
      accessTokenLifetimeMs: null,
      status: 'signed-in',
      signedOutReason: null,
      updatedAt: this.deps.clock.now(),
      ...fields,
    }
  }

  /** Secrets first, then the account record that points at them. */
  private async store(account: AccountRecord, secrets: Record<string, string>): Promise<void> {
    const previous = await this.accounts.current()
    for (const [key, value] of Object.entries(secrets)) await this.deps.secrets.set(key, value)
    await this.accounts.save(account)
    this.log.info('sign-in', {
      account: account.id,
      accountKind: account.kind,
      scopes: account.scopes,
      webUrl: account.webUrl,
    })
    if (previous && previous.id !== account.id) {
      await this.deps.secrets.delete(...allSecretKeys(previous.id))
      await this.accounts.remove(previous.id)
      this.sessions.delete(previous.id)
    }
    await this.removeUnusedSecrets()
  }

  /**
   * Removes secrets that no account on record uses: left by an account that was removed, or by a
   * damaged accounts file that was started afresh. Nothing unused is kept.
   */
  private async removeUnusedSecrets(): Promise<void> {
    const known = new Set(await this.accounts.ids())
    const unused = (await this.deps.secrets.keys()).filter((key) => {
      const owner = accountOfSecretKey(key)
      return owner !== null && !known.has(owner)
    })
    if (unused.length > 0) await this.deps.secrets.delete(...unused)
  }
}

function userFields(user: BitbucketUser): Partial<AccountRecord> {
  return {
    displayName: user.display_name ?? '',
    nickname: user.nickname ?? null,
    accountId: user.account_id ?? null,
    uuid: user.uuid ?? null,
  }
}

/** An Authorizer that always sends `header` and has no second chance after a 401. */
export function staticAuthorizer(header: string): Authorizer {
  return { header: async () => header, afterUnauthorized: async () => null }
}

/** The token inside an Authorization header this module built. */
function tokenOf(header: string): string {
  if (header.startsWith('Bearer ')) return header.slice(7)
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  return decoded.slice(decoded.indexOf(':') + 1)
}

/** Bearer (or, for API tokens, Basic email:token) from the TokenSource, with its 401 handling. */
export function tokenAuthorizer(tokens: TokenSource): Authorizer {
  const toHeader = (token: string): string =>
    tokens.current.kind === 'api-token' ? basicAuthorization(tokens.current.email ?? '', token) : `Bearer ${token}`
  return {
    header: async () => toHeader(await tokens.token()),
    afterUnauthorized: async (sent) => toHeader(await tokens.afterUnauthorized(tokenOf(sent))),
  }
}
