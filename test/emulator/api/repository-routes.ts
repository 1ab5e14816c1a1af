/**
 * Workspaces and repositories (bitbucket-api.md §4.4, §4.5): `GET /2.0/workspaces/{workspace}`,
 * `GET /2.0/repositories/{workspace}` and `GET /2.0/repositories/{workspace}/{repo_slug}`, plus
 * the 410 Gone of the cross-workspace endpoints retired by CHANGE-2770.
 */
import { authorizeOperation, permissionOn, type Credential } from '../auth.js'
import type { Emulator } from '../context.js'
import { ApiError, sendJson } from '../http.js'
import type { Repository, RepositoryPermission, Workspace } from '../model.js'
import type { RequestContext, Route } from '../router.js'
import { operation } from '../scopes.js'
import { sendListing } from './listing.js'
import { noSuchWorkspace, repositoryParam, workspaceParam } from './params.js'
import { repositoryJson, workspaceJson } from './serializers.js'

const ANNOUNCEMENT = { announcement_url: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770' }

/** §4.4: the exact 410 body Bitbucket sent for the retired cross-workspace endpoints. */
function gone(): never {
  throw new ApiError(410, 'CHANGE-2770 - Functionality has been deprecated', {
    detail: 'Please read the changelog entry for more details.',
    data: ANNOUNCEMENT,
    topLevelData: ANNOUNCEMENT,
  })
}

/** An access token only sees the workspace it belongs to (§2.4); users see any workspace. */
function getWorkspace(ctx: RequestContext): void {
  const credential = authorizeOperation(ctx, operation('GET', '/workspaces/{workspace}'))
  const ws = workspaceParam(ctx)
  if (credential.kind.endsWith('access-token') && credential.record.workspace !== ws.slug)
    throw noSuchWorkspace(ctx.params.workspace!)
  sendJson(ctx.res, 200, workspaceJson(ctx.emulator, ws))
}

const ROLES = ['admin', 'contributor', 'member', 'owner'] as const
type Role = (typeof ROLES)[number]
const RANK: Record<RepositoryPermission, number> = { read: 1, write: 2, admin: 3 }

/**
 * [SPEC] `role`: member = read, contributor = write (admin included), admin = admin, owner =
 * every repository of a workspace the caller owns (administers). Without `role`, every
 * repository the caller can see: its own and the public ones.
 */
function visible(
  emulator: Emulator,
  credential: Credential,
  ws: Workspace,
  repo: Repository,
  role: Role | null,
): boolean {
  const permission = permissionOn(emulator, credential, repo)
  switch (role) {
    case null:
      return permission !== null || !repo.isPrivate
    case 'owner':
      return credential.user !== null && ws.members[credential.user.uuid]?.administrator === true
    case 'member':
      return permission !== null
    case 'contributor':
      return permission !== null && RANK[permission] >= RANK.write
    case 'admin':
      return permission === 'admin'
  }
}

async function listRepositories(ctx: RequestContext): Promise<void> {
  const credential = authorizeOperation(ctx, operation('GET', '/repositories/{workspace}'))
  const ws = workspaceParam(ctx)
  const roleParam = ctx.url.searchParams.get('role')
  if (roleParam !== null && !(ROLES as readonly string[]).includes(roleParam)) {
    throw new ApiError(400, 'Invalid role', { detail: `role must be one of ${ROLES.join(', ')}.` })
  }
  const role = roleParam as Role | null
  const repos = ctx.emulator.world.data.repositories.filter(
    (repo) => repo.workspace === ws.slug && visible(ctx.emulator, credential, ws, repo, role),
  )
  sendListing(ctx, await Promise.all(repos.map((repo) => repositoryJson(ctx.emulator, repo))))
}

async function getRepository(ctx: RequestContext): Promise<void> {
  authorizeOperation(ctx, operation('GET', '/repositories/{workspace}/{repo_slug}'))
  sendJson(ctx.res, 200, await repositoryJson(ctx.emulator, repositoryParam(ctx)))
}

/** Workspace and repository routes, and the four retired endpoints. */
export const repositoryRoutes: Route[] = [
  { method: 'GET', template: '/2.0/workspaces', handler: gone },
  { method: 'GET', template: '/2.0/repositories', handler: gone },
  { method: 'GET', template: '/2.0/user/permissions/workspaces', handler: gone },
  { method: 'GET', template: '/2.0/user/permissions/repositories', handler: gone },
  { method: 'GET', template: '/2.0/workspaces/{workspace}', handler: getWorkspace },
  { method: 'GET', template: '/2.0/repositories/{workspace}', handler: listRepositories },
  { method: 'GET', template: '/2.0/repositories/{workspace}/{repo_slug}', handler: getRepository },
]
