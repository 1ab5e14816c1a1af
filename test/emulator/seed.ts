/**
 * The starting world of a fresh data directory: a user and a second user, a workspace, a
 * repository with a `main` branch and a first commit, an empty repository, a read-only one,
 * a public and a private OAuth consumer, a repository access token and an API token.
 * The seed secrets are kept in `seed-credentials.json` (mode 0600) so that a restarted emulator
 * prints the same ones.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from './context.js'
import { alphanumeric, digest, newToken, newUuid, type Repository, type RepositoryPermission } from './model.js'

export interface SeedCredentials {
  publicConsumer: { key: string; secret: string; callbackUrl: string }
  privateConsumer: { key: string; secret: string }
  repositoryAccessToken: string
  apiToken: { email: string; token: string }
}

/**
 * Every consumer needs a callback URL, even one used only for client credentials (§1.8, §1.6);
 * an unattended consumer's is never visited.
 */
export const UNATTENDED_CALLBACK_URL = 'http://127.0.0.1/unused-callback'

export const SEED = {
  user: { nickname: 'alex-staff', displayName: 'Alex Staff', email: 'alex@example.com' },
  otherUser: { nickname: 'robin-remote', displayName: 'Robin Remote', email: 'robin@example.com' },
  workspace: 'pail-demo',
  // Alex administers the workspace, so every repository in it is writable for Alex — read-only
  // included: that one is read-only for Robin-like members. Tests that need a refused write give
  // the second user read permission on a repository.
  repository: 'handbook',
  emptyRepository: 'empty-repo',
  readOnlyRepository: 'read-only',
  mainBranch: 'main',
  /** Scopes ticked on the seeded consumers: what Pail needs (bitbucket-api.md §2.1). */
  consumerScopes: ['account', 'repository:write'],
} as const

function now(): string {
  return new Date().toISOString().replace('Z', '+00:00')
}

function accountId(): string {
  return `712020:${randomBytes(16).toString('hex')}`
}

/** Creates a repository record and its bare git repository; `firstCommit` adds a README on main. */
export async function createRepository(
  emulator: Emulator,
  input: {
    workspace: string
    slug: string
    name?: string
    permissions: Record<string, RepositoryPermission>
    firstCommit: boolean
    isPrivate?: boolean
  },
): Promise<Repository> {
  const repo: Repository = {
    uuid: newUuid(),
    workspace: input.workspace,
    slug: input.slug,
    name: input.name ?? input.slug,
    description: '',
    isPrivate: input.isPrivate ?? true,
    createdOn: now(),
    updatedOn: now(),
    language: '',
    projectKey: 'PAIL',
    permissions: input.permissions,
  }
  const git = emulator.git(repo)
  await git.init(SEED.mainBranch)
  if (input.firstCommit) {
    const owner = emulator.world.data.users[0]!
    const blob = await git.writeBlob(`# ${repo.name}\n\nCreated by the Bitbucket Cloud emulator.\n`)
    const sha = await git.createCommit({
      parent: null,
      changes: [{ path: 'README.md', blob, mode: '100644' }],
      deletions: [],
      message: 'Initial commit',
      authorName: owner.displayName,
      authorEmail: owner.email,
    })
    await git.moveBranch(SEED.mainBranch, sha, null)
  }
  emulator.world.data.repositories.push(repo)
  emulator.world.save()
  return repo
}

/** Seeds an empty world (first start) and returns the seed secrets, reading them back on restarts. */
export async function seedWorld(emulator: Emulator, callbackUrl: string): Promise<SeedCredentials> {
  const file = join(emulator.dataDir, 'seed-credentials.json')
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SeedCredentials
    const consumer = emulator.world.consumer(saved.publicConsumer.key)
    if (consumer && consumer.callbackUrl !== callbackUrl) {
      consumer.callbackUrl = callbackUrl
      saved.publicConsumer.callbackUrl = callbackUrl
      emulator.world.save()
      writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 })
    }
    return saved
  }
  const { world } = emulator
  const user = { uuid: newUuid(), accountId: accountId(), ...SEED.user, createdOn: now() }
  const other = { uuid: newUuid(), accountId: accountId(), ...SEED.otherUser, createdOn: now() }
  world.data.users.push(user, other)
  world.data.workspaces.push({
    uuid: newUuid(),
    slug: SEED.workspace,
    name: 'Pail Demo',
    isPrivate: true,
    createdOn: now(),
    members: { [user.uuid]: { administrator: true }, [other.uuid]: { administrator: false } },
  })
  await createRepository(emulator, {
    workspace: SEED.workspace,
    slug: SEED.repository,
    name: 'Handbook',
    permissions: { [user.uuid]: 'admin', [other.uuid]: 'write' },
    firstCommit: true,
  })
  await createRepository(emulator, {
    workspace: SEED.workspace,
    slug: SEED.emptyRepository,
    name: 'Empty repo',
    permissions: { [user.uuid]: 'admin' },
    firstCommit: false,
  })
  await createRepository(emulator, {
    workspace: SEED.workspace,
    slug: SEED.readOnlyRepository,
    name: 'Read only',
    permissions: { [user.uuid]: 'read', [other.uuid]: 'admin' },
    firstCommit: true,
  })

  const credentials: SeedCredentials = {
    publicConsumer: { key: alphanumeric(18), secret: alphanumeric(32), callbackUrl },
    privateConsumer: { key: alphanumeric(18), secret: alphanumeric(32) },
    repositoryAccessToken: `ATCTT3x${newToken(emulator.settings.tokenLength)}`,
    apiToken: { email: user.email, token: `ATATT3x${newToken(180)}` },
  }
  world.data.consumers.push(
    {
      key: credentials.publicConsumer.key,
      secretHash: digest(credentials.publicConsumer.secret),
      name: 'Pail',
      callbackUrl,
      isPrivate: false,
      scopes: [...SEED.consumerScopes],
      ownerUuid: user.uuid,
    },
    {
      key: credentials.privateConsumer.key,
      secretHash: digest(credentials.privateConsumer.secret),
      name: 'Pail unattended',
      callbackUrl: UNATTENDED_CALLBACK_URL,
      isPrivate: true,
      scopes: [...SEED.consumerScopes],
      ownerUuid: user.uuid,
    },
  )
  world.addAccessToken(credentials.repositoryAccessToken, {
    kind: 'repository-access-token',
    scopes: ['repository', 'repository:write'],
    userUuid: null,
    consumerKey: null,
    workspace: SEED.workspace,
    repository: SEED.repository,
    expiresAt: null,
    revoked: false,
    email: null,
    grant: null,
  })
  world.addAccessToken(credentials.apiToken.token, {
    kind: 'api-token',
    scopes: [
      'read:user:bitbucket',
      'read:workspace:bitbucket',
      'read:repository:bitbucket',
      'write:repository:bitbucket',
    ],
    userUuid: user.uuid,
    consumerKey: null,
    workspace: null,
    repository: null,
    expiresAt: Date.now() + 365 * 24 * 3600 * 1000,
    revoked: false,
    email: user.email,
    grant: null,
  })
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 })
  return credentials
}
