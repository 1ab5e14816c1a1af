import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { GitBlobHasher, hashBlob } from '../../../../../main/core/git/blob-hash.js'
import { threadSha1 } from '../../../../../main/core/bitbucket/sha1-thread.js'

test('a blob hashed in the hashing thread has the id git gives it, from shared and from ordinary memory', async () => {
  const content = randomBytes(3 * 1024 * 1024 + 5)
  const shared = new SharedArrayBuffer(content.length)
  content.copy(Buffer.from(shared))
  const hasher = new GitBlobHasher(content.length, threadSha1())
  assert.equal(hasher.inThread, false)
  // Uneven chunks, half of them views of the shared memory (no copy), half ordinary buffers.
  for (let at = 0, i = 0; at < content.length; i++) {
    const end = Math.min(content.length, at + 65_537 * (1 + (i % 5)))
    hasher.update(i % 2 === 0 ? new Uint8Array(shared, at, end - at) : content.subarray(at, end))
    at = end
  }
  await hasher.hashed()
  assert.equal(await hasher.finish(), hashBlob(content))
  // Two hashes at once in the one thread keep apart.
  const a = new GitBlobHasher(5, threadSha1())
  const b = new GitBlobHasher(6, threadSha1())
  a.update(Buffer.from('hello'))
  b.update(Buffer.from('world!'))
  assert.deepEqual(await Promise.all([b.finish(), a.finish()]), [hashBlob('world!'), hashBlob('hello')])
})

test('a hash in another thread refuses a wrong byte count, and its id comes only from finish()', async () => {
  const short = new GitBlobHasher(4, threadSha1())
  short.update(Buffer.from('abc'))
  await assert.rejects(short.finish(), RangeError)
  assert.throws(() => short.update(Buffer.from('de')), RangeError)
  short.update(Buffer.from('d'))
  assert.throws(() => short.digest(), /another thread/)
})

const child = fileURLToPath(new URL('./sha1-thread-child.ts', import.meta.url))

test('the hashing thread keeps a process alive while a digest is awaited, and not once it is idle', async () => {
  // The child hashes with nothing else keeping it alive, prints the ids, and must then exit by
  // itself: execFile fails on a child that ends early (unsettled await) or is killed at the timeout.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { timeout: 30_000 })
  assert.deepEqual(stdout.trim().split('\n'), [hashBlob('hello'), hashBlob('world')])
})

test('when the hashing thread fails, the hashes in it fail in plain words, and the next hash gets a new thread', async () => {
  const waiting = new GitBlobHasher(10, threadSha1())
  waiting.update(Buffer.from('01234'))
  // Bytes the thread's hash cannot take make the thread's program throw: the thread ends.
  const broken = threadSha1()
  broken.update(42 as unknown as Uint8Array)
  const lost = /Pail could not compute the hash of a file it was uploading; it will try again\./
  await assert.rejects(broken.hashed(), lost)
  // The hash still open in that thread is lost with it: its next bytes are refused.
  assert.throws(() => waiting.update(Buffer.from('56789')), lost)
  const next = new GitBlobHasher(5, threadSha1())
  next.update(Buffer.from('hello'))
  assert.equal(await next.finish(), hashBlob('hello'))
})
