/**
 * Brings a file from the branch into the folder without ever leaving half a file: the bytes go
 * to a hidden temporary file beside the target (ignored by the scanner: `*.tmp`), hashed on the
 * way, and replace the target by rename only if the target is still what the caller expects.
 *
 * Nothing is left behind and nothing unverified is recorded (issue #7, point 3): the temporary
 * name is written down in the pair's state folder before the file exists (staging-record.ts), a
 * failure at any step removes the file, and the hash is GitBlobHasher's over exactly the size
 * `format=meta` announced — a download cut short throws instead of naming a blob nobody stored.
 * Every write, rename and delete goes through InsideFolder, so none follows a link out of the folder.
 */
import type { FileHandle } from 'node:fs/promises'
import { lstat, readlink } from 'node:fs/promises'
import { dirname, relative, resolve, sep } from 'node:path'
import { BitbucketError, type ApiClient } from '../../bitbucket/api-client.js'
import { encodePath, repoBase, type RepoRef } from '../../bitbucket/api-paths.js'
import { OutsideFolderError, type InsideFolder } from '../../fs/inside-folder.js'
import { GitBlobHasher, hashBlob, hashFile } from '../../git/blob-hash.js'
import type { FileMode, IndexEntry } from '../types.js'
import { modeOf } from './remote-tree.js'
import type { StagingRun } from './staging-record.js'

/** The target changed while the download ran: the caller treats the path as changed on both sides. */
export class LocalChangedError extends Error {}

/** The branch holds a link pointing outside the folder: Pail does not create it. */
export class RemoteLinkOutsideError extends Error {}

interface Meta {
  size: number
  attributes?: string[]
}

/** A download staged beside its target, not yet in place. */
export interface StagedFile {
  /** Folder-relative path of the temporary file (for a link: the name it is made under, once placed). */
  tempPath: string
  /** Git blob SHA-1 of exactly `size` bytes, as they arrived. */
  sha: string
  size: number
  mode: FileMode
  linkTarget: string | null
  /** The staging run that named the temporary file (it tracks the file until it is placed). */
  run: StagingRun
}

/**
 * A file's bytes at a commit, from wherever they are read: the REST API (`format=meta`, then the
 * raw file) or the pair's git mirror (git-branch-reader.ts). `size` comes before the bytes: the
 * hasher refuses any other count.
 */
export interface BlobSource {
  size: number
  mode: FileMode
  /** Hands the bytes to `write`, chunk by chunk, waiting for each. */
  read(write: (chunk: Buffer) => Promise<void>): Promise<void>
}

/** Where a download comes from and goes to. */
export interface DownloadTarget {
  api: ApiClient
  ref: RepoRef
  commit: string
  repoPath: string
  /** Folder-relative path of the file once placed. */
  localPath: string
  inside: InsideFolder
  staging: StagingRun
  /** Where the bytes come from when not from the REST API (null there: the REST API). */
  source?: (commit: string, repoPath: string) => Promise<BlobSource | null>
}

/** The file through the REST API: its size and mode from `format=meta`, then its bytes. */
async function restSource(target: DownloadTarget): Promise<BlobSource> {
  const url = `${repoBase(target.ref)}/src/${target.commit}/${encodePath(target.repoPath)}`
  const meta = await target.api.getJson<Meta>(`${url}?format=meta`)
  return {
    size: meta.size,
    mode: modeOf(meta.attributes),
    read: (write) =>
      target.api.download(url, async (body) => {
        for await (const chunk of body as AsyncIterable<Buffer>) await write(chunk)
      }),
  }
}

/** The message of a download that did not arrive whole (a dropped connection, a short body). */
function cutOff(localPath: string, cause: unknown): BitbucketError {
  const error = new BitbucketError(
    0,
    `The download of “${localPath}” from Bitbucket did not arrive whole (the connection was cut off, or the size was not what Bitbucket announced). Pail left the file as it was and will try again.`,
  )
  error.cause = cause
  return error
}

