/**
 * A streaming `application/x-www-form-urlencoded` parser.
 *
 * `/src` takes urlencoded bodies whose values are whole files (bitbucket-api.md §3), so values
 * are percent-decoded chunk by chunk into a sink instead of being collected. Decoding follows
 * the WHATWG rules `URLSearchParams` applies: `+` is a space, `%XX` a byte, and a `%` not
 * followed by two hex digits stays literal.
 */
import type { PartSink } from './multipart.js'

/** Thrown for a body the parser refuses (a field name too long to be one). */
export class UrlencodedError extends Error {}

const MAX_NAME_BYTES = 64 * 1024

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  return -1
}

/** Percent-decodes a byte stream; an escape may be split across chunks. */
export class PercentDecoder {
  /** Bytes of an escape not yet complete: '%' and at most one hex digit. */
  private held: number[] = []

  /** Decodes `input`, holding back a trailing incomplete escape. */
  push(input: Buffer): Buffer {
    const out = Buffer.allocUnsafe(input.length + this.held.length)
    let o = 0
    const bytes = this.held.length > 0 ? Buffer.concat([Buffer.from(this.held), input]) : input
    this.held = []
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!
      if (b === 0x2b) out[o++] = 0x20
      else if (b !== 0x25) out[o++] = b
      else if (i + 2 >= bytes.length && (i + 1 >= bytes.length || hexValue(bytes[i + 1]!) >= 0)) {
        // Possibly an escape whose digits arrive with the next chunk.
        this.held = [...bytes.subarray(i)]
        break
      } else {
        const hi = hexValue(bytes[i + 1]!)
        const lo = hexValue(bytes[i + 2]!)
        if (hi >= 0 && lo >= 0) {
          out[o++] = hi * 16 + lo
          i += 2
        } else out[o++] = b
      }
    }
    return out.subarray(0, o)
  }

  /** The end of the value: a held incomplete escape is literal text. */
  flush(): Buffer {
    const rest = Buffer.from(this.held)
    this.held = []
    return rest
  }
}

/** Decodes a whole (short) component: a field name or a meta value. */
export function decodeComponent(raw: Buffer): Buffer {
  const decoder = new PercentDecoder()
  return Buffer.concat([decoder.push(raw), decoder.flush()])
}

/**
 * Reads an urlencoded body. For each `name=value` pair (`&`-separated; a pair without `=` has
 * an empty value; empty pairs are skipped, as `URLSearchParams` does) calls `open` with the
 * decoded name and streams the decoded value into the returned sink.
 */
export async function parseUrlencoded(
  body: AsyncIterable<Buffer | string>,
  open: (name: string) => Promise<PartSink>,
): Promise<void> {
  let name: Buffer[] = []
  let nameBytes = 0
  let sink: PartSink | null = null
  let decoder = new PercentDecoder()
  const startValue = async (): Promise<void> => {
    sink = await open(decodeComponent(Buffer.concat(name)).toString('utf8'))
    name = []
    nameBytes = 0
    decoder = new PercentDecoder()
  }
  const endPair = async (): Promise<void> => {
    if (sink === null) {
      if (nameBytes === 0) return
      await startValue()
    }
    const rest = decoder.flush()
    if (rest.length > 0) await sink!.write(rest)
    await sink!.end()
    sink = null
  }
  for await (const raw of body) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw
    let start = 0
    while (start < chunk.length) {
      if (sink === null) {
        // In a name: up to '=' (value follows) or '&' (no value).
        let i = start
        while (i < chunk.length && chunk[i] !== 0x3d && chunk[i] !== 0x26) i++
        name.push(chunk.subarray(start, i))
        nameBytes += i - start
        if (nameBytes > MAX_NAME_BYTES) throw new UrlencodedError('Form field name too long')
        if (i === chunk.length) break
        if (chunk[i] === 0x3d) await startValue()
        else await endPair()
        start = i + 1
      } else {
        const amp = chunk.indexOf(0x26, start)
        const stop = amp < 0 ? chunk.length : amp
        const decoded = decoder.push(chunk.subarray(start, stop))
        if (decoded.length > 0) await (sink as PartSink).write(decoded)
        if (amp < 0) break
        await endPair()
        start = amp + 1
      }
    }
  }
  await endPair()
}
