import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gathered } from '../../../../../main/core/bitbucket/api-client.js'

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const chunk of body) out.push(chunk)
  return out
}

async function* from(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk
}

test('many small chunks go out as few writes of up to 64 KiB, byte for byte in order', async () => {
  // A part head, a small file and a line break, 1,000 times: 3,000 chunks.
  const chunks = Array.from({ length: 3000 }, (_, i) => Buffer.alloc(1 + (i % 3) * 700, i % 251))
  const out = await collect(gathered(from(chunks)))
  assert.ok(Buffer.concat(out).equals(Buffer.concat(chunks)))
  const total = Buffer.concat(chunks).length
  assert.ok(out.length <= Math.ceil(total / (64 * 1024)) + 1, `${out.length} writes for ${total} bytes`)
  assert.ok(out.every((chunk) => chunk.length <= 64 * 1024))
})

test('a large chunk passes through uncopied, in its place, after the small ones before it', async () => {
  const large = Buffer.alloc(256 * 1024, 7)
  const out = await collect(gathered(from([Buffer.from('head'), large, Buffer.from('\r\n')])))
  assert.equal(out.length, 3)
  assert.equal(out[0]!.toString(), 'head')
  assert.equal(out[1], large, 'the very buffer given')
  assert.equal(out[2]!.toString(), '\r\n')
})

test('a small chunk is copied at once: the source may read into its buffer again as soon as it resumes', async () => {
  const reused = Buffer.alloc(100)
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const byte of [1, 2, 3]) {
      reused.fill(byte)
      yield reused
    }
  }
  const out = await collect(gathered(source()))
  assert.deepEqual(
    [...Buffer.concat(out)].filter((_, i) => i % 100 === 0),
    [1, 2, 3],
  )
})

test("the source's error reaches the consumer", async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('x')
    throw new Error('the file went away')
  }
  await assert.rejects(collect(gathered(failing())), /the file went away/)
})
