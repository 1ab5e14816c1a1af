/**
 * Repositories as the window lists and searches them: flattened from workspaces, matched by a
 * search text, and found again from the `workspace/slug` a select or a link carries.
 */
import type { RepositoryView, WorkspaceView } from '../../shared/ipc/views.js'

/** Every repository of every workspace, sorted by `workspace/slug`. */
export function allRepositories(workspaces: readonly WorkspaceView[]): RepositoryView[] {
  return workspaces.flatMap((w) => w.repositories).sort((a, b) => a.fullName.localeCompare(b.fullName))
}

/** Whether a repository matches the search: every word of it, case-insensitive, in its names. */
export function matchesSearch(repository: RepositoryView, search: string): boolean {
  const haystack = `${repository.fullName} ${repository.name}`.toLowerCase()
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word))
}

/** The workspaces with only their repositories that match, leaving out workspaces where none does. */
export function searchWorkspaces(
  workspaces: readonly WorkspaceView[],
  search: string,
  workspace: string | null = null,
): WorkspaceView[] {
  return workspaces
    .filter((w) => workspace === null || w.slug === workspace)
    .map((w) => ({ ...w, repositories: w.repositories.filter((r) => matchesSearch(r, search)) }))
    .filter((w) => w.repositories.length > 0 || (search.trim() === '' && workspace !== null))
}

/** The repository named `workspace/slug`, or null. */
export function findRepository(workspaces: readonly WorkspaceView[], fullName: string): RepositoryView | null {
  return allRepositories(workspaces).find((r) => r.fullName === fullName) ?? null
}

/** "workspace/slug" → its two parts, or null when it is not written that way. */
export function splitFullName(fullName: string): { workspace: string; repository: string } | null {
  const parts = fullName.split('/')
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null
  return { workspace: parts[0], repository: parts[1] }
}

/**
 * The branch to start with for a repository: its main branch, else "main" or "master" when it has
 * one, else its first; "main" for an empty repository (the first upload creates it).
 */
export function defaultBranch(
  repository: Pick<RepositoryView, 'mainBranch'> | null,
  branches: readonly string[],
): string {
  if (repository?.mainBranch) return repository.mainBranch
  return branches.find((b) => b === 'main') ?? branches.find((b) => b === 'master') ?? branches[0] ?? 'main'
}
