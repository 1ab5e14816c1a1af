/**
 * Git's pkt-line framing (gitprotocol-common): each packet is four hex digits giving its length,
 * the four included, then the payload; `0000` is a flush, `0001` a delimiter and `0002` the end of
 * a response (protocol v2). Only what reading a ref advertisement needs.
 */

/** A packet: its payload as text (a trailing newline removed), or one of the special packets. */
export type Packet = string | { special: 'flush' | 'delim' | 'response-end' }

const SPECIAL = { 0: 'flush', 1: 'delim', 2: 'response-end' } as const

/** A body that is not pkt-lines (a proxy's page, a cut-off answer). */
export class PktLineError extends Error {}

/** Splits `body` into packets; throws PktLineError where it is not pkt-lines. */
export function parsePktLines(body: Buffer): Packet[] {
  const packets: Packet[] = []
  let at = 0
  while (at < body.length) {
    const head = body.subarray(at, at + 4).toString('latin1')
    if (!/^[0-9a-f]{4}$/.test(head)) throw new PktLineError(`Not a git answer: unexpected bytes at offset ${at}.`)
    const length = parseInt(head, 16)
    if (length < 4) {
      if (length === 3) throw new PktLineError(`Not a git answer: a packet of length 3 at offset ${at}.`)
      packets.push({ special: SPECIAL[length as 0 | 1 | 2] })
      at += 4
      continue
    }
    if (at + length > body.length) throw new PktLineError('The git answer was cut off.')
    const payload = body.subarray(at + 4, at + length).toString('utf8')
    packets.push(payload.endsWith('\n') ? payload.slice(0, -1) : payload)
    at += length
  }
  return packets
}

/** One packet carrying `text` (a newline is added, as git writes them). */
export function pktLine(text: string): Buffer {
  const payload = Buffer.from(`${text}\n`, 'utf8')
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0'), 'latin1'), payload])
}

export const FLUSH = Buffer.from('0000', 'latin1')
export const DELIM = Buffer.from('0001', 'latin1')

/** A packet as it arrives in a stream: its payload bytes, or one of the special packets. */
export type RawPacket = Buffer | { special: 'flush' | 'delim' | 'response-end' }

/**
 * Reads packets from a stream without holding more than one packet (at most 65,520 bytes) beyond
 * what arrived: a packfile of any size passes through. Throws PktLineError where the bytes are not
 * pkt-lines, and when the stream ends inside a packet.
 */
export async function* readPktLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<RawPacket> {
  // Chunks not yet consumed, joined only once a whole packet is there (small chunks stay linear).
  let parts: Buffer[] = []
  let buffered = 0
  /** The first `n` buffered bytes as one buffer (without consuming them). */
  const peek = (n: number): Buffer => {
    if (parts[0]!.length < n) parts = [Buffer.concat(parts)]
    return parts[0]!.subarray(0, n)
  }
  const consume = (n: number): void => {
    parts[0] = parts[0]!.subarray(n)
    if (parts[0].length === 0) parts.shift()
    buffered -= n
  }
  /** The length of the packet whose header was read and whose bytes are not all here yet. */
  let need = 4
  for await (const chunk of source) {
    parts.push(Buffer.from(chunk))
    buffered += chunk.length
    while (buffered >= need) {
      need = 4
      const head = peek(4).toString('latin1')
      if (!/^[0-9a-f]{4}$/.test(head)) throw new PktLineError('Not a git answer: unexpected bytes in a packet stream.')
      const length = parseInt(head, 16)
      if (length < 4) {
        if (length === 3) throw new PktLineError('Not a git answer: a packet of length 3.')
        consume(4)
        yield { special: SPECIAL[length as 0 | 1 | 2] }
        continue
      }
      if (buffered < length) {
        need = length
        break
      }
      const payload = Buffer.from(peek(length).subarray(4))
      consume(length)
      yield payload
    }
  }
  if (buffered > 0) throw new PktLineError('The git answer was cut off.')
}
