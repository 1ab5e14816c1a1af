/**
 * Path parameters shared by the read routes: workspaces and repositories named by slug or by
 * `{uuid}` (bitbucket-api.md §4.1, [SPEC-URI]).
 */
import { requireRepository } from '../auth.js'
import { ApiError } from '../http.js'
import type { Repository, Workspace } from '../model.js'
import type { RequestContext } from '../router.js'

/** The 404 for an unknown workspace, worded as Bitbucket words it (SonarQube's `BitbucketCloudRestClientTest` fixture). */
export function noSuchWorkspace(id: string): ApiError {
  return new ApiError(404, `No workspace with identifier '${id}'.`)
}

/** The `{workspace}` of the URL, by slug or `{uuid}`; 404 when there is none. */
export function workspaceParam(ctx: RequestContext): Workspace {
  const id = ctx.params.workspace!
  const ws = ctx.emulator.world.workspace(id)
  if (!ws) throw noSuchWorkspace(id)
  return ws
}

/**
 * The readable repository of the URL. [SPEC-URI]: "Once you have the UUID for a repository you no
 * longer need a username or team name … so long as you use an empty field" (`/repositories/%7B%7D/%7B…%7D`).
 */
export function repositoryParam(ctx: RequestContext): Repository {
  let workspace = ctx.params.workspace!
  let slug = ctx.params.repo_slug!
  if (workspace === '{}') {
    const byUuid = ctx.emulator.world.data.repositories.find((r) => r.uuid === slug)
    if (byUuid) ({ workspace, slug } = byUuid)
  }
  return requireRepository(ctx, workspace, slug, 'read')
}
