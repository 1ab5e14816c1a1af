/**
 * Carries out the reconciled actions on the folder side: branch changes come into the folder,
 * and what remains to commit is gathered. A path changed on both sides with different contents is
 * a conflict: the folder's version is kept as a conflict copy beside the file (and committed),
 * the branch's version takes the file's name — no version is lost (DESIGN.md §4).
 *
 * A branch change that cannot be brought in is refused, never dropped (issue #7, point 1): the
 * file changed here meanwhile (the pass compares it again, now changed on both sides), or its place
 * is not safely inside the folder (point 5). The caller keeps refused paths from being forgotten
 * when the base moves. Every write, rename and delete goes through InsideFolder.
 */
import { lstat } from 'node:fs/promises'
import type { ApiClient } from '../../bitbucket/api-client.js'
import { OutsideFolderError, type InsideFolder, type OutsideReason } from '../../fs/inside-folder.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { toLocalPath, toRepoPath } from '../../../../shared/bitbucket/repo-path.js'
import type { LocalChangeSet } from '../pass/change-set.js'
import { conflictCopyName, type Action } from '../pass/reconcile.js'
import {
  dropStaged,
  LocalChangedError,
  placeDownload,
  RemoteLinkOutsideError,
  removeLocal,
  stageDownload,
  stagedLinkLeavesFolder,
  type DownloadTarget,
  type StagedFile,
} from './remote-download.js'
import type { RepoRef } from './remote-tree.js'
import type { StagingRun } from './staging-record.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { IndexEntry, PairIndex, Upload } from '../types.js'

export interface ApplyInput {
  api: ApiClient
  ref: RepoRef
  pair: SyncPair
  /** The commit the branch's versions are read at. */
  tip: string | null
  actions: readonly Action[]
  local: LocalChangeSet
  /** Updated in place for every path brought in from the branch. */
  index: PairIndex
  device: string
  now: () => number
  inside: InsideFolder
  staging: StagingRun
  logger?: Logger
  /** Where the branch's files are read when not from the REST API (git-branch-reader.ts). */
  source?: DownloadTarget['source']
}

/**
 * Why a branch change was not brought in: the file changed here meanwhile; its place is not
 * safely inside the folder; it is a link pointing outside the folder, which Pail never creates; or
 * this computer does not let Pail into its place (a folder or file without permission for it).
 */
export type RefusalReason = 'changed-here' | 'outside-folder' | 'link-outside' | 'no-access'

/** File-system refusals of permission: the place stays as it is, the change waits for the next pass. */
const NO_ACCESS = new Set(['EACCES', 'EPERM'])

/** A branch change not brought in this time. */
export interface Refusal {
  /** Repository path. */
  path: string
  reason: RefusalReason
  message: string
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
  /** Folder paths of the conflict copies made. */
  copies: string[]
  /** Branch changes not brought in; every other branch change of `actions` is now in the folder. */
  refused: Refusal[]
  downloaded: number
}

/** Removes a path from the index (a plain record keyed by path). */
function forget(index: PairIndex, path: string): void {
  Reflect.deleteProperty(index.files, path)
}

/** Whether an error is InsideFolder refusing for `reason` (at `path` itself, when given). */
function isClash(error: unknown, reason: OutsideReason, path?: string): error is OutsideFolderError {
  return (
    error instanceof OutsideFolderError && error.reason === reason && (path === undefined || error.blocker === path)
  )
}

/** How many copies of one file within one minute Pail names before it gives up. */
const MAX_COPY_NAMES = 100

/** A conflict-copy name that nothing in the folder has yet. */
async function freeCopyName(input: ApplyInput, path: string): Promise<string> {
  const when = new Date(input.now())
  for (let n = 1; n <= MAX_COPY_NAMES; n++) {
    const copy = conflictCopyName(path, input.device, when, n)
    if (!(await lstat(input.inside.absolute(copy)).catch(() => null))) return copy
  }
  throw new Error(
    `Pail could not keep both versions of ${path}: too many conflict copies of it already exist. Delete some of them and Pail will try again.`,
  )
}

