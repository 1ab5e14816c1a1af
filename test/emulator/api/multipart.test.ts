import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  boundaryOf,
  MultipartError,
  parseDisposition,
  parseMultipart,
  type PartHead,
  type PartSink,
} from './multipart.js'

interface Collected {
  head: PartHead
  body: Buffer
}

async function collect(chunks: Buffer[], boundary: string): Promise<Collected[]> {
  const parts: Collected[] = []
  async function* source(): AsyncGenerator<Buffer> {
    yield* chunks
  }
  await parseMultipart(source(), boundary, async (head): Promise<PartSink> => {
    const pieces: Buffer[] = []
    return {
      write: async (chunk) => void pieces.push(Buffer.from(chunk)),
      end: async () => void parts.push({ head, body: Buffer.concat(pieces) }),
    }
  })
  return parts
}

/** Every byte value, plus text that looks like a delimiter but is not one. */
const tricky = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\r\n--XyY\r\n--Xy-\r\n-XyZ--XyZ\r\n--X'),
  Buffer.from([13, 10, 45, 45]),
])

function body(boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`preamble text\r\n--${boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\nHello\r\n`),
    Buffer.from(
      `--${boundary}  \r\nContent-Disposition: form-data; name="docs/a b.bin"; filename="a b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    tricky,
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="empty"; filename=""\r\n\r\n\r\n--${boundary}--\r\nepilogue --${boundary}\r\n`,
    ),
  ])
}

test('parts, headers and bodies come through byte for byte, however the input is split', async () => {
  const boundary = 'XyZ'
  const whole = body(boundary)
  for (const size of [1, 2, 3, 5, 7, 13, 64, whole.length]) {
    const chunks: Buffer[] = []
    for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size))
    const parts = await collect(chunks, boundary)
    assert.equal(parts.length, 3, `split ${size}`)
    assert.equal(parts[0]!.head.disposition?.params.get('name')?.value, 'message')
    assert.equal(parts[0]!.body.toString(), 'Hello')
    assert.equal(parts[1]!.head.disposition?.params.get('name')?.value, 'docs/a b.bin')
    assert.equal(parts[1]!.head.headers.get('content-type'), 'application/octet-stream')
    assert.ok(parts[1]!.body.equals(tricky), `split ${size}: binary body differs`)
    assert.equal(parts[2]!.head.disposition?.params.get('filename')?.value, '')
    assert.equal(parts[2]!.body.length, 0)
  }
})

test('a large body arriving in the same chunk as its headers streams through', async () => {
  const big = Buffer.alloc(300 * 1024, 0x61)
  const whole = Buffer.concat([
    Buffer.from('--b\r\nContent-Disposition: form-data; name="big"; filename="big"\r\n\r\n'),
    big,
    Buffer.from('\r\n--b--'),
  ])
  const parts = await collect([whole], 'b')
  assert.equal(parts.length, 1)
  assert.ok(parts[0]!.body.equals(big))
  await assert.rejects(collect([Buffer.from(`--b\r\nX-Long: ${'h'.repeat(70 * 1024)}`)], 'b'), /part headers too large/)
})

test('a body without the closing delimiter is malformed', async () => {
  const truncated = body('XyZ').subarray(0, 200)
  await assert.rejects(collect([truncated], 'XyZ'), MultipartError)
  await assert.rejects(collect([Buffer.from('no boundary at all')], 'XyZ'), MultipartError)
})

test('junk after a boundary and an unterminated header block are malformed', async () => {
  await assert.rejects(collect([Buffer.from('--b junk\r\n\r\nx\r\n--b--')], 'b'), /junk after a boundary/)
  await assert.rejects(
    collect([Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n--b--')], 'b'),
    MultipartError,
  )
})

test('Content-Disposition: colon and equals x-attributes, quoted escapes, RFC 2231 names', () => {
  const colon = parseDisposition('attachment; filename="shutdown.sh"; x-attributes:"executable"')
  assert.equal(colon.type, 'attachment')
  assert.deepEqual(colon.params.get('x-attributes'), { value: 'executable', separator: ':' })
  assert.equal(colon.params.get('filename')?.value, 'shutdown.sh')
  const equals = parseDisposition('form-data; name="bin/run"; filename="run"; x-attributes="link"')
  assert.deepEqual(equals.params.get('x-attributes'), { value: 'link', separator: '=' })
  const quoted = parseDisposition('form-data; name="a \\"q\\" b\\\\c d\\e;f%22"')
  assert.equal(quoted.params.get('name')?.value, 'a "q" b\\c d\\e;f%22')
  const extended = parseDisposition(`form-data; name="fallback"; name*=UTF-8''caf%C3%A9%20menu.txt`)
  assert.equal(extended.params.get('name')?.value, 'café menu.txt')
  const token = parseDisposition('form-data; name=plain ; filename=x.txt')
  assert.equal(token.params.get('name')?.value, 'plain')
  assert.equal(token.params.get('filename')?.value, 'x.txt')
})

test('the boundary comes from the Content-Type, quoted or not', () => {
  assert.equal(boundaryOf('multipart/form-data; boundary=----abc123'), '----abc123')
  assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"'), 'a b:c')
  assert.equal(boundaryOf('multipart/form-data'), null)
  assert.equal(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`), null)
})
