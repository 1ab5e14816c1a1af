/**
 * Carries out the reconciled actions on the folder side: branch changes come into the folder,
 * and what remains to commit is gathered. A path changed on both sides with different contents is
 * a conflict: the folder's version is kept as a conflict copy beside the file (and committed),
 * the branch's version takes the file's name — no version is lost (DESIGN.md §4).
 */
import { lstat, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ApiClient } from '../../bitbucket/api-client.js'
import { toLocalPath, toRepoPath } from '../../../../shared/bitbucket/repo-path.js'
import type { LocalChangeSet } from '../pass/change-set.js'
import { conflictCopyName, type Action } from '../pass/reconcile.js'
import { LocalChangedError, placeDownload, removeLocal, stageDownload } from './remote-download.js'
import type { RepoRef } from './remote-tree.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { IndexEntry, PairIndex, Upload } from '../types.js'

export interface ApplyInput {
  api: ApiClient
  ref: RepoRef
  pair: SyncPair
  tip: string | null
  actions: readonly Action[]
  local: LocalChangeSet
  /** Updated in place for every path brought in from the branch. */
  index: PairIndex
  device: string
  now: () => number
}

export interface Applied {
  uploads: Upload[]
  /** Repository paths to delete in the commit. */
  deletions: string[]
  /** Folder paths of those deletions. */
  deletedLocal: string[]
  /** Index entries the uploads get once the commit lands, by folder path. */
  hashed: Map<string, IndexEntry>
  /** Folder paths that were changed on both sides. */
  conflicts: string[]
  downloaded: number
}

/** Removes a path from the index (a plain record keyed by path). */
function forget(index: PairIndex, path: string): void {
  index.files = Object.fromEntries(Object.entries(index.files).filter(([p]) => p !== path))
}

export async function applyRemote(input: ApplyInput): Promise<Applied> {
  const { api, ref, pair, tip, local, index } = input
  const uploadsByRepo = new Map(local.uploads.map((u) => [u.repoPath, u]))
  const locallyDeleted = new Set(local.deletedPaths)
  const out: Applied = {
    uploads: [],
    deletions: [],
    deletedLocal: [],
    hashed: new Map(local.hashed),
    conflicts: [],
    downloaded: 0,
  }
  for (const action of input.actions) {
    const path = toLocalPath(action.path, pair.pathInRepo)
    switch (action.kind) {
      case 'upload':
        out.uploads.push(uploadsByRepo.get(action.path)!)
        break
      case 'delete-remote':
        out.deletions.push(action.path)
        out.deletedLocal.push(path)
        break
      case 'forget':
        forget(index, path)
        break
      case 'delete-local': {
        const known = index.files[path]
        if (known && (await removeLocal(pair.folder, path, known))) forget(index, path)
        break
      }
      case 'download': {
        const staged = await stageDownload(api, ref, tip!, action.path, pair.folder, path)
        try {
          index.files[path] = await placeDownload(
            pair.folder,
            path,
            staged,
            locallyDeleted.has(path) ? null : (index.files[path] ?? null),
          )
          out.downloaded++
        } catch (error) {
          // Changed here meanwhile: the next pass sees it as changed on both sides.
          if (!(error instanceof LocalChangedError)) throw error
        }
        break
      }
      case 'compare': {
        const mine = local.hashed.get(path)!
        const staged = await stageDownload(api, ref, tip!, action.path, pair.folder, path)
        if (staged.sha === mine.sha && staged.mode === mine.mode) {
          await rm(staged.tempPath, { force: true })
          index.files[path] = mine
          break
        }
        const copy = conflictCopyName(path, input.device, new Date(input.now()))
        if (await lstat(join(pair.folder, copy)).catch(() => null)) {
          await rm(staged.tempPath, { force: true })
          throw new Error(
            `Pail could not keep both versions of ${path}: ${copy} already exists. Rename one of them and Pail will try again.`,
          )
        }
        await rename(join(pair.folder, path), join(pair.folder, copy))
        index.files[path] = await placeDownload(pair.folder, path, staged, null)
        out.downloaded++
        const upload = uploadsByRepo.get(action.path)!
        out.uploads.push({
          ...upload,
          repoPath: toRepoPath(copy, pair.pathInRepo),
          absolutePath: join(pair.folder, copy),
        })
        out.hashed.set(copy, mine)
        out.conflicts.push(path)
        break
      }
    }
  }
  return out
}