export async function applyRemote(input: ApplyInput): Promise<Applied> {
  const { api, ref, pair, tip, local, index, inside, staging } = input
  const log = input.logger ?? silentLogger
  const uploadsByRepo = new Map(local.uploads.map((u) => [u.repoPath, u]))
  const locallyDeleted = new Set(local.deletedPaths)
  const out: Applied = {
    uploads: [],
    deletions: [],
    deletedLocal: [],
    hashed: new Map(local.hashed),
    conflicts: [],
    copies: [],
    refused: [],
    downloaded: 0,
  }
  /** Records a refusal, or rethrows what is not one. */
  const refuse = (repoPath: string, error: unknown): void => {
    if (error instanceof LocalChangedError)
      out.refused.push({ path: repoPath, reason: 'changed-here', message: error.message })
    else if (error instanceof OutsideFolderError)
      out.refused.push({ path: repoPath, reason: 'outside-folder', message: error.message })
    else if (NO_ACCESS.has((error as NodeJS.ErrnoException).code ?? ''))
      out.refused.push({
        path: repoPath,
        reason: 'no-access',
        message: `Pail may not open the place of “${toLocalPath(repoPath, pair.pathInRepo)}” on this computer (no permission), so the Bitbucket change to it waits. Give Pail access to the folder and it is brought in.`,
      })
    else throw error
  }
  const stage = (repoPath: string, localPath: string): Promise<StagedFile> =>
    stageDownload({
      api,
      ref,
      commit: tip!,
      repoPath,
      localPath,
      inside,
      staging,
      ...(input.source ? { source: input.source } : {}),
    })

  /**
   * A folder here has the name of a file the branch changed (a file replaced by a folder on one
   * side): as with any conflict, what is here moves to a conflict copy — the folder, with its
   * files — and the pass compares again, so the branch's file comes in under its own name and the
   * folder's files go up under the copy's. Both versions are kept; nothing unseen is deleted.
   */
  const folderInTheWay = async (repoPath: string, localPath: string): Promise<void> => {
    const copy = await freeCopyName(input, localPath)
    await inside.moveFolder(localPath, copy)
    out.copies.push(copy)
    out.conflicts.push(localPath)
    out.refused.push({
      path: repoPath,
      reason: 'changed-here',
      message: `${localPath} is a folder here and a file in Bitbucket; the folder was kept as ${copy}.`,
    })
    log.warn('sync.file-folder-clash', { path: localPath, kept: 'file from Bitbucket, folder here as a copy' })
  }

  /**
   * A file here has the name of a folder the branch put files in (a folder replaced by a file on
   * one side): the file here moves to a conflict copy, and the pass compares again, so the
   * branch's folder comes in and the copy goes up. Both versions are kept. False when what is in
   * the way is not a plain file (then the change is refused as usual).
   */
  const fileInTheWay = async (repoPath: string, blocker: string): Promise<boolean> => {
    const info = await lstat(inside.absolute(blocker)).catch(() => null)
    if (!info?.isFile()) return false
    const copy = await freeCopyName(input, blocker)
    await inside.rename(blocker, copy)
    // Its upload (if already gathered) goes up under the copy's name.
    const blockerRepo = toRepoPath(blocker, pair.pathInRepo)
    const at = out.uploads.findIndex((u) => u.repoPath === blockerRepo)
    const hashed = out.hashed.get(blocker)
    if (at >= 0 && hashed) {
      out.uploads[at] = {
        ...out.uploads[at]!,
        repoPath: toRepoPath(copy, pair.pathInRepo),
        absolutePath: inside.absolute(copy),
      }
      out.hashed.delete(blocker)
      out.hashed.set(copy, hashed)
    }
    out.copies.push(copy)
    out.conflicts.push(blocker)
    out.refused.push({
      path: repoPath,
      reason: 'changed-here',
      message: `${blocker} is a file here and a folder in Bitbucket; the file was kept as ${copy}.`,
    })
    log.warn('sync.file-folder-clash', { path: blocker, kept: 'folder from Bitbucket, file here as a copy' })
    return true
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
        if (!known) break
        try {
          if (await removeLocal(inside, path, known)) forget(index, path)
          else refuse(action.path, new LocalChangedError(`${path} changed on this computer; Pail keeps it.`))
        } catch (error) {
          refuse(action.path, error)
        }
        break
      }
      case 'download': {
        try {
          // Before downloading: nothing is fetched for a place Pail will not write.
          await inside.check(path)
          const staged = await stage(action.path, path)
          index.files[path] = await placeDownload(
            inside,
            path,
            staged,
            locallyDeleted.has(path) ? null : (index.files[path] ?? null),
          )
          out.downloaded++
        } catch (error) {
          if (error instanceof RemoteLinkOutsideError)
            out.refused.push({ path: action.path, reason: 'link-outside', message: error.message })
          else if (isClash(error, 'is-a-folder', path)) await folderInTheWay(action.path, path)
          else if (isClash(error, 'not-a-folder') && (await fileInTheWay(action.path, error.blocker))) break
          else refuse(action.path, error)
        }
        break
      }
      case 'compare': {
        const mine = local.hashed.get(path)!
        let staged: StagedFile
        try {
          await inside.check(path)
          staged = await stage(action.path, path)
        } catch (error) {
          refuse(action.path, error)
          break
        }
        if (staged.sha === mine.sha && staged.mode === mine.mode) {
          await dropStaged(staged)
          index.files[path] = mine
          break
        }
        const upload = uploadsByRepo.get(action.path)!
        let copy: string
        try {
          copy = await freeCopyName(input, path)
          await inside.rename(path, copy)
        } catch (error) {
          await dropStaged(staged)
          // Gone since the scan: compared again, it is a deletion here against a change there.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            refuse(action.path, new LocalChangedError(`${path} was removed on this computer meanwhile.`))
          else refuse(action.path, error)
          break
        }
        out.copies.push(copy)
        out.conflicts.push(path)
        out.uploads.push({
          ...upload,
          repoPath: toRepoPath(copy, pair.pathInRepo),
          absolutePath: inside.absolute(copy),
        })
        out.hashed.set(copy, mine)
        if (stagedLinkLeavesFolder(inside, path, staged)) {
          // The branch's version is a link pointing outside, which Pail never creates: the name
          // stays empty here (reported as skipped) and the folder's version goes up as the copy.
          await dropStaged(staged)
          out.refused.push({
            path: action.path,
            reason: 'link-outside',
            message: `${path} is a link in Bitbucket that points outside the folder; Pail does not create it.`,
          })
          break
        }
        try {
          index.files[path] = await placeDownload(inside, path, staged, null)
          out.downloaded++
        } catch (error) {
          // Re-created between the rename and now: the copy keeps the earlier version, the file
          // here the newest, and the branch's version is compared again with it. Nothing is lost.
          refuse(action.path, error)
        }
        break
      }
    }
  }
  return out
}
