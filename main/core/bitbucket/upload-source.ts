/**
 * The bytes of one upload, read from disk as they are sent and hashed on the way (DESIGN.md §4:
 * "the bytes hashed are the bytes sent"). Git's blob header carries the size before the content,
 * so the size is fixed when an attempt starts (which also makes the body's length exact): a file
 * that grows afterwards is sent up to that size, one that shrinks fails the attempt and the
 * caller rescans. Either way the reported hash is exactly the blob Bitbucket stores. A link's
 * content is its target text, as git stores it.
 *
 * The last line of defence for Pail's own home (read-guard.ts): whatever a caller checked, a file
 * whose real path lies in a Pail home is refused when the attempt is prepared and again right
 * before it is opened, and the file opened must be the very file that was checked.
 */
import { lstat, open, readlink, stat, type FileHandle } from 'node:fs/promises'
import type { FileMode, Upload } from '../sync/types.js'
import { FileUnreadableError, UploadFileChangedError } from './commit-errors.js'
import type { GitBlobHasher } from '../git/blob-hash.js'
import { READ_NO_FOLLOW } from '../fs/open-flags.js'
import { processReadGuard, ProtectedPathError, type ReadGuard } from '../fs/read-guard.js'

/** An upload with its size (and, for links, target) fixed for one attempt. */
export interface PreparedUpload {
  repoPath: string
  absolutePath: string
  mode: FileMode
  size: number
  /** For links: the target bytes (they are short). */
  linkTarget: Buffer | null
}

/** Reads are this large: big enough for throughput, small enough that memory stays flat. */
const READ_CHUNK = 256 * 1024
/** Read buffers one upload takes in turn (see uploadContent). */
const READ_BUFFERS = 4

function changed(upload: { repoPath: string }, how: string, cause?: unknown): UploadFileChangedError {
  return new UploadFileChangedError(
    upload.repoPath,
    `"${upload.repoPath}" ${how} while Pail was uploading it. Pail will look at the folder again.`,
    cause === undefined ? undefined : { cause },
  )
}

function localError(upload: { repoPath: string }, error: unknown): Error {
  if (error instanceof UploadFileChangedError || error instanceof ProtectedPathError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'EISDIR' || code === 'EINVAL')
    return changed(upload, 'was moved, deleted or replaced', error)
  return new FileUnreadableError(
    upload.repoPath,
    `Pail cannot read "${upload.repoPath}" (${code ?? (error as Error).message}). Check that the file is not locked and that you may read it.`,
  )
}

/**
 * Fixes the size of `upload` (and a link's target) for the attempt about to start. Throws
 * ProtectedPathError for a path inside Pail's home (`guard`: the process's by default).
 */
export async function prepareUpload(upload: Upload, guard?: ReadGuard): Promise<PreparedUpload> {
  const base = { repoPath: upload.repoPath, absolutePath: upload.absolutePath, mode: upload.mode }
  try {
    await (guard ?? (await processReadGuard())).assertReadable(upload.absolutePath, {
      isLink: upload.mode === 'link',
    })
    if (upload.mode === 'link') {
      // The scanner hashed this text; sending the same bytes keeps index and commit in agreement.
      const linkTarget =
        upload.linkTarget !== undefined
          ? Buffer.from(upload.linkTarget, 'utf8')
          : await readlink(upload.absolutePath, { encoding: 'buffer' })
      return { ...base, size: linkTarget.length, linkTarget }
    }
    const info = await lstat(upload.absolutePath)
    if (!info.isFile()) throw changed(upload, 'is no longer a plain file')
    return { ...base, size: info.size, linkTarget: null }
  } catch (error) {
    throw localError(upload, error)
  }
}

/**
 * Yields the upload's bytes — exactly `size` of them — feeding each to `hasher` as it goes. Throws
 * ProtectedPathError, before anything is opened, for a path inside Pail's home.
 */
export async function* uploadContent(
  prepared: PreparedUpload,
  hasher: GitBlobHasher,
  guard?: ReadGuard,
): AsyncGenerator<Uint8Array> {
  if (prepared.linkTarget) {
    hasher.update(prepared.linkTarget)
    yield prepared.linkTarget
    return
  }
  if (prepared.size === 0) return
  let handle: FileHandle | undefined
  try {
    // Checked now, not only when prepared: a folder above the file may have become a link since.
    const real = await (guard ?? (await processReadGuard())).assertReadable(prepared.absolutePath)
    handle = await open(prepared.absolutePath, READ_NO_FOLLOW)
    const info = await handle.stat()
    if (!info.isFile()) throw changed(prepared, 'is no longer a plain file')
    // The file opened is the file checked: a link swapped in between the two is caught here.
    const checked = await stat(real)
    if (checked.dev !== info.dev || checked.ino !== info.ino) throw changed(prepared, 'was moved or replaced')
    if (info.size < prepared.size) throw changed(prepared, 'got shorter')
  } catch (error) {
    await handle?.close()
    throw localError(prepared, error)
  }
  try {
    let position = 0
    // A few buffers taken in turn, not a fresh one per chunk (fresh ones are garbage the GC frees
    // late: ~64 MiB more RSS and half the speed). Reuse is safe: api-client streams the body
    // through a 64 KiB byte Readable that undici pauses until the socket drains, so while chunk n
    // is read ahead, only n − 1 (being yielded) and n − 2 (on the socket) can still be in use.
    const buffers = Array.from({ length: READ_BUFFERS }, () => Buffer.allocUnsafe(Math.min(READ_CHUNK, prepared.size)))
    let turn = 0
    const readAt = (at: number): Promise<Buffer> => {
      // Bytes appended after the size was fixed are never read: the read stops at `size`.
      const buffer = buffers[turn++ % READ_BUFFERS]!.subarray(0, Math.min(READ_CHUNK, prepared.size - at))
      return handle!.read(buffer, 0, buffer.length, at).then(
        ({ bytesRead }) => buffer.subarray(0, bytesRead),
        (error: unknown) => {
          throw localError(prepared, error)
        },
      )
    }
    // The next chunk is read while this one is hashed and sent.
    let next: Promise<Buffer> | null = readAt(0)
    while (next) {
      const chunk = await next
      if (chunk.length === 0) throw changed(prepared, 'got shorter')
      position += chunk.length
      next = position < prepared.size ? readAt(position) : null
      // Awaited on the next turn; if the consumer stops first, its failure has nobody to tell.
      next?.catch(() => undefined)
      hasher.update(chunk)
      yield chunk
    }
  } finally {
    await handle.close()
  }
}