/** Downloads `repoPath` at `commit` into a temporary file beside its target. */
export async function stageDownload(target: DownloadTarget): Promise<StagedFile> {
  const { inside, localPath } = target
  const source = (await target.source?.(target.commit, target.repoPath)) ?? (await restSource(target))
  const { mode } = source
  // Recorded before the file exists, so a kill from here on leaves a name the next pass removes.
  const tempPath = await target.staging.tempFor(localPath)
  let handle: FileHandle | null = null
  try {
    // A link's content is its target, kept in memory: nothing is written (no folder made) for a
    // link that placeDownload may refuse to create.
    if (mode !== 'link') {
      handle = await inside.createFile(tempPath, 0o644)
      target.staging.made(tempPath)
    }
    const file = handle
    // Git's header carries the size before the content: the source gave it, and the hasher
    // refuses to finish on any other count of bytes.
    const hasher = new GitBlobHasher(source.size)
    const chunks: Buffer[] = []
    await source.read(async (chunk) => {
      hasher.update(chunk)
      if (mode === 'link') chunks.push(chunk)
      await file?.write(chunk)
    })
    let sha: string
    try {
      sha = hasher.digest()
    } catch (error) {
      throw cutOff(localPath, error)
    }
    if (file) {
      if (mode === 'executable') await file.chmod(0o755)
      // On disk before the index says the file is there: a power cut must not leave an empty file
      // that the next scan would take for the person's edit and upload over the branch's version.
      await file.sync()
      await file.close()
      handle = null
    }
    const linkTarget = mode === 'link' ? Buffer.concat(chunks).toString('utf8') : null
    return { tempPath, sha, size: source.size, mode, linkTarget, run: target.staging }
  } catch (error) {
    await handle?.close().catch(() => undefined)
    await target.staging.drop(tempPath).catch(() => undefined)
    if (error instanceof BitbucketError) throw error
    // A local write failure (a full disk, permissions) is the error itself; anything else broke the body.
    if ((error as NodeJS.ErrnoException).syscall !== undefined) throw error
    if (error instanceof OutsideFolderError) throw error
    throw cutOff(localPath, error)
  }
}

/** Removes a staged download that will not be placed. */
export async function dropStaged(staged: StagedFile): Promise<void> {
  await staged.run.drop(staged.tempPath)
}

/**
 * Whether the path still holds what the index says (null: nothing). Size and mtime answer when
 * they can; a zero mtime (hashed too soon after a write) or a moved one falls back to the hash.
 */
async function stillIs(target: string, expected: IndexEntry | null): Promise<boolean> {
  const now = await lstat(target).catch(() => null)
  if (expected === null || now === null) return expected === null && now === null
  if (now.isSymbolicLink() !== (expected.mode === 'link') || now.size !== expected.size) return false
  if (expected.mtimeMs !== 0 && now.mtimeMs === expected.mtimeMs) return true
  if (now.isSymbolicLink()) return hashBlob(await readlink(target)) === expected.sha
  return (await hashFile(target)).sha === expected.sha
}

/** Whether a link's target stays inside the folder (links pointing outside are not created). */
function linkStaysInside(folder: string, linkPath: string, target: string): boolean {
  const resolved = resolve(dirname(linkPath), target)
  const rel = relative(folder, resolved)
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..'
}

/** Whether a staged download is a link pointing outside the folder (Pail never creates one). */
export function stagedLinkLeavesFolder(inside: InsideFolder, localPath: string, staged: StagedFile): boolean {
  return (
    staged.mode === 'link' &&
    (!staged.linkTarget || !linkStaysInside(inside.root, inside.absolute(localPath), staged.linkTarget))
  )
}

/**
 * Moves a staged download into place. `expected` is what the index or scan says is there now
 * (null: nothing); if the file changed since, the download is dropped and LocalChangedError thrown.
 * Throws OutsideFolderError (the download dropped) when the place is not safely inside the folder.
 */
export async function placeDownload(
  inside: InsideFolder,
  localPath: string,
  staged: StagedFile,
  expected: IndexEntry | null,
): Promise<IndexEntry> {
  const target = inside.absolute(localPath)
  try {
    // Before looking at the target: a linked parent would have it read (and replaced) elsewhere.
    await inside.check(localPath)
    if (!(await stillIs(target, expected)))
      throw new LocalChangedError(
        `${localPath} changed on this computer while Pail was downloading the Bitbucket version.`,
      )
    if (staged.mode === 'link') {
      if (stagedLinkLeavesFolder(inside, localPath, staged))
        throw new RemoteLinkOutsideError(
          `${localPath} is a link that points outside the folder; Pail does not create it.`,
        )
      // Made under the temporary name and renamed over the target: one step, as for files.
      await inside.symlink(staged.linkTarget!, staged.tempPath)
      staged.run.made(staged.tempPath)
    }
    await inside.rename(staged.tempPath, localPath)
    staged.run.done(staged.tempPath)
  } catch (error) {
    await staged.run.drop(staged.tempPath).catch(() => undefined)
    throw error
  }
  const placed = await lstat(target)
  return { size: staged.size, mtimeMs: placed.mtimeMs, sha: staged.sha, mode: staged.mode }
}

/**
 * Removes a file the branch deleted, if it is still what the index says; false when it changed
 * here. Throws OutsideFolderError when the path is not safely inside the folder.
 */
export async function removeLocal(inside: InsideFolder, localPath: string, expected: IndexEntry): Promise<boolean> {
  await inside.check(localPath)
  const target = inside.absolute(localPath)
  if (!(await lstat(target).catch(() => null))) return true
  if (!(await stillIs(target, expected))) return false
  await inside.remove(localPath)
  return true
}
