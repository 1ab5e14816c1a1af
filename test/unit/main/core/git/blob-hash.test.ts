import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { FileChangedError, GitBlobHasher, hashBlob, hashFile } from '../../../../../main/core/git/blob-hash.js'
import { randomBytes } from 'node:crypto'
import { testOnBothReadPaths } from '../../../../support/read-paths.js'

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-hash-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function gitHashObject(file: string): string {
  return execFileSync('git', ['hash-object', '--no-filters', file], { encoding: 'utf8' }).trim()
}

test('hashBlob matches the well-known git hashes of "" and "hello\\n"', () => {
  assert.equal(hashBlob(''), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')
  assert.equal(hashBlob('hello\n'), 'ce013625030ba8dba906f756967f9e9ca394464a')
  assert.equal(hashBlob(Buffer.from('hello\n')), 'ce013625030ba8dba906f756967f9e9ca394464a')
})

testOnBothReadPaths(
  'hashFile equals git hash-object for empty, text, binary, non-ASCII and multi-chunk files',
  async (t) => {
    const dir = await tempDir(t)
    const big = join(dir, 'big.bin')
    // 3 MB of varied bytes crosses many read chunks, and a chunk boundary at an odd offset.
    await new Promise<void>((done, fail) => {
      const out = createWriteStream(big)
      out.on('error', fail)
      for (let i = 0; i < 12; i++)
        out.write(Buffer.from(Array.from({ length: 256 * 1024 + 7 }, (_, j) => (i * 31 + j * 7) % 256)))
      out.end(done)
    })
    const files: Record<string, string | Buffer> = {
      'empty.txt': '',
      'hello.txt': 'hello\n',
      'crlf.txt': 'line one\r\nline two\r\n',
      'binary.bin': Buffer.from([0, 1, 2, 255, 0, 10, 13]),
      'Grüße — 日本.txt': 'héllo wörld\n',
    }
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
    for (const name of [...Object.keys(files), 'big.bin']) {
      const hash = await hashFile(join(dir, name))
      assert.equal(hash.sha, gitHashObject(join(dir, name)), name)
    }
    const bigHash = await hashFile(big)
    assert.equal(bigHash.size, 12 * (256 * 1024 + 7))
    assert.ok(bigHash.mtimeMs > 0)
  },
)

test('a link target hashed as text equals what git stores for the link', async (t) => {
  const dir = await tempDir(t)
  execFileSync('git', ['init', '-q', dir])
  await writeFile(join(dir, 'target.txt'), 'x')
  await symlink('sub/../target.txt', join(dir, 'link'))
  execFileSync('git', ['-C', dir, 'add', 'link'])
  const staged = execFileSync('git', ['-C', dir, 'ls-files', '-s', 'link'], { encoding: 'utf8' })
  assert.match(staged, /^120000 ([0-9a-f]{40}) /)
  assert.equal(hashBlob('sub/../target.txt'), staged.split(' ')[1])
})

testOnBothReadPaths(
  'hashFile refuses a link (it never hashes what a swapped-in link points at) and a missing file, as "changed"',
  async (t) => {
    const dir = await tempDir(t)
    await writeFile(join(dir, 'secret'), 'outside')
    await symlink(join(dir, 'secret'), join(dir, 'link'))
    await assert.rejects(hashFile(join(dir, 'link')), FileChangedError)
    await assert.rejects(hashFile(join(dir, 'gone')), FileChangedError)
  },
)

testOnBothReadPaths('hashFile of a folder is not a file', async (t) => {
  const dir = await tempDir(t)
  await assert.rejects(
    hashFile(dir),
    (error: Error) => error instanceof FileChangedError || /EISDIR/.test(error.message),
  )
})

testOnBothReadPaths(
  'a file whose bytes disagree with its stat size (still being written) is reported as changed, not hashed',
  { skip: process.platform !== 'linux' && 'needs /proc' },
  async () => {
    // /proc files stat as 0 bytes but read as more: the same disagreement as a file growing mid-read.
    await assert.rejects(hashFile('/proc/self/status'), FileChangedError)
  },
)

function gitHashOfBytes(bytes: Buffer): string {
  return execFileSync('git', ['hash-object', '--no-filters', '--stdin'], { input: bytes, encoding: 'utf8' }).trim()
}

test('fed in uneven chunks, it equals git hash-object and hashBlob', () => {
  const bytes = randomBytes(300_001)
  const hasher = new GitBlobHasher(bytes.length)
  for (let at = 0, step = 1; at < bytes.length; at += step, step = step * 7 + 3)
    hasher.update(bytes.subarray(at, Math.min(bytes.length, at + step)))
  const sha = hasher.digest()
  assert.equal(sha, gitHashOfBytes(bytes))
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
