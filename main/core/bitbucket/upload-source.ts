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
import { closeSync, fstatSync, lstatSync, openSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs'
import { lstat, open, readlink, stat, type FileHandle } from 'node:fs/promises'
import type { FileMode, Upload } from '../sync/types.js'
import { FileUnreadableError, UploadFileChangedError } from './commit-errors.js'
import { GitBlobHasher } from '../git/blob-hash.js'
import { threadSha1 } from './sha1-thread.js'
import { READ_NO_FOLLOW } from '../fs/open-flags.js'
import { processReadGuard, ProtectedPathError, type ReadGuard } from '../fs/read-guard.js'
import { SMALL_FILE_BYTES, smallFileReads } from '../fs/sync-while-fast.js'

/** An upload with its size (and, for links, target) fixed for one attempt. */
export interface PreparedUpload {
  repoPath: string
  absolutePath: string
  mode: FileMode
  size: number
  /** For links: the target bytes (they are short). */
  linkTarget: Buffer | null
}

/** Reads are this large when hashed here: big enough for throughput, small enough that memory stays flat. */
const READ_CHUNK = 256 * 1024
/**
 * Reads are this large when hashed in the hashing thread: each chunk also costs two messages, so
 * larger chunks pay off (1 MiB measured faster than 256 KiB and than 2 MiB at the discarding endpoint).
 */
const THREAD_READ_CHUNK = 1024 * 1024
/** Read buffers one upload takes in turn (see uploadContent). */
const READ_BUFFERS = 4
/** Chunks read ahead of the one being sent: two fewer than the buffers (see uploadContent). */
const READ_AHEAD = READ_BUFFERS - 2
/**
 * From this size on, an upload is hashed in the hashing thread; a smaller file is hashed here in
 * a few milliseconds, less than the round trips to the thread would cost.
 */
export const THREAD_HASH_BYTES = 4 * 1024 * 1024

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
  try {
    const checker = guard ?? (await processReadGuard())
    // The same checks either way; synchronously while the filesystem is fast (sync-while-fast.ts).
    return smallFileReads.on ? smallFileReads.time(() => prepareNow(upload, checker)) : await prepare(upload, checker)
  } catch (error) {
    throw localError(upload, error)
  }
}

async function prepare(upload: Upload, guard: ReadGuard): Promise<PreparedUpload> {
  await guard.assertReadable(upload.absolutePath, { isLink: upload.mode === 'link' })
  // The scanner hashed a link's text; sending the same bytes keeps index and commit in agreement.
  if (upload.mode === 'link')
    return prepared(upload, null, upload.linkTarget ?? (await readlink(upload.absolutePath, { encoding: 'buffer' })))
  return prepared(upload, await lstat(upload.absolutePath), null)
}

function prepareNow(upload: Upload, guard: ReadGuard): PreparedUpload {
  guard.assertReadableNow(upload.absolutePath, { isLink: upload.mode === 'link' })
  if (upload.mode === 'link')
    return prepared(upload, null, upload.linkTarget ?? readlinkSync(upload.absolutePath, { encoding: 'buffer' }))
  return prepared(upload, lstatSync(upload.absolutePath), null)
}

/** The prepared upload of a plain file (`info`, its lstat) or a link (`target`, its text). */
function prepared(upload: Upload, info: Stats | null, target: string | Buffer | null): PreparedUpload {
  const base = { repoPath: upload.repoPath, absolutePath: upload.absolutePath, mode: upload.mode }
  if (target !== null) {
    const linkTarget = typeof target === 'string' ? Buffer.from(target, 'utf8') : target
    return { ...base, size: linkTarget.length, linkTarget }
  }
  if (!info!.isFile()) throw changed(upload, 'is no longer a plain file')
  return { ...base, size: info!.size, linkTarget: null }
}

/**
 * The checks of a file opened for upload: `info` is the open file's stat, `checked` the stat of
 * the real path the guard passed. The file opened must be the file checked (a link swapped in
 * between the two is caught here), a plain file, and not shorter than the size fixed.
 */
function checkOpened(prepared: PreparedUpload, info: Stats, checked: Stats): void {
  if (!info.isFile()) throw changed(prepared, 'is no longer a plain file')
  if (checked.dev !== info.dev || checked.ino !== info.ino) throw changed(prepared, 'was moved or replaced')
  if (info.size < prepared.size) throw changed(prepared, 'got shorter')
}

