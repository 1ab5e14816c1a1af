/**
 * The emulator's world: users, workspaces, repositories, OAuth consumers and every credential
 * it has issued. Persisted as one JSON file in the data directory so a restarted emulator keeps
 * its tokens (a client's stored refresh token must survive an emulator restart, as Bitbucket's
 * would). Tokens are stored only as SHA-256 digests: the state file never holds a usable secret.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface User {
  uuid: string
  accountId: string
  nickname: string
  displayName: string
  email: string
  createdOn: string
}

export interface Workspace {
  uuid: string
  slug: string
  name: string
  isPrivate: boolean
  createdOn: string
  /** userUuid → whether that member administers the workspace. */
  members: Record<string, { administrator: boolean }>
}

export type RepositoryPermission = 'read' | 'write' | 'admin'

export interface Repository {
  uuid: string
  workspace: string
  slug: string
  name: string
  description: string
  isPrivate: boolean
  createdOn: string
  updatedOn: string
  language: string
  projectKey: string
  /** userUuid → permission on this repository. */
  permissions: Record<string, RepositoryPermission>
}

export interface Consumer {
  key: string
  secretHash: string
  name: string
  /** The one callback URL of the consumer (§1.8); null models a consumer without one. */
  callbackUrl: string | null
  /** "This is a private consumer": enables client_credentials (§1.2). */
  isPrivate: boolean
  /** The permissions ticked on the consumer. */
  scopes: string[]
  ownerUuid: string
}

/** What kind of credential authenticated a call. */
export type CredentialKind =
  'oauth' | 'repository-access-token' | 'project-access-token' | 'workspace-access-token' | 'api-token'

export interface IssuedAccessToken {
  kind: CredentialKind
  scopes: string[]
  /** The user the token acts for; access tokens act as their own pseudo-user and have none. */
  userUuid: string | null
  consumerKey: string | null
  /** For repository/project/workspace access tokens: what they are limited to. */
  workspace: string | null
  repository: string | null
  /** Epoch ms; null never expires (repository access tokens, §2.4). */
  expiresAt: number | null
  revoked: boolean
  /** For Atlassian API tokens: the account email used with Basic auth. */
  email: string | null
  grant: string | null
}

export interface IssuedRefreshToken {
  consumerKey: string
  userUuid: string
  scopes: string[]
  createdAt: number
  /** Epoch ms of the first refresh that used it; it dies `refreshTokenGraceSeconds` later. */
  firstUsedAt: number | null
  revoked: boolean
}

export interface AuthorizationCode {
  consumerKey: string
  userUuid: string
  scopes: string[]
  redirectUri: string | null
  codeChallenge: string | null
  codeChallengeMethod: string | null
  expiresAt: number
  used: boolean
}

interface WorldData {
  users: User[]
  workspaces: Workspace[]
  repositories: Repository[]
  consumers: Consumer[]
  accessTokens: Record<string, IssuedAccessToken>
  refreshTokens: Record<string, IssuedRefreshToken>
  codes: Record<string, AuthorizationCode>
}

/** Digest under which a secret is stored. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** A random token of the configured length, URL-safe. */
export function newToken(length: number): string {
  let out = ''
  while (out.length < length) out += randomBytes(Math.ceil(length * 0.75) + 3).toString('base64url')
  return out.slice(0, length)
}

/**
 * Consumer keys and secrets as Bitbucket shows them: letters and digits only (18 and 32 long),
 * so clients that pass them to `curl -u` or Basic unchanged work as they do against Bitbucket.
 */
export function alphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('')
}

export function newUuid(): string {
  return `{${randomUUID()}}`
}

/** Loads and saves the world; every mutation calls `save()` (atomic rename). */
export class World {
  readonly data: WorldData
  private readonly file: string

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.file = join(dataDir, 'emulator-state.json')
    this.data = World.load(this.file)
  }

  private static load(file: string): WorldData {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as WorldData
    } catch {
      return {
        users: [],
        workspaces: [],
        repositories: [],
        consumers: [],
        accessTokens: {},
        refreshTokens: {},
        codes: {},
      }
    }
  }

  save(): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(this.data))
    renameSync(tmp, this.file)
  }

  user(uuid: string | null): User | undefined {
    return this.data.users.find((u) => u.uuid === uuid)
  }

  userByEmail(email: string): User | undefined {
    return this.data.users.find((u) => u.email.toLowerCase() === email.toLowerCase())
  }

  /** A workspace by slug or by `{uuid}`. */
  workspace(id: string): Workspace | undefined {
    return this.data.workspaces.find((w) => w.slug === id || w.uuid === id)
  }

  /** A repository by workspace and slug (either may be a `{uuid}`). */
  repository(workspace: string, slug: string): Repository | undefined {
    const ws = this.workspace(workspace)
    if (!ws) return undefined
    return this.data.repositories.find((r) => r.workspace === ws.slug && (r.slug === slug || r.uuid === slug))
  }

  consumer(key: string): Consumer | undefined {
    return this.data.consumers.find((c) => c.key === key)
  }

  accessToken(token: string): IssuedAccessToken | undefined {
    return this.data.accessTokens[digest(token)]
  }

  refreshToken(token: string): IssuedRefreshToken | undefined {
    return this.data.refreshTokens[digest(token)]
  }

  addAccessToken(token: string, record: IssuedAccessToken): void {
    this.data.accessTokens[digest(token)] = record
    this.save()
  }

  addRefreshToken(token: string, record: IssuedRefreshToken): void {
    this.data.refreshTokens[digest(token)] = record
    this.save()
  }

  /** An authorization code's record, looked up by its digest like every other secret. */
  authorizationCode(code: string): AuthorizationCode | undefined {
    return this.data.codes[digest(code)]
  }

  /** Stores an authorization code under its digest (the state file never holds the code itself). */
  addAuthorizationCode(code: string, record: AuthorizationCode): void {
    this.data.codes[digest(code)] = record
    this.save()
  }
}
