/**
 * The branch as the sync engine reads it: its tip, what changed between two commits (diffstat),
 * and the files under the pair's folder (directory listings). Paths in URLs are percent-encoded
 * per segment, never `%2F` (bitbucket-api.md §8.2).
 */
import { isUnderFolder } from '../../../../shared/bitbucket/repo-path.js'
import { BitbucketError, type ApiClient } from '../../bitbucket/api-client.js'
import { encodePath, repoBase, type RepoRef } from '../../bitbucket/api-paths.js'

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
): Promise<Map<string, RemoteChange>> {
  const changes = new Map<string, RemoteChange>()
  const path = `${repoBase(ref)}/diffstat/${tip}..${base}?topic=false&renames=false&pagelen=500`
  for await (const entry of api.paginate<DiffstatEntry>(path)) {
    if (entry.status === 'removed' && entry.old) {
      if (isUnderFolder(entry.old.path, prefix)) changes.set(entry.old.path, 'removed')
    } else if (entry.status === 'renamed' && entry.old && entry.new) {
      if (isUnderFolder(entry.old.path, prefix)) changes.set(entry.old.path, 'removed')
      if (isUnderFolder(entry.new.path, prefix)) changes.set(entry.new.path, 'added')
    } else if (entry.new && isUnderFolder(entry.new.path, prefix)) {
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
): Promise<Map<string, RemoteFile>> {
  const files = new Map<string, RemoteFile>()
  const queue = [prefix]
  while (queue.length > 0) {
    const dir = queue.shift()!
    // The root listing needs its trailing slash; so do the others, harmlessly (§8.2.5).
    const url = `${repoBase(ref)}/src/${commit}/${dir === '' ? '' : `${encodePath(dir)}/`}?pagelen=100`
    try {
      for await (const entry of api.paginate<ListingEntry>(url)) {
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
