import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { GitBlobHasher } from '../../../../../main/core/bitbucket/git-blob-hash.js'
import { hashBlob } from '../../../../../main/core/sync/local/blob-hash.js'

function gitHashObject(bytes: Buffer): string {
  return execFileSync('git', ['hash-object', '--no-filters', '--stdin'], { input: bytes, encoding: 'utf8' }).trim()
}

test('fed in uneven chunks, it equals git hash-object and hashBlob', () => {
  const bytes = randomBytes(300_001)
  const hasher = new GitBlobHasher(bytes.length)
  for (let at = 0, step = 1; at < bytes.length; at += step, step = step * 7 + 3)
    hasher.update(bytes.subarray(at, Math.min(bytes.length, at + step)))
  const sha = hasher.digest()
  assert.equal(sha, gitHashObject(bytes))
  assert.equal(sha, hashBlob(bytes))
})

test('the empty blob', () => {
  assert.equal(new GitBlobHasher(0).digest(), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')
})

test('any other byte count than the declared size is refused: the header would lie', () => {
  const short = new GitBlobHasher(4)
  short.update(Buffer.from('abc'))
  assert.equal(short.bytes, 3)
  assert.throws(() => short.digest(), /declared as 4 bytes received 3/)
  const long = new GitBlobHasher(2)
  assert.throws(() => long.update(Buffer.from('abc')), /declared as 2 bytes received 3/)
  assert.equal(long.bytes, 0)
  assert.throws(() => new GitBlobHasher(-1), RangeError)
})
