/**
 * The caller's own account and workspaces (bitbucket-api.md §4.3–§4.5): `GET /2.0/user`,
 * `/2.0/user/workspaces`, `/2.0/user/workspaces/{workspace}/permission` and
 * `/2.0/user/workspaces/{workspace}/permissions/repositories`.
 */
import { authorizeOperation, INVALID_MESSAGE, permissionOn, type Credential } from '../auth.js'
import { ApiError, sendJson } from '../http.js'
import type { User, Workspace } from '../model.js'
import type { RequestContext, Route } from '../router.js'
import { operation, type OperationPath } from '../scopes.js'
import { sendListing } from './listing.js'
import { workspaceParam } from './params.js'
import {
  currentUserJson,
  link,
  repositorySummaryJson,
  userSummaryJson,
  workspaceBaseJson,
  workspaceJson,
} from './serializers.js'

/** Authorizes a user-centred operation; access tokens are refused by the scope table (§2.4). */
function callingUser(ctx: RequestContext, path: OperationPath): { credential: Credential; user: User } {
  const credential = authorizeOperation(ctx, operation('GET', path))
  if (!credential.user) throw new ApiError(401, INVALID_MESSAGE)
  return { credential, user: credential.user }
}

/** The workspace of the URL, which the caller must be a member of (403 otherwise, as [SPEC] lists). */
function memberWorkspace(ctx: RequestContext, user: User): { ws: Workspace; administrator: boolean } {
  const ws = workspaceParam(ctx)
  const membership = ws.members[user.uuid]
  if (!membership) throw new ApiError(403, 'Forbidden')
  return { ws, administrator: membership.administrator }
}

function getUser(ctx: RequestContext): void {
  const { user } = callingUser(ctx, '/user')
  sendJson(ctx.res, 200, currentUserJson(ctx.emulator, user))
}

/** `workspace_access` values; `administrator` filters, `q`/`sort` know `slug` (§4.4); pagelen 25 as in [SPEC]'s example. */
function listUserWorkspaces(ctx: RequestContext): void {
  const { user } = callingUser(ctx, '/user/workspaces')
  const administrator = ctx.url.searchParams.get('administrator')
  if (administrator !== null && administrator !== 'true' && administrator !== 'false') {
    throw new ApiError(400, 'Invalid administrator', { detail: 'administrator must be true or false.' })
  }
  const values = ctx.emulator.world.data.workspaces
    .filter(
      (ws) =>
        ws.members[user.uuid] &&
        (administrator === null || ws.members[user.uuid]!.administrator === (administrator === 'true')),
    )
    .map((ws) => ({
      administrator: ws.members[user.uuid]!.administrator,
      type: 'workspace_access',
      workspace: workspaceBaseJson(ctx.emulator, ws),
    }))
  sendListing(ctx, values, { aliases: { slug: 'workspace.slug' }, defaultPagelen: 25 })
}

/** `workspace_membership` with the caller's effective role: `owner` for administrators, else `member` (§4.4). */
function getWorkspacePermission(ctx: RequestContext): void {
  const { user } = callingUser(ctx, '/user/workspaces/{workspace}/permission')
  const { ws, administrator } = memberWorkspace(ctx, user)
  sendJson(ctx.res, 200, {
    type: 'workspace_membership',
    permission: administrator ? 'owner' : 'member',
    user: userSummaryJson(ctx.emulator, user),
    workspace: workspaceJson(ctx.emulator, ws),
    links: {
      self: link(
        `${ctx.emulator.apiUrl}/2.0/workspaces/${encodeURIComponent(ws.slug)}/members/${encodeURIComponent(user.uuid)}`,
      ),
    },
  })
}

/** `repository_permission` values for every repository the caller can reach in the workspace (§4.5). */
function listRepositoryPermissions(ctx: RequestContext): void {
  const { credential, user } = callingUser(ctx, '/user/workspaces/{workspace}/permissions/repositories')
  const { ws } = memberWorkspace(ctx, user)
  const values = ctx.emulator.world.data.repositories
    .filter((repo) => repo.workspace === ws.slug)
    .map((repo) => ({ repo, permission: permissionOn(ctx.emulator, credential, repo) }))
    .filter((item) => item.permission !== null)
    .map(({ repo, permission }) => ({
      type: 'repository_permission',
      user: userSummaryJson(ctx.emulator, user),
      repository: repositorySummaryJson(ctx.emulator, repo),
      permission,
    }))
  // [SPEC]: `q=permission>"read"` means write or admin, so permissions compare by rank.
  sendListing(ctx, values, { orderings: { permission: ['none', 'read', 'write', 'admin'] } })
}

/** Routes under `/2.0/user`. */
export const userRoutes: Route[] = [
  { method: 'GET', template: '/2.0/user', handler: getUser },
  { method: 'GET', template: '/2.0/user/workspaces', handler: listUserWorkspaces },
  { method: 'GET', template: '/2.0/user/workspaces/{workspace}/permission', handler: getWorkspacePermission },
  {
    method: 'GET',
    template: '/2.0/user/workspaces/{workspace}/permissions/repositories',
    handler: listRepositoryPermissions,
  },
]
