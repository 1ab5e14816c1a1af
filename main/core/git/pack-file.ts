/**
 * Reads a git packfile on disk (gitformat-pack): finds every object's id, and hands out an
 * object's content, a large blob's as a stream. The pack stays on disk: a fetch that brings a
 * 1 GiB file does not bring 1 GiB into memory. What is held is one entry per object (its offset,
 * type and size), the contents of delta bases recently used (bounded), and one object at a time;
 * a large blob that is stored whole (git does not deltify files past its big-file threshold) is
 * inflated as a stream, both to find its id and to hand it out.
 *
 * Hand-written: the libraries that read packs (isomorphic-git's GitPackIndex) load the whole pack
 * into memory; git itself is not on staff computers.
 */
import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { createInflate, inflateSync } from 'node:zlib'
import { GitObjectError, objectId, type ObjectType } from './git-objects.js'

const TYPES: Record<number, ObjectType | 'ofs-delta' | 'ref-delta'> = {
  1: 'commit',
  2: 'tree',
  3: 'blob',
  4: 'tag',
  6: 'ofs-delta',
  7: 'ref-delta',
}

/** Objects up to this size are inflated in one call; larger ones as a stream. */
const WHOLE_LIMIT = 4 * 1024 * 1024
/** How many bytes of resolved delta bases are kept for the deltas that follow them. */
const BASE_CACHE_BYTES = 32 * 1024 * 1024

interface Entry {
  offset: number
  /** Where the compressed data starts. */
  data: number
  /** The size of the inflated data (for a delta: of the delta itself). */
  size: number
  kind: ObjectType | 'ofs-delta' | 'ref-delta'
  /** A delta's base: an offset in this pack (ofs-delta) or an object id (ref-delta). */
  base?: number | string
}

/** What is known of an object in the pack. */
export interface PackedObject {
  type: ObjectType
  /** The size of the object's content. */
  size: number
  offset: number
}

export class PackFile {
  private readonly byId = new Map<string, PackedObject>()
  private readonly entries = new Map<number, Entry>()
  /** Resolved contents by offset, least recently used first. */
  private readonly bases = new Map<number, { type: ObjectType; content: Buffer }>()
  private baseBytes = 0

  private constructor(
    private readonly handle: FileHandle,
    private readonly length: number,
  ) {}

