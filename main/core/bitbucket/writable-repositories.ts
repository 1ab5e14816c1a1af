/**
 * The workspaces of the signed-in account and, in each, the repositories it can write to — what
 * `pail repos` prints and the window's Repositories screen shows. Workspaces come from
 * /2.0/user/workspaces (bitbucket-api.md §4.4), repositories from /2.0/repositories/{ws} with
 * `role=contributor` (§4.5); a repository access token reaches its one repository only.
 */
import type { Session } from '../auth/auth-service.js'
import type { ApiClient } from './api-client.js'
import {
  branchesPath,
  repositoryPath,
  USER_WORKSPACES_PATH,
  workspaceRepositoriesPath,
  type RepoRef,
} from './api-paths.js'

/** The fields of Bitbucket's repository object that Pail shows. */
export interface RepositoryJson {
  full_name: string
  name: string
  slug?: string
  is_private: boolean
  mainbranch?: { name: string } | null
  links?: { html?: { href: string } }
}

interface WorkspaceAccess {
  workspace: { slug: string }
}

export interface WorkspaceRepositories {
  workspace: string
  repositories: RepositoryJson[]
}

/** Each workspace (or only `only`) with the repositories the session may write to, in Bitbucket's order by slug. */
export async function writableRepositories(
  session: Session,
  only: string | null = null,
): Promise<WorkspaceRepositories[]> {
  const { api } = session
  const account = session.tokens.current
  let workspaces: string[]
  if (only !== null) workspaces = [only]
  else if (account.kind === 'access-token') workspaces = account.resource ? [account.resource.workspace] : []
  else workspaces = await workspacesOf(api)
  const single = account.kind === 'access-token' ? (account.resource?.repository ?? null) : null
  if (single === null) return writableIn(api, workspaces)
  const result: WorkspaceRepositories[] = []
  for (const workspace of workspaces)
    result.push({
      workspace,
      repositories: [await api.getJson<RepositoryJson>(repositoryPath({ workspace, repository: single }))],
    })
  return result
}

/** Each of `workspaces` with the repositories the API client's credential may write to (`role=contributor`). */
export async function writableIn(api: ApiClient, workspaces: readonly string[]): Promise<WorkspaceRepositories[]> {
  const result: WorkspaceRepositories[] = []
  for (const workspace of workspaces) {
    const repositories: RepositoryJson[] = []
    const path = workspaceRepositoriesPath(workspace, { role: 'contributor', pagelen: 100, sort: 'slug' })
    for await (const repo of api.paginate<RepositoryJson>(path)) repositories.push(repo)
    result.push({ workspace, repositories })
  }
  return result
}

/** The slugs of every workspace the API client's credential belongs to (§4.4). */
export async function workspacesOf(api: ApiClient): Promise<string[]> {
  const workspaces: string[] = []
  for await (const access of api.paginate<WorkspaceAccess>(USER_WORKSPACES_PATH)) workspaces.push(access.workspace.slug)
  return workspaces
}

/** The names of a repository's branches, by name. */
export async function branchNames(session: Session, ref: RepoRef): Promise<string[]> {
  const names: string[] = []
  for await (const branch of session.api.paginate<{ name: string }>(branchesPath(ref))) names.push(branch.name)
  return names
}
