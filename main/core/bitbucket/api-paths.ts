/**
 * The API paths (and commit pages) Pail builds, in one place: `/2.0/repositories/{workspace}/{repo_slug}`
 * and what hangs below it, every segment percent-encoded, a file path encoded segment by segment
 * and never as `%2F` (bitbucket-api.md §8.2). Workspace and repository are checked as Bitbucket
 * names first (shared/bitbucket/names.ts), so no name can climb out of `/2.0/repositories/`
 * however it is spelled; a name that is not one throws BitbucketNameError.
 */
import { assertRepositoryRef, assertWorkspaceName } from '../../../shared/bitbucket/names.js'

/** A repository on Bitbucket. */
export interface RepoRef {
  workspace: string
  repository: string
}

/** The signed-in user: `GET /2.0/user` (§4.3). */
export const USER_PATH = '/2.0/user'

/** The user's workspaces (§4.4), `pagelen` at its maximum. */
export const USER_WORKSPACES_PATH = '/2.0/user/workspaces?pagelen=100'

/** `?key=value&…`, encoded; '' when there is nothing to add. */
function query(params: Record<string, string | number> | undefined): string {
  const entries = Object.entries(params ?? {}).map(([key, value]): [string, string] => [key, String(value)])
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`
}

/** `/2.0/repositories/{ws}/{slug}` with each part checked and encoded. */
export function repoBase(ref: RepoRef): string {
  assertRepositoryRef(ref)
  return `/2.0/repositories/${encodeURIComponent(ref.workspace)}/${encodeURIComponent(ref.repository)}`
}

/** The repositories of a workspace: `/2.0/repositories/{ws}?…` (§4.5). */
export function workspaceRepositoriesPath(workspace: string, params?: Record<string, string | number>): string {
  assertWorkspaceName(workspace)
  return `/2.0/repositories/${encodeURIComponent(workspace)}${query(params)}`
}

/** One repository, with optional query parameters. */
export function repositoryPath(ref: RepoRef, params?: Record<string, string | number>): string {
  return `${repoBase(ref)}${query(params)}`
}

/** A repository's branches, 100 a page, by name. */
export function branchesPath(ref: RepoRef): string {
  return `${repoBase(ref)}/refs/branches${query({ pagelen: 100, sort: 'name' })}`
}

/** `POST …/src`: one commit (§3). */
export function srcCommitPath(ref: RepoRef): string {
  return `${repoBase(ref)}/src`
}

/** A repository path encoded segment by segment. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

/** The web page of a commit, for people: `{web}/{ws}/{slug}/commits/{sha}`. */
export function commitLink(webUrl: string, ref: RepoRef, commit: string): string {
  assertRepositoryRef(ref)
  const base = webUrl.replace(/\/+$/, '')
  return `${base}/${encodeURIComponent(ref.workspace)}/${encodeURIComponent(ref.repository)}/commits/${encodeURIComponent(commit)}`
}
