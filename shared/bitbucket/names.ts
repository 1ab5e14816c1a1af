/**
 * What Bitbucket accepts as a workspace, a repository and a branch name, in one place: the CLI,
 * the window, the pair store and the API client refuse the same things. A name is a name, never a
 * path: `../..` as a repository would otherwise send files and a token to URLs outside
 * `/2.0/repositories/` (issue #7, point 7).
 *
 * - Workspace IDs: letters, digits, `-` and `_` (Bitbucket's "Change a workspace ID" page).
 * - Repository slugs: letters, digits, `-`, `_` and `.`, at most 62 characters (Bitbucket's
 *   "What is a repository slug?"); never `.` or `..`.
 * - Either may also be given as a `{UUID}` (bitbucket-api.md §4.1).
 * - Branches: git's ref-name rules (`git check-ref-format --branch`).
 */

/** A name a person gave that Bitbucket cannot take; the message says what is wrong and what to do. */
export class BitbucketNameError extends Error {
  readonly code = 'bitbucket-name.invalid'
}

/** A workspace or repository slug. */
export type NameKind = 'workspace' | 'repository'

const UUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i
const WORKSPACE = /^[A-Za-z0-9_-]+$/
const REPOSITORY = /^[A-Za-z0-9_.-]+$/
/** Bitbucket Cloud's limit for repository slugs. */
export const MAX_REPOSITORY_SLUG_LENGTH = 62

/** Text as it can be shown in a message: quoted, with line breaks and other invisible characters escaped. */
function shown(text: string): string {
  return JSON.stringify(text)
}

/** Whether `name` is a `{UUID}`, which Bitbucket takes in place of any slug. */
export function isUuidName(name: string): boolean {
  return UUID.test(name)
}

/** Why `name` is not a workspace ID Bitbucket takes, or null when it is one. */
export function workspaceProblem(name: string): string | null {
  if (name === '') return 'The workspace is empty: write it as workspace/repository.'
  if (isUuidName(name) || WORKSPACE.test(name)) return null
  return `${shown(name)} is not a workspace: Bitbucket workspace IDs have only letters, digits, "-" and "_". Copy it from the repository's address, bitbucket.org/WORKSPACE/REPOSITORY.`
}

/** Why `name` is not a repository slug Bitbucket takes, or null when it is one. */
export function repositoryProblem(name: string): string | null {
  if (name === '') return 'The repository is empty: write it as workspace/repository.'
  if (isUuidName(name)) return null
  if (name === '.' || name === '..' || !REPOSITORY.test(name) || name.length > MAX_REPOSITORY_SLUG_LENGTH)
    return `${shown(name)} is not a repository: Bitbucket repository names have only letters, digits, "-", "_" and "." (at most ${MAX_REPOSITORY_SLUG_LENGTH}). Copy it from the repository's address, bitbucket.org/WORKSPACE/REPOSITORY.`
  return null
}

/**
 * Why `name` is not a branch name git accepts, or null when it is one: the rules of
 * `git check-ref-format --branch` (git-check-ref-format(1)), each refusal saying which one.
 */
export function branchProblem(name: string): string | null {
  const refuse = (why: string): string =>
    `${shown(name)} is not a branch name git accepts: ${why}. Check the branch's name on Bitbucket.`
  if (name === '') return 'The branch name is empty.'
  if (hasControlOrSpace(name)) return refuse('it contains a space, a line break or another invisible character')
  if (/[~^:?*[\\]/.test(name)) return refuse('it contains one of ~ ^ : ? * [ \\')
  if (name.startsWith('-')) return refuse('it starts with "-"')
  if (name === 'HEAD') return refuse('"HEAD" is reserved by git')
  if (name.includes('..')) return refuse('it contains ".."')
  if (name.includes('@{')) return refuse('it contains "@{"')
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return refuse('it starts or ends with "/", or has "//"')
  if (name.endsWith('.')) return refuse('it ends with "."')
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return refuse('a part of it starts with "."')
    if (part.endsWith('.lock')) return refuse('a part of it ends with ".lock"')
  }
  return null
}

function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code <= 0x20 || code === 0x7f) return true
  }
  return false
}

/** Whether Bitbucket takes `name` as a workspace ID. */
export function isWorkspaceName(name: string): boolean {
  return workspaceProblem(name) === null
}

/** Whether Bitbucket takes `name` as a repository slug. */
export function isRepositoryName(name: string): boolean {
  return repositoryProblem(name) === null
}

/** Whether git takes `name` as a branch name. */
export function isBranchName(name: string): boolean {
  return branchProblem(name) === null
}

function orThrow(problem: string | null): void {
  if (problem !== null) throw new BitbucketNameError(problem)
}

/** Throws BitbucketNameError unless `workspace` and `repository` are names Bitbucket takes. */
export function assertRepositoryRef(ref: { workspace: string; repository: string }): void {
  orThrow(workspaceProblem(ref.workspace))
  orThrow(repositoryProblem(ref.repository))
}

/** Throws BitbucketNameError unless `workspace` is a workspace ID Bitbucket takes. */
export function assertWorkspaceName(workspace: string): void {
  orThrow(workspaceProblem(workspace))
}

/** Throws BitbucketNameError unless `branch` is a branch name git takes. */
export function assertBranchName(branch: string): void {
  orThrow(branchProblem(branch))
}

/** "workspace/repository" → its two parts, each checked; anything else throws BitbucketNameError. */
export function parseRepositoryRef(text: string): { workspace: string; repository: string } {
  const slash = text.indexOf('/')
  if (slash < 0 || text.indexOf('/', slash + 1) >= 0)
    throw new BitbucketNameError(`${shown(text)} is not a repository: write it as workspace/repository.`)
  const ref = { workspace: text.slice(0, slash), repository: text.slice(slash + 1) }
  assertRepositoryRef(ref)
  return ref
}

/**
 * Whether a file or folder name can travel in a commit: a line break or NUL would end the
 * multipart part header that carries it (bitbucket-api.md §3), so Bitbucket cannot take it.
 */
export function isUploadableName(name: string): boolean {
  return !/[\r\n\0]/.test(name)
}
