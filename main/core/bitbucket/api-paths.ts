/**
 * The API paths Pail builds, in one place: `/2.0/repositories/{workspace}/{repo_slug}` and what
 * hangs below it, every segment percent-encoded, a file path encoded segment by segment and never
 * as `%2F` (bitbucket-api.md §8.2).
 */

/** A repository on Bitbucket. */
export interface RepoRef {
  workspace: string
  repository: string
}

/** `/2.0/repositories/{ws}/{slug}` with each part encoded. */
export function repoBase(ref: RepoRef): string {
  return `/2.0/repositories/${encodeURIComponent(ref.workspace)}/${encodeURIComponent(ref.repository)}`
}

/** A repository path encoded segment by segment. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
