/**
 * Git blob SHA-1s: `sha1("blob <size>\0" + bytes)`, the id git and Bitbucket give a file's
 * content. The index keeps it (DESIGN.md §4) so that a file whose stat moved but whose bytes did
 * not is recognised as unchanged, and uploads and downloads compute it over the bytes as they pass.
 * One mechanism, GitBlobHasher; the functions below are its three uses.
 */
import { createHash, type Hash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs'
import { open } from 'node:fs/promises'
import { READ_NO_FOLLOW } from '../fs/open-flags.js'
import { SMALL_FILE_BYTES, smallFileReads } from '../fs/sync-while-fast.js'

/**
 * Where a hasher's SHA-1 runs: node:crypto in this thread (the default), or a hashing thread
 * (bitbucket/sha1-thread.ts) so that a large upload's hashing does not hold up its sending.
 */
export interface Sha1 {
  /** Whether the bytes are hashed right here; false: they must stay untouched until `hashed()`. */
  readonly inThread: boolean
  update(bytes: Uint8Array): void
  /** Resolves once every byte handed to `update` so far has been hashed (and is no longer read). */
  hashed(): Promise<void>
  /** The hex digest, once; a hashing thread's comes back asynchronously. */
  hex(): string | Promise<string>
}

const HASHED: Promise<void> = Promise.resolve()

/** node:crypto's SHA-1, in this thread. */
function inThreadSha1(): Sha1 {
  const hash: Hash = createHash('sha1')
  return {
    inThread: true,
    update: (bytes) => void hash.update(bytes),
    hashed: () => HASHED,
    hex: () => hash.digest('hex'),
  }
}

/**
 * Hashes one blob of a size known in advance, chunk by chunk. Git's header carries the size before
 * the content, so the size comes first, and the hasher refuses to finish on any other byte count:
 * a mismatch would name a blob nobody stored. `sha1` says where the hashing runs (this thread by
 * default); the header and the count are the same either way.
 */
export class GitBlobHasher {
  private readonly sha1: Sha1
  private seen = 0

  constructor(
    readonly size: number,
    sha1?: Sha1,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid blob size ${size}`)
    this.sha1 = sha1 ?? inThreadSha1()
    this.sha1.update(Buffer.from(`blob ${size}\0`, 'latin1'))
  }

  /** Bytes hashed so far. */
  get bytes(): number {
    return this.seen
  }

  /** False when the hashing runs in another thread: a chunk must stay untouched until `hashed()`. */
  get inThread(): boolean {
    return this.sha1.inThread
  }

  /** Adds bytes; throws past the declared size. */
  update(chunk: Uint8Array): void {
    if (this.seen + chunk.length > this.size)
      throw new RangeError(`A blob declared as ${this.size} bytes received ${this.seen + chunk.length}`)
    this.seen += chunk.length
    this.sha1.update(chunk)
  }

  /** Resolves once every chunk given to `update` so far has been hashed: their buffers may be reused. */
  hashed(): Promise<void> {
    return this.sha1.hashed()
  }

  /** The 40-hex-digit blob id; throws unless exactly `size` bytes were hashed, or when hashed in another thread (use `finish`). */
  digest(): string {
    this.assertComplete()
    const hex = this.sha1.inThread ? this.sha1.hex() : null
    if (typeof hex !== 'string') throw new Error('This blob is hashed in another thread: its id comes from finish()')
    return hex
  }

  /** The 40-hex-digit blob id wherever the hashing runs; rejects unless exactly `size` bytes were hashed. */
  async finish(): Promise<string> {
    this.assertComplete()
    return await this.sha1.hex()
  }

  private assertComplete(): void {
    if (this.seen !== this.size) throw new RangeError(`A blob declared as ${this.size} bytes received ${this.seen}`)
  }
}

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

/** The git blob SHA-1 of in-memory content (a link's target text is hashed this way). */
export function hashBlob(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const hasher = new GitBlobHasher(bytes.length)
  hasher.update(bytes)
  return hasher.digest()
}

/**
 * The git blob SHA-1 of a file, read in fixed-size chunks (constant memory). The size in the git
 * header comes from the open file's stat; if the bytes read, the size or the mtime disagree at the
 * end, the file was being written and FileChangedError is thrown, so a hash always describes
 * bytes that really were on disk together ("the bytes hashed are the bytes sent", DESIGN.md §4).
 */
export async function hashFile(absolutePath: string): Promise<FileHash> {
  // A small file is read and hashed in one synchronous call while the filesystem is fast (sync-while-fast.ts).
  if (smallFileReads.on) {
    const now = smallFileReads.time(() => hashSmallNow(absolutePath))
    if (now) return now
  }
  let handle
  try {
    handle = await open(absolutePath, READ_NO_FOLLOW)
  } catch (error) {
    throw openError(absolutePath, error)
  }
  try {
    const before = await handle.stat()
    if (!before.isFile()) throw new FileChangedError(`${absolutePath} is no longer a plain file`)
    const hasher = new GitBlobHasher(before.size)
    // One byte more than the expected size, so a file that grew is noticed by the last read.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, before.size + 1))
    let total = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, total)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > before.size) break
      hasher.update(buffer.subarray(0, bytesRead))
    }
    return finished(absolutePath, before, await handle.stat(), total, hasher)
  } finally {
    await handle.close()
  }
}

/**
 * hashFile for a file of at most SMALL_FILE_BYTES, synchronously, with the same checks; null
 * for a larger file (it is read through the thread pool in chunks, keeping memory flat).
 */
function hashSmallNow(absolutePath: string): FileHash | null {
  let fd: number
  try {
    fd = openSync(absolutePath, READ_NO_FOLLOW)
  } catch (error) {
    throw openError(absolutePath, error)
  }
  try {
    const before = fstatSync(fd)
    if (!before.isFile()) throw new FileChangedError(`${absolutePath} is no longer a plain file`)
    if (before.size > SMALL_FILE_BYTES) return null
    // One byte more than the expected size, so a file that grew is noticed.
    const buffer = Buffer.allocUnsafe(before.size + 1)
    const total = readSync(fd, buffer, 0, buffer.length, 0)
    const hasher = new GitBlobHasher(before.size)
    if (total <= before.size) hasher.update(buffer.subarray(0, total))
    return finished(absolutePath, before, fstatSync(fd), total, hasher)
  } finally {
    closeSync(fd)
  }
}

/** A file that turned into a link or vanished before it was opened changed; other errors are its own. */
function openError(absolutePath: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ELOOP' || code === 'ENOENT')
    return new FileChangedError(`${absolutePath} changed while Pail was reading it`, { cause: error })
  return error
}

/** The hash, unless the bytes read, the size or the mtime disagree at the end (the file was being written). */
function finished(absolutePath: string, before: Stats, after: Stats, total: number, hasher: GitBlobHasher): FileHash {
  if (total !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw new FileChangedError(`${absolutePath} changed while Pail was reading it`)
  return { sha: hasher.digest(), size: before.size, mtimeMs: before.mtimeMs }
}
