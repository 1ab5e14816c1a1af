import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  DELIM,
  FLUSH,
  parsePktLines,
  pktLine,
  PktLineError,
  readPktLines,
  type RawPacket,
} from '../../../../../main/core/git/pkt-line.js'

test('packets, flushes and delimiters come apart; a trailing newline is dropped', () => {
  const body = Buffer.concat([pktLine('# service=git-upload-pack'), FLUSH, pktLine('version 2'), DELIM, FLUSH])
  assert.deepEqual(parsePktLines(body), [
    '# service=git-upload-pack',
    { special: 'flush' },
    'version 2',
    { special: 'delim' },
    { special: 'flush' },
  ])
  assert.equal(pktLine('ls-refs').toString(), '000cls-refs\n')
  assert.deepEqual(parsePktLines(Buffer.from('0009x\0cap')), ['x\0cap'], 'a payload without newline is kept whole')
})

test('what is not pkt-lines is refused: an HTML page, a cut-off packet, length 3', () => {
  assert.throws(() => parsePktLines(Buffer.from('<!doctype html>')), PktLineError)
  assert.throws(() => parsePktLines(Buffer.from('0020short')), /cut off/)
  assert.throws(() => parsePktLines(Buffer.from('0003')), PktLineError)
})

/** The packets of `body` read as a stream cut into `size`-byte chunks. */
async function streamed(body: Buffer, size: number): Promise<RawPacket[]> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size)
  }
  const out: RawPacket[] = []
  for await (const packet of readPktLines(chunks())) out.push(Buffer.isBuffer(packet) ? Buffer.from(packet) : packet)
  return out
}

test('a packet stream reads the same packets however the bytes are cut, and refuses one cut off', async () => {
  const big = Buffer.alloc(65_000, 0x61)
  const body = Buffer.concat([
    pktLine('packfile'),
    Buffer.from((big.length + 4).toString(16).padStart(4, '0'), 'latin1'),
    big,
    DELIM,
    pktLine('done'),
    FLUSH,
  ])
  const whole = parsePktLines(body)
  for (const size of [1, 3, 4, 5, 1000, body.length]) {
    const got = await streamed(body, size)
    assert.deepEqual(
      got.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8').replace(/\n$/, '') : p)),
      whole,
      `chunks of ${size} bytes`,
    )
  }
  await assert.rejects(streamed(body.subarray(0, body.length - 3), 7), PktLineError)
  await assert.rejects(streamed(Buffer.from('<html>'), 2), PktLineError)
})
