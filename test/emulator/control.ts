/**
 * The test control endpoint, `{webUrl}/_emulator/…` (JSON in, JSON out). It arms faults, changes
 * settings at run time, expires and revokes tokens, mints consumers and tokens with chosen
 * scopes, commits as another user to move a branch, and exposes the request log.
 */
import { ApiError, readBody, sendJson } from './http.js'
import { alphanumeric, digest, newToken, type CredentialKind, type RepositoryPermission } from './model.js'
import type { Route, RequestContext } from './router.js'
import { createRepository, UNATTENDED_CALLBACK_URL } from './seed.js'
import type { EmulatorServer } from './server.js'

async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const body = await readBody(ctx.req)
  if (body.length === 0) return {}
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new ApiError(400, 'The control endpoint takes a JSON body')
  }
}

function str(body: Record<string, unknown>, key: string, fallback?: string): string {
  const value = body[key] ?? fallback
  if (typeof value !== 'string' || value === '') throw new ApiError(400, `"${key}" is required`)
  return value
}

function scopes(body: Record<string, unknown>, fallback: string[]): string[] {
  const value = body.scopes
  if (value === undefined) return fallback
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string'))
    throw new ApiError(400, '"scopes" must be a list of strings')
  return value as string[]
}

export function controlRoutes(emulator: EmulatorServer): Route[] {
  const { world } = emulator
  const ok = (ctx: RequestContext, body: unknown, status = 200): void => sendJson(ctx.res, status, body)
  return [
    { method: 'GET', template: '/_emulator/info', handler: (ctx) => ok(ctx, emulator.info()) },
    { method: 'GET', template: '/_emulator/settings', handler: (ctx) => ok(ctx, emulator.settings) },
    {
      method: 'PATCH',
      template: '/_emulator/settings',
      handler: async (ctx) => {
        try {
          ok(ctx, emulator.updateSettings(await jsonBody(ctx)))
        } catch (error) {
          if (error instanceof ApiError) throw error
          throw new ApiError(400, (error as Error).message)
        }
      },
    },
    { method: 'GET', template: '/_emulator/faults', handler: (ctx) => ok(ctx, emulator.faults.list()) },
    {
      method: 'POST',
      template: '/_emulator/faults',
      handler: async (ctx) => {
        try {
          ok(ctx, emulator.faults.add(await jsonBody(ctx)), 201)
        } catch (error) {
          if (error instanceof ApiError) throw error
          throw new ApiError(400, (error as Error).message)
        }
      },
    },
    {
      method: 'DELETE',
      template: '/_emulator/faults',
      handler: (ctx) => (emulator.faults.clear(), ok(ctx, { cleared: true })),
    },
    { method: 'GET', template: '/_emulator/requests', handler: (ctx) => ok(ctx, emulator.requestLog) },
    {
      // API and git requests apart, per consumer; `?since=<epoch ms>` counts only later ones.
      method: 'GET',
      template: '/_emulator/requests/counts',
      handler: (ctx) => ok(ctx, emulator.requestCounts(Number(ctx.url.searchParams.get('since') ?? 0) || 0)),
    },
    {
      // Each consumer's requests within the rolling hour, as its budget counts them (§5).
      method: 'GET',
      template: '/_emulator/budgets',
      handler: (ctx) => ok(ctx, { consumers: emulator.budgets.consumerUse() }),
    },
    {
      method: 'DELETE',
      template: '/_emulator/requests',
      handler: (ctx) => ((emulator.requestLog.length = 0), ok(ctx, { cleared: true })),
    },
    { method: 'GET', template: '/_emulator/issued-secrets', handler: (ctx) => ok(ctx, emulator.issuedSecrets) },
    {
      // Expires access tokens now: one (`token`), a consumer's (`consumer`) or every OAuth access token (`all: true`).
      method: 'POST',
      template: '/_emulator/tokens/expire',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        let count = 0
        if (typeof body.token === 'string') {
          const record = world.accessToken(body.token)
          if (!record) throw new ApiError(404, 'No such access token')
          record.expiresAt = Date.now() - 1000
          count = 1
        } else {
          const consumer = typeof body.consumer === 'string' ? body.consumer : null
          for (const record of Object.values(world.data.accessTokens)) {
            if (consumer !== null && record.consumerKey !== consumer) continue
            if (record.kind === 'oauth' && (record.expiresAt === null || record.expiresAt > Date.now())) {
              record.expiresAt = Date.now() - 1000
              count++
            }
          }
        }
        world.save()
        ok(ctx, { expired: count })
      },
    },
    {
      // Revokes one token (access or refresh) or every grant of a consumer.
      method: 'POST',
      template: '/_emulator/tokens/revoke',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        let count = 0
        if (typeof body.token === 'string') {
          const access = world.accessToken(body.token)
          const refresh = world.refreshToken(body.token)
          if (access) access.revoked = true
          if (refresh) refresh.revoked = true
          count = (access ? 1 : 0) + (refresh ? 1 : 0)
        } else if (typeof body.consumer === 'string') {
          for (const record of [
            ...Object.values(world.data.accessTokens),
            ...Object.values(world.data.refreshTokens),
          ]) {
            if (record.consumerKey === body.consumer && !record.revoked) {
              record.revoked = true
              count++
            }
          }
        } else throw new ApiError(400, 'Give "token" or "consumer"')
        world.save()
        ok(ctx, { revoked: count })
      },
    },
    {
      method: 'POST',
      template: '/_emulator/consumers',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const key = alphanumeric(18)
        const secret = alphanumeric(32)
        const callbackUrl =
          body.callbackUrl === null
            ? null
            : typeof body.callbackUrl === 'string'
              ? body.callbackUrl
              : UNATTENDED_CALLBACK_URL
        world.data.consumers.push({
          key,
          secretHash: digest(secret),
          name: typeof body.name === 'string' ? body.name : 'Test consumer',
          callbackUrl,
          isPrivate: body.isPrivate === true,
          scopes: scopes(body, ['account', 'repository:write']),
          ownerUuid: world.data.users[0]!.uuid,
        })
        world.save()
        emulator.issued(secret)
        ok(ctx, { key, secret, callbackUrl }, 201)
      },
    },
    {
      // Mints a repository/project/workspace access token or an Atlassian API token.
      method: 'POST',
      template: '/_emulator/access-tokens',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const kind = str(body, 'kind', 'repository-access-token') as CredentialKind
        if (!['repository-access-token', 'project-access-token', 'workspace-access-token', 'api-token'].includes(kind))
          throw new ApiError(400, 'Unknown token kind')
        const user = kind === 'api-token' ? world.userByEmail(str(body, 'email', world.data.users[0]!.email)) : null
        if (kind === 'api-token' && !user) throw new ApiError(400, 'No user with that email')
        const token =
          kind === 'api-token' ? `ATATT3x${newToken(180)}` : `ATCTT3x${newToken(emulator.settings.tokenLength)}`
        const expiresIn = typeof body.expiresInSeconds === 'number' ? body.expiresInSeconds : null
        world.addAccessToken(token, {
          kind,
          scopes: scopes(
            body,
            kind === 'api-token'
              ? [
                  'read:user:bitbucket',
                  'read:workspace:bitbucket',
                  'read:repository:bitbucket',
                  'write:repository:bitbucket',
                ]
              : ['repository', 'repository:write'],
          ),
          userUuid: user?.uuid ?? null,
          consumerKey: null,
          workspace: kind === 'api-token' ? null : str(body, 'workspace', 'pail-demo'),
          repository:
            kind === 'repository-access-token'
              ? str(body, 'repository', 'handbook')
              : typeof body.repository === 'string'
                ? body.repository
                : null,
          expiresAt: expiresIn === null ? null : Date.now() + expiresIn * 1000,
          revoked: false,
          email: user?.email ?? null,
          grant: null,
        })
        emulator.issued(token)
        ok(ctx, { token }, 201)
      },
    },
    {
      // Mints an OAuth access token for a user without the browser dance (tests of other parts).
      method: 'POST',
      template: '/_emulator/oauth-tokens',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const user = world.userByEmail(str(body, 'email', world.data.users[0]!.email))
        if (!user) throw new ApiError(400, 'No user with that email')
        const token = newToken(emulator.settings.tokenLength)
        const lifetime =
          typeof body.expiresInSeconds === 'number'
            ? body.expiresInSeconds
            : emulator.settings.accessTokenLifetimeSeconds
        const consumer = world.data.consumers.find((c) => !c.isPrivate) ?? world.data.consumers[0]!
        world.addAccessToken(token, {
          kind: 'oauth',
          scopes: scopes(body, ['account', 'repository:write']),
          userUuid: user.uuid,
          consumerKey: consumer.key,
          workspace: null,
          repository: null,
          expiresAt: Date.now() + lifetime * 1000,
          revoked: false,
          email: null,
          grant: 'authorization_code',
        })
        emulator.issued(token)
        ok(ctx, { token }, 201)
      },
    },
    {
      method: 'POST',
      template: '/_emulator/repositories',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const workspace = str(body, 'workspace', 'pail-demo')
        const slug = str(body, 'slug')
        if (!world.workspace(workspace)) throw new ApiError(404, `No workspace ${workspace}`)
        if (world.repository(workspace, slug)) throw new ApiError(400, `Repository ${workspace}/${slug} exists`)
        const permissions: Record<string, RepositoryPermission> = {}
        const users = world.data.users
        permissions[users[0]!.uuid] = (
          typeof body.permission === 'string' ? body.permission : 'admin'
        ) as RepositoryPermission
        if (users[1]) permissions[users[1].uuid] = 'write'
        const repo = await createRepository(emulator, {
          workspace,
          slug,
          permissions,
          firstCommit: body.empty !== true,
        })
        ok(ctx, { workspace: repo.workspace, slug: repo.slug, uuid: repo.uuid }, 201)
      },
    },
    {
      // Another user's commit: moves a branch under Pail's feet (§3 409 scenarios).
      method: 'POST',
      template: '/_emulator/commit',
      handler: async (ctx) => {
        const body = await jsonBody(ctx)
        const repo = world.repository(str(body, 'workspace', 'pail-demo'), str(body, 'repository', 'handbook'))
        if (!repo) throw new ApiError(404, 'No such repository')
        const branch = str(body, 'branch', 'main')
        const author = world.userByEmail(
          str(body, 'authorEmail', world.data.users[1]?.email ?? world.data.users[0]!.email),
        )
        if (!author) throw new ApiError(400, 'No user with that email')
        const files = (body.files ?? {}) as Record<string, string>
        const deletions = (body.deletions ?? []) as string[]
        const git = emulator.git(repo)
        const sha = await git.exclusive(async () => {
          const parent = await git.branchTip(branch)
          const blobs = await git.writeBlobs(Object.values(files))
          const changes = Object.keys(files).map((path, i) => ({ path, blob: blobs[i]!, mode: '100644' }))
          const created = await git.createCommit({
            parent,
            changes,
            deletions,
            message: typeof body.message === 'string' ? body.message : `Edited by ${author.displayName}`,
            authorName: author.displayName,
            authorEmail: author.email,
          })
          if (!(await git.moveBranch(branch, created, parent))) throw new ApiError(409, 'Branch moved meanwhile')
          return created
        })
        ok(ctx, { hash: sha, branch }, 201)
      },
    },
  ]
}