/** A small file's bytes (exactly `size`), in one synchronous read, after uploadContent's checks. */
function readSmallNow(prepared: PreparedUpload, guard: ReadGuard): Buffer {
  const real = guard.assertReadableNow(prepared.absolutePath)
  const fd = openSync(prepared.absolutePath, READ_NO_FOLLOW)
  try {
    checkOpened(prepared, fstatSync(fd), statSync(real))
    // Bytes appended after the size was fixed are never read: the read stops at `size`.
    const bytes = Buffer.allocUnsafe(prepared.size)
    if (readSync(fd, bytes, 0, prepared.size, 0) !== prepared.size) throw changed(prepared, 'got shorter')
    return bytes
  } finally {
    closeSync(fd)
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
  const checker = guard ?? (await processReadGuard())
  if (prepared.size <= SMALL_FILE_BYTES && smallFileReads.on) {
    // Read whole, synchronously, while the filesystem is fast (sync-while-fast.ts), after the same checks.
    let whole: Buffer
    try {
      whole = smallFileReads.time(() => readSmallNow(prepared, checker))
    } catch (error) {
      throw localError(prepared, error)
    }
    hasher.update(whole)
    yield whole
    return
  }
  let handle: FileHandle | undefined
  try {
    // Checked now, not only when prepared: a folder above the file may have become a link since.
    const real = await checker.assertReadable(prepared.absolutePath)
    handle = await open(prepared.absolutePath, READ_NO_FOLLOW)
    checkOpened(prepared, await handle.stat(), await stat(real))
  } catch (error) {
    await handle?.close()
    throw localError(prepared, error)
  }
  try {
    // A few buffers taken in turn, not a fresh one per chunk (fresh ones are garbage the GC frees
    // late: ~64 MiB more RSS and half the speed). A buffer is read into again only once nothing
    // can still use its previous chunk:
    // - the hash: `hasher.hashed()` resolved after that chunk was given to it (at once in this
    //   thread; the hashing thread reads the bytes in place, from shared memory);
    // - the socket: api-client streams the body through a 64 KiB byte Readable that undici pauses
    //   until the socket drains, so when this generator resumes after yielding chunk n, chunk n
    //   may still be on the socket but no earlier one. The read started then is of a buffer last
    //   used READ_BUFFERS chunks before it; reading at most READ_BUFFERS − 2 ahead keeps that
    //   earlier than n (backpressure.test.ts fails with one more).
    const chunkSize = hasher.inThread ? READ_CHUNK : THREAD_READ_CHUNK
    const count = Math.ceil(prepared.size / chunkSize)
    const length = Math.min(chunkSize, prepared.size)
    const memory = hasher.inThread ? null : new SharedArrayBuffer(Math.min(READ_BUFFERS, count) * length)
    const buffers = Array.from({ length: Math.min(READ_BUFFERS, count) }, (_, i) =>
      memory ? Buffer.from(memory, i * length, length) : Buffer.allocUnsafe(length),
    )
    const released: Promise<void>[] = buffers.map(() => Promise.resolve())
    const reads: { chunk: Promise<Buffer>; slot: number }[] = []
    let issued = 0
    let position = 0
    const readNext = (): void => {
      // Bytes appended after the size was fixed are never read: the read stops at `size`.
      const at = position
      const want = Math.min(chunkSize, prepared.size - at)
      position += want
      const slot = issued++ % buffers.length
      const buffer = buffers[slot]!.subarray(0, want)
      const chunk = released[slot]!.then(async () => {
        const { bytesRead } = await handle!.read(buffer, 0, want, at).catch((error: unknown) => {
          throw localError(prepared, error)
        })
        // A plain file reads short only at its end: it got shorter than the size fixed.
        if (bytesRead !== want) throw changed(prepared, 'got shorter')
        return buffer
      })
      // Awaited in its turn; if the consumer stops first, its failure has nobody to tell.
      chunk.catch(() => undefined)
      reads.push({ chunk, slot })
    }
    while (reads.length < READ_AHEAD && position < prepared.size) readNext()
    while (reads.length > 0) {
      const { chunk: next, slot } = reads.shift()!
      const chunk = await next
      hasher.update(chunk)
      released[slot] = hasher.hashed()
      // Waited on before the buffer's next read; if the consumer stops first, nobody waits.
      released[slot].catch(() => undefined)
      if (position < prepared.size) readNext()
      yield chunk
    }
  } finally {
    await handle.close()
  }
}

/** A hasher for `prepared`: in the hashing thread for a large file, in this thread otherwise. */
export function uploadHasher(prepared: PreparedUpload): GitBlobHasher {
  return new GitBlobHasher(prepared.size, prepared.size >= THREAD_HASH_BYTES ? threadSha1() : undefined)
}
