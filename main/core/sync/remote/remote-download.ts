/**
 * Brings a file from the branch into the folder without ever leaving half a file: the bytes go
 * to a hidden temporary file beside the target (ignored by the scanner: `*.tmp`), hashed on the
 * way, and replace the target by rename only if the target is still what the caller expects.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, lstat, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import type { ApiClient } from '../../bitbucket/api-client.js'
import { hashBlob, hashFile } from '../../git/blob-hash.js'
import { encodePath, repoBase, type RepoRef } from '../../bitbucket/api-paths.js'
import { modeOf } from './remote-tree.js'
import type { FileMode, IndexEntry } from '../types.js'

/** The target changed while the download ran: the caller treats the path as changed on both sides. */
export class LocalChangedError extends Error {}

interface Meta {
  size: number
  attributes?: string[]
}

/** A download staged beside its target, not yet in place. */
export interface StagedFile {
  tempPath: string
  sha: string
  size: number
  mode: FileMode
  linkTarget: string | null
}

/** Downloads `repoPath` at `commit` into a temporary file in `folder`. */
export async function stageDownload(
  api: ApiClient,
  ref: RepoRef,
  commit: string,
  repoPath: string,
  folder: string,
  localPath: string,
): Promise<StagedFile> {
  const url = `${repoBase(ref)}/src/${commit}/${encodePath(repoPath)}`
  const meta = await api.getJson<Meta>(`${url}?format=meta`)
  const mode = modeOf(meta.attributes)
  const target = join(folder, localPath)
  await mkdir(dirname(target), { recursive: true })
  const tempPath = join(dirname(target), `.pail-${randomBytes(6).toString('hex')}.tmp`)
  const hash = createHash('sha1')
  let size = 0
  const chunks: Buffer[] = []
  await api.download(url, async (body) => {
    // Hash as git does: the header needs the size, which `format=meta` gave.
    hash.update(`blob ${meta.size}\0`)
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length
        hash.update(chunk)
        if (mode === 'link') chunks.push(chunk)
        done(null, chunk)
      },
    })
    await pipeline(body, counter, createWriteStream(tempPath, { mode: mode === 'executable' ? 0o755 : 0o644 }))
  })
  const linkTarget = mode === 'link' ? Buffer.concat(chunks).toString('utf8') : null
  const sha = size === meta.size ? hash.digest('hex') : hashBlob(linkTarget ?? '')
  return { tempPath, sha, size, mode, linkTarget }
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

/**
 * Moves a staged download into place. `expected` is what the index or scan says is there now
 * (null: nothing); if the file changed since, the download is dropped and LocalChangedError thrown.
 */
export async function placeDownload(
  folder: string,
  localPath: string,
  staged: StagedFile,
  expected: IndexEntry | null,
): Promise<IndexEntry> {
  const target = join(folder, localPath)
  if (!(await stillIs(target, expected))) {
    await rm(staged.tempPath, { force: true })
    throw new LocalChangedError(
      `${localPath} changed on this computer while Pail was downloading the Bitbucket version.`,
    )
  }
  if (staged.mode === 'link') {
    await rm(staged.tempPath, { force: true })
    if (!staged.linkTarget || !linkStaysInside(folder, target, staged.linkTarget))
      throw new LocalChangedError(`${localPath} is a link that points outside the folder; Pail does not create it.`)
    await rm(target, { force: true })
    await symlink(staged.linkTarget, target)
  } else {
    if (staged.mode === 'executable') await chmod(staged.tempPath, 0o755)
    await rename(staged.tempPath, target)
  }
  const placed = await lstat(target)
  return { size: staged.size, mtimeMs: placed.mtimeMs, sha: staged.sha, mode: staged.mode }
}

/** Removes a file the branch deleted, if it is still what the index says. */
export async function removeLocal(folder: string, localPath: string, expected: IndexEntry): Promise<boolean> {
  const target = join(folder, localPath)
  if (!(await lstat(target).catch(() => null))) return true
  if (!(await stillIs(target, expected))) return false
  await rm(target, { force: true })
  return true
}
