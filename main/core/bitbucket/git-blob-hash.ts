/**
 * Git's blob id computed incrementally, while the bytes are being sent: SHA-1 over
 * `blob <size>\0` followed by the bytes. sync/blob-hash.ts hashes whole files and in-memory
 * content; an upload needs the hash of a stream as it passes, hence this small companion. The
 * header needs the size before any content, so the hasher is told the size up front and refuses
 * to finish on any other byte count: a mismatch would name a blob nobody stored.
 */
import { createHash, type Hash } from 'node:crypto'

/** Hashes one blob of a size known in advance, chunk by chunk. */
export class GitBlobHasher {
  private readonly hash: Hash
  private seen = 0

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid blob size ${size}`)
    this.hash = createHash('sha1').update(`blob ${size}\0`, 'latin1')
  }

  /** Bytes hashed so far. */
  get bytes(): number {
    return this.seen
  }

  /** Adds bytes; throws past the declared size. */
  update(chunk: Uint8Array): void {
    if (this.seen + chunk.length > this.size)
      throw new RangeError(`A blob declared as ${this.size} bytes received ${this.seen + chunk.length}`)
    this.seen += chunk.length
    this.hash.update(chunk)
  }

  /** The 40-hex-digit blob id; throws unless exactly `size` bytes were hashed. */
  digest(): string {
    if (this.seen !== this.size) throw new RangeError(`A blob declared as ${this.size} bytes received ${this.seen}`)
    return this.hash.digest('hex')
  }
}
