/**
 * Git blob SHA-1s: `sha1("blob <size>\0" + bytes)`, the hash git and Bitbucket give a file's
 * content. The index keeps it (DESIGN.md §4) so that a file whose stat moved but whose bytes did
 * not is recognised as unchanged.
 */
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { open } from 'node:fs/promises'

/** The hash of a file together with the stat it was taken under. */
export interface FileHash {
  sha: string
  size: number
  mtimeMs: number
}

/** The file changed (or was replaced) while it was being read; it is dirty again, not broken. */
export class FileChangedError extends Error {
  readonly code = 'PAIL_FILE_CHANGED'
}

const CHUNK = 256 * 1024

// O_NOFOLLOW: if the file was swapped for a link since the scan, refuse rather than hash (and
// later upload) whatever the link points at, which may lie outside the folder. O_NONBLOCK: a file
// swapped for a FIFO must not hang the read. Both are absent on Windows, where neither applies.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)

/** The git blob SHA-1 of in-memory content (a link's target text is hashed this way). */
export function hashBlob(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

/**
 * The git blob SHA-1 of a file, read in fixed-size chunks (constant memory). The size in the git
 * header comes from the open file's stat; if the bytes read, the size or the mtime disagree at the
 * end, the file was being written and FileChangedError is thrown, so a hash always describes
 * bytes that really were on disk together ("the bytes hashed are the bytes sent", DESIGN.md §4).
 */
export async function hashFile(absolutePath: string): Promise<FileHash> {
  let handle
  try {
    handle = await open(absolutePath, OPEN_FLAGS)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP' || code === 'ENOENT')
      throw new FileChangedError(`${absolutePath} changed while Pail was reading it`, { cause: error })
    throw error
  }
  try {
    const before = await handle.stat()
    if (!before.isFile()) throw new FileChangedError(`${absolutePath} is no longer a plain file`)
    const hash = createHash('sha1').update(`blob ${before.size}\0`)
    // One byte more than the expected size, so a file that grew is noticed by the last read.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, before.size + 1))
    let total = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, total)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > before.size) break
      hash.update(buffer.subarray(0, bytesRead))
    }
    const after = await handle.stat()
    if (total !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw new FileChangedError(`${absolutePath} changed while Pail was reading it`)
    }
    return { sha: hash.digest('hex'), size: before.size, mtimeMs: before.mtimeMs }
  } finally {
    await handle.close()
  }
}
