import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeComponent, parseUrlencoded } from './urlencoded.js'

async function collect(text: string, size: number): Promise<[string, string][]> {
  const whole = Buffer.from(text, 'utf8')
  const chunks: Buffer[] = []
  for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size))
  async function* source(): AsyncGenerator<Buffer> {
    yield* chunks
  }
  const out: [string, string][] = []
  await parseUrlencoded(source(), async (name) => {
    const pieces: Buffer[] = []
    return {
      write: async (c) => void pieces.push(Buffer.from(c)),
      end: async () => void out.push([name, Buffer.concat(pieces).toString('utf8')]),
    }
  })
  return out
}

test('streamed decoding agrees with URLSearchParams at every split', async () => {
  const samples = [
    'message=Initial+commit&%2Fdocs%2Fa%20b.md=Lorem%20ipsum.&author=Erik+%3Cerik%40example.com%3E',
    '/message=file+contents&files=x&&files=y&novalue&=anon&trailing%=%&bad=%zz%4&last=%4',
    'caf%C3%A9=%E2%82%AC%0D%0A&plus=a%2Bb+c&%=%%41',
    '',
  ]
  for (const sample of samples) {
    const expected = [...new URLSearchParams(sample).entries()]
    for (const size of [1, 2, 3, 4, 100])
      assert.deepEqual(await collect(sample, size), expected, `${sample} split ${size}`)
  }
})

test('percent escapes decode to raw bytes, not text', () => {
  assert.deepEqual([...decodeComponent(Buffer.from('%00%FF%80+%2'))], [0, 255, 128, 32, 37, 50])
})
