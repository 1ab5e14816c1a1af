/**
 * Small files of a commit read ahead of the body (src-commit.ts). Each file is opened, checked
 * (read-guard.ts, the file opened is the file checked), read and closed through the thread pool,
 * one round trip after another; sent one after another as the body reaches them, a first sync
 * of many small files spent most of its upload waiting on those round trips (measured: ~0.3 ms a
 * file, 1.5 s of a 5,000-file commit). Here the next few small files are read while earlier ones
 * are sent, through the same uploadContent, so the bytes sent and hashed and every check stay
 * those of upload-source.ts. Memory stays bounded: at most READ_AHEAD_FILES + 1 files of at most
 * READ_AHEAD_MAX_BYTES each. While small files are read synchronously (sync-while-fast.ts: a
 * fast local disk) a read ahead is over at once; it pays where they go through the thread pool.
 */
import type { GitBlobHasher } from '../git/blob-hash.js'
import type { ReadGuard } from '../fs/read-guard.js'
import { uploadContent, type PreparedUpload } from './upload-source.js'

/** Files read ahead of the one being sent. */
export const READ_AHEAD_FILES = 32
/** Only plain files up to this size are read ahead (larger ones stream through uploadContent). */
export const READ_AHEAD_MAX_BYTES = 64 * 1024

/** Reads the small files of one attempt's body ahead of it, in body order. */
export class ReadAhead {
  private readonly pending = new Map<number, Promise<Buffer>>()
  /** The next file whose read may start. */
  private next = 0

  constructor(
    private readonly prepared: readonly PreparedUpload[],
    private readonly hashers: readonly GitBlobHasher[],
    private readonly guard: ReadGuard,
    private readonly window = READ_AHEAD_FILES,
  ) {}

  /** Whether upload `i` is read ahead (a plain file with content, small enough). */
  covers(i: number): boolean {
    const upload = this.prepared[i]!
    return upload.linkTarget === null && upload.size > 0 && upload.size <= READ_AHEAD_MAX_BYTES
  }

  /** How many reads are started and not yet taken (for tests: never more than the window and the one taken). */
  get inFlight(): number {
    return this.pending.size
  }

  /**
   * The bytes of upload `i` (which `covers`), once read; reads of the small files after it, up
   * to the window, start now. Uploads must be taken in order. Rejects as uploadContent would.
   */
  async take(i: number): Promise<Buffer> {
    this.next = Math.max(this.next, i)
    // Every read pending is of a file from i to i + window: at most window + 1 files.
    while (this.next < this.prepared.length && this.next <= i + this.window) {
      const at = this.next++
      if (this.covers(at)) this.pending.set(at, this.read(at))
    }
    const bytes = this.pending.get(i) ?? this.read(i)
    this.pending.delete(i)
    return bytes
  }

  private read(i: number): Promise<Buffer> {
    const collect = async (): Promise<Buffer> => {
      const chunks: Uint8Array[] = []
      // uploadContent may read into a buffer again once resumed: Buffer.concat copies the chunks out.
      for await (const chunk of uploadContent(this.prepared[i]!, this.hashers[i]!, this.guard)) chunks.push(chunk)
      return Buffer.concat(chunks)
    }
    const reading = collect()
    // Taken in its turn; if the attempt stops before that, its failure has nobody to tell.
    reading.catch(() => undefined)
    return reading
  }
}