  /** Opens and indexes the pack at `path`; throws GitObjectError when it is not a whole, valid pack. */
  static async open(path: string): Promise<PackFile> {
    const handle = await open(path, 'r')
    try {
      const pack = new PackFile(handle, (await handle.stat()).size)
      await pack.index()
      return pack
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  /** The objects in the pack, by id. */
  get objects(): ReadonlyMap<string, PackedObject> {
    return this.byId
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  /** The content of an object (a blob of any size: prefer `streamBlob` for large ones). */
  async read(oid: string): Promise<{ type: ObjectType; content: Buffer }> {
    const known = this.byId.get(oid)
    if (!known) throw new GitObjectError(`The object ${oid} is not in the pack.`)
    return this.resolve(known.offset)
  }

  /** Hands a blob's content to `write` chunk by chunk; a blob stored whole is never held in memory. */
  async streamBlob(oid: string, write: (chunk: Buffer) => Promise<void>): Promise<void> {
    const known = this.byId.get(oid)
    if (known?.type !== 'blob') throw new GitObjectError(`The blob ${oid} is not in the pack.`)
    const entry = this.entries.get(known.offset)!
    if (entry.kind === 'blob' && entry.size > WHOLE_LIMIT) {
      await this.inflateStream(entry, write)
      return
    }
    await write((await this.resolve(known.offset)).content)
  }

  private async index(): Promise<void> {
    const head = await this.bytes(0, 12)
    if (head.toString('latin1', 0, 4) !== 'PACK' || ![2, 3].includes(head.readUInt32BE(4)))
      throw new GitObjectError('The fetched data is not a git pack.')
    const count = head.readUInt32BE(8)
    const deferred: Entry[] = []
    let at = 12
    for (let n = 0; n < count; n++) {
      const entry = await this.header(at)
      this.entries.set(at, entry)
      at = entry.data + (await this.identify(entry, deferred))
    }
    if (at !== this.length - 20) throw new GitObjectError('The git pack has bytes after its last object.')
    // A ref-delta whose base came later in the pack: resolved now that every other object is known.
    for (let rounds = 0; deferred.length > 0; rounds++) {
      if (rounds > count) throw new GitObjectError('A delta in the git pack names a base that is not there.')
      const entry = deferred.shift()!
      if (typeof entry.base === 'string' && !this.byId.has(entry.base)) deferred.push(entry)
      else this.learn(entry, await this.resolve(entry.offset))
    }
  }

  /** Finds the entry's id where it can now; returns the compressed length. */
  private async identify(entry: Entry, deferred: Entry[]): Promise<number> {
    if (entry.kind === 'blob' && entry.size > WHOLE_LIMIT) {
      const hash = createHash('sha1').update(`blob ${entry.size}\0`, 'latin1')
      const consumed = await this.inflateStream(entry, async (chunk) => void hash.update(chunk))
      this.byId.set(hash.digest('hex'), { type: 'blob', size: entry.size, offset: entry.offset })
      return consumed
    }
    const { content, consumed } = await this.inflateWhole(entry)
    if (entry.kind === 'ofs-delta' || entry.kind === 'ref-delta') {
      if (typeof entry.base === 'string' && !this.byId.has(entry.base)) deferred.push(entry)
      else this.learn(entry, await this.resolve(entry.offset, content))
    } else {
      this.byId.set(objectId(entry.kind, content), { type: entry.kind, size: content.length, offset: entry.offset })
      this.remember(entry.offset, entry.kind, content)
    }
    return consumed
  }

  private learn(entry: Entry, object: { type: ObjectType; content: Buffer }): void {
    this.byId.set(objectId(object.type, object.content), {
      type: object.type,
      size: object.content.length,
      offset: entry.offset,
    })
  }

  /** Reads an entry's header: type, size, and a delta's base. */
  private async header(at: number): Promise<Entry> {
    const bytes = await this.bytes(at, Math.min(32, this.length - 20 - at))
    let i = 0
    let byte = bytes[i++]!
    const kind = TYPES[(byte >> 4) & 7]
    if (!kind) throw new GitObjectError(`The git pack holds an object of unknown type at ${at}.`)
    let size = byte & 15
    for (let shift = 4; byte & 0x80; shift += 7) {
      byte = bytes[i++]!
      size += (byte & 0x7f) * 2 ** shift
    }
    const entry: Entry = { offset: at, data: 0, size, kind }
    if (kind === 'ofs-delta') {
      byte = bytes[i++]!
      let distance = byte & 0x7f
      while (byte & 0x80) {
        byte = bytes[i++]!
        distance = (distance + 1) * 128 + (byte & 0x7f)
      }
      entry.base = at - distance
      if (!this.entries.has(entry.base)) throw new GitObjectError(`A delta at ${at} names no object as its base.`)
    } else if (kind === 'ref-delta') {
      entry.base = bytes.toString('hex', i, i + 20)
      i += 20
    }
    if (i > bytes.length) throw new GitObjectError(`The git pack is cut short at ${at}.`)
    entry.data = at + i
    return entry
  }

  /** Inflates an entry's data in one call (zlib's worst case is a few bytes per 16 KiB over the size). */
  private async inflateWhole(entry: Entry): Promise<{ content: Buffer; consumed: number }> {
    const window = Math.min(entry.size + (entry.size >> 8) + 1024, this.length - 20 - entry.data)
    try {
      const { buffer, engine } = inflateSync(await this.bytes(entry.data, window), { info: true }) as unknown as {
        buffer: Buffer
        engine: { bytesWritten: number }
      }
      if (buffer.length !== entry.size) throw new GitObjectError(`An object at ${entry.offset} has the wrong size.`)
      return { content: buffer, consumed: engine.bytesWritten }
    } catch (error) {
      if (error instanceof GitObjectError) throw error
      throw new GitObjectError(`An object at ${entry.offset} of the git pack does not inflate.`)
    }
  }

  /** Inflates an entry's data as a stream into `write`; returns the compressed length. */
  private async inflateStream(entry: Entry, write: (chunk: Buffer) => Promise<void>): Promise<number> {
    const inflate = createInflate()
    let out = 0
    let at = entry.data
    let ended = false
    inflate.once('end', () => (ended = true))
    const limit = this.length - 20
    // zlib ends the stream at the object's last byte and ignores what follows (the next object).
    const pump = (async () => {
      const chunk = Buffer.alloc(256 * 1024)
      while (!ended && at < limit) {
        const { bytesRead } = await this.handle.read(chunk, 0, Math.min(chunk.length, limit - at), at)
        at += bytesRead
        if (!inflate.write(Buffer.from(chunk.subarray(0, bytesRead))))
          await new Promise<void>((resolve) => {
            const go = (): void => {
              inflate.off('drain', go).off('end', go)
              resolve()
            }
            inflate.on('drain', go).on('end', go)
          })
      }
      if (!ended) inflate.end()
    })()
    try {
      for await (const piece of inflate as AsyncIterable<Buffer>) {
        out += piece.length
        if (out > entry.size) throw new GitObjectError(`An object at ${entry.offset} is larger than it says.`)
        await write(piece)
      }
    } catch (error) {
      inflate.destroy()
      if (error instanceof GitObjectError) throw error
      throw new GitObjectError(`An object at ${entry.offset} of the git pack does not inflate.`)
    } finally {
      await pump.catch(() => undefined)
    }
    if (out !== entry.size) throw new GitObjectError(`An object at ${entry.offset} has the wrong size.`)
    return inflate.bytesWritten
  }

  /** The content of the object at `offset`, through its chain of deltas. */
  private async resolve(offset: number, delta?: Buffer): Promise<{ type: ObjectType; content: Buffer }> {
    const cached = this.bases.get(offset)
    if (cached) {
      this.bases.delete(offset)
      this.bases.set(offset, cached)
      return cached
    }
    const entry = this.entries.get(offset)!
    if (entry.kind !== 'ofs-delta' && entry.kind !== 'ref-delta') {
      if (entry.size > WHOLE_LIMIT && entry.kind === 'blob') {
        const parts: Buffer[] = []
        await this.inflateStream(entry, async (chunk) => void parts.push(chunk))
        return { type: 'blob', content: Buffer.concat(parts) }
      }
      const content = (await this.inflateWhole(entry)).content
      this.remember(offset, entry.kind, content)
      return { type: entry.kind, content }
    }
    const baseOffset = typeof entry.base === 'number' ? entry.base : this.byId.get(entry.base!)?.offset
    if (baseOffset === undefined) throw new GitObjectError(`A delta at ${offset} names a base that is not there.`)
    const base = await this.resolve(baseOffset)
    const content = applyDelta(base.content, delta ?? (await this.inflateWhole(entry)).content)
    this.remember(offset, base.type, content)
    return { type: base.type, content }
  }

  /** Keeps a resolved content for deltas that may use it as their base, within the byte bound. */
  private remember(offset: number, type: ObjectType, content: Buffer): void {
    if (content.length > BASE_CACHE_BYTES / 4 || this.bases.has(offset)) return
    this.bases.set(offset, { type, content })
    this.baseBytes += content.length
    for (const [key, value] of this.bases) {
      if (this.baseBytes <= BASE_CACHE_BYTES) break
      this.bases.delete(key)
      this.baseBytes -= value.content.length
    }
  }

  private async bytes(at: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(Math.max(0, length))
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, at)
    return buffer.subarray(0, bytesRead)
  }
}

/** Reads one of a delta's size headers (7 bits a byte, least significant first). */
function deltaSize(delta: Buffer, at: { i: number }): number {
  let size = 0
  let shift = 0
  let byte: number
  do {
    byte = delta[at.i++]!
    size += (byte & 0x7f) * 2 ** shift
    shift += 7
  } while (byte & 0x80 && at.i < delta.length)
  return size
}

/** Applies a git delta (copy and insert instructions) to its base. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const at = { i: 0 }
  if (deltaSize(delta, at) !== base.length) throw new GitObjectError('A delta does not fit its base.')
  const out = Buffer.alloc(deltaSize(delta, at))
  let written = 0
  while (at.i < delta.length) {
    const op = delta[at.i++]!
    if (op & 0x80) {
      let offset = 0
      let size = 0
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += delta[at.i++]! * 2 ** (8 * bit)
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) size += delta[at.i++]! * 2 ** (8 * bit)
      if (size === 0) size = 0x10000
      if (offset + size > base.length || written + size > out.length)
        throw new GitObjectError('A delta copies from outside its base.')
      base.copy(out, written, offset, offset + size)
      written += size
    } else if (op > 0) {
      if (at.i + op > delta.length || written + op > out.length) throw new GitObjectError('A delta is cut short.')
      delta.copy(out, written, at.i, at.i + op)
      at.i += op
      written += op
    } else throw new GitObjectError('A delta holds a reserved instruction.')
  }
  if (written !== out.length) throw new GitObjectError('A delta does not produce the size it announces.')
  return out
}
