/**
 * The branch as the sync engine reads it: its tip, the main branch's tip, whether a commit still
 * exists, what changed between two commits (diffstat), and the files under the pair's folder
 * (directory listings). Paths in URLs are percent-encoded per segment, never `%2F`
 * (bitbucket-api.md §8.2). Every path Bitbucket names is checked before it is handed on
 * (remote-path.ts): one that could leave the folder is logged and left out.
 */
import { BitbucketError, type ApiClient } from '../../bitbucket/api-client.js'
import { encodePath, repoBase, type RepoRef } from '../../bitbucket/api-paths.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { judgeRemotePath } from './remote-path.js'

export type { RepoRef } from '../../bitbucket/api-paths.js'
import type { RemoteChange } from '../pass/reconcile.js'
import type { FileMode } from '../types.js'

/** The commit at the tip of `branch`, or null when the branch does not exist (yet). */
export async function branchTip(api: ApiClient, ref: RepoRef, branch: string): Promise<string | null> {
  try {
    const json = await api.getJson<{ target: { hash: string } }>(
      `${repoBase(ref)}/refs/branches/${encodeURIComponent(branch)}`,
    )
    return json.target.hash
  } catch (error) {
    if (error instanceof BitbucketError && error.status === 404) return null
    throw error
  }
}

/** The repository's main branch's tip, or null for an empty repository (no main branch yet). */
export async function mainBranchTip(api: ApiClient, ref: RepoRef): Promise<string | null> {
  const repo = await api.getJson<{ mainbranch?: { name?: string } | null }>(repoBase(ref))
  const name = repo.mainbranch?.name
  return name ? branchTip(api, ref, name) : null
}

/** Whether `commit` still exists in the repository (a deleted branch's commits may be gone). */
export async function commitExists(api: ApiClient, ref: RepoRef, commit: string): Promise<boolean> {
  try {
    await api.getJson<{ hash: string }>(`${repoBase(ref)}/commit/${commit}`)
    return true
  } catch (error) {
    if (error instanceof BitbucketError && error.status === 404) return false
    throw error
  }
}

/** Keeps a repository path that may become a local path under `prefix`; logs one that is refused. */
export function usable(path: string, prefix: string, log: Logger): boolean {
  const verdict = judgeRemotePath(path, prefix)
  if (verdict === 'use') return true
  if (verdict !== 'outside') log.warn('sync.remote-path-refused', { path, reason: verdict.refused })
  return false
}

interface DiffstatEntry {
  status: 'added' | 'removed' | 'modified' | 'renamed'
  old: { path: string } | null
  new: { path: string } | null
}

/**
 * What changed on the branch from `base` to `tip`, under `prefix`: Bitbucket's diffstat with
 * `tip..base` (the first commit holds the changes, the opposite of `git diff`), plain two-way
 * (`topic=false`) and without rename detection, so a rename is a removal plus an addition.
 */
export async function remoteChanges(
  api: ApiClient,
  ref: RepoRef,
  base: string,
  tip: string,
  prefix: string,
  log: Logger = silentLogger,
): Promise<Map<string, RemoteChange>> {
  const changes = new Map<string, RemoteChange>()
  const path = `${repoBase(ref)}/diffstat/${tip}..${base}?topic=false&renames=false&pagelen=500`
  for await (const entry of api.paginate<DiffstatEntry>(path)) {
    if (entry.status === 'removed' && entry.old) {
      if (usable(entry.old.path, prefix, log)) changes.set(entry.old.path, 'removed')
    } else if (entry.status === 'renamed' && entry.old && entry.new) {
      if (usable(entry.old.path, prefix, log)) changes.set(entry.old.path, 'removed')
      if (usable(entry.new.path, prefix, log)) changes.set(entry.new.path, 'added')
    } else if (entry.new && usable(entry.new.path, prefix, log)) {
      changes.set(entry.new.path, entry.status === 'added' ? 'added' : 'modified')
    }
  }
  return changes
}

export interface RemoteFile {
  path: string
  size: number
  mode: FileMode
}

interface ListingEntry {
  type: 'commit_file' | 'commit_directory'
  path: string
  size?: number
  attributes?: string[]
}

/** The mode of a `commit_file` from its attributes (a list in real responses, §4.7). */
export function modeOf(attributes: readonly string[] | undefined): FileMode {
  if (attributes?.includes('link')) return 'link'
  if (attributes?.includes('executable')) return 'executable'
  return 'file'
}

/** Every file under `prefix` at `commit`, directory by directory (listings are one level deep). */
export async function listFiles(
  api: ApiClient,
  ref: RepoRef,
  commit: string,
  prefix: string,
  log: Logger = silentLogger,
): Promise<Map<string, RemoteFile>> {
  const files = new Map<string, RemoteFile>()
  const queue = [prefix]
  while (queue.length > 0) {
    const dir = queue.shift()!
    // The root listing needs its trailing slash; so do the others, harmlessly (§8.2.5).
    const url = `${repoBase(ref)}/src/${commit}/${dir === '' ? '' : `${encodePath(dir)}/`}?pagelen=100`
    try {
      for await (const entry of api.paginate<ListingEntry>(url)) {
        // A folder outside the pair's (a listing that strays) or with an unsafe name is not entered.
        if (!usable(entry.path, prefix, log)) continue
        if (entry.type === 'commit_directory') queue.push(entry.path)
        else files.set(entry.path, { path: entry.path, size: entry.size ?? 0, mode: modeOf(entry.attributes) })
      }
    } catch (error) {
      // The pair's folder does not exist in the repository yet: nothing to list.
      if (error instanceof BitbucketError && error.status === 404 && dir === prefix) return files
      throw error
    }
  }
  return files
}

/**
 * The branch's changes since the index's base, with those a pass could not bring in yet (kept
 * as unapplied), or, on a first sync (no base), every file of the branch under the folder as added.
 */
export async function branchChangesSince(input: {
  api: ApiClient
  ref: RepoRef
  base: string | null
  tip: string | null
  unapplied: ReadonlyMap<string, RemoteChange>
  prefix: string
  logger?: Logger
  /** Reads the branch through git first (git-branch-reader.ts); null from it: the REST API answers. */
  git?: {
    changes(base: string, tip: string, prefix: string): Promise<Map<string, RemoteChange> | null>
    files(tip: string, prefix: string): Promise<Set<string> | null>
  }
}): Promise<Map<string, RemoteChange>> {
  const { api, ref, base, tip, prefix, logger, git } = input
  if (tip === null) return new Map()
  if (base === null) {
    const paths = (await git?.files(tip, prefix)) ?? (await listFiles(api, ref, tip, prefix, logger)).keys()
    return new Map([...paths].map((path) => [path, 'added' as const]))
  }
  const changes =
    tip === base
      ? new Map<string, RemoteChange>()
      : ((await git?.changes(base, tip, prefix)) ?? (await remoteChanges(api, ref, base, tip, prefix, logger)))
  for (const [path, change] of input.unapplied) if (!changes.has(path)) changes.set(path, change)
  return changes
}
