import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { appendFile, chmod, mkdir, mkdtemp, realpath, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { FileUnreadableError, UploadFileChangedError } from '../../../../../main/core/bitbucket/commit-errors.js'
import { GitBlobHasher, type Sha1 } from '../../../../../main/core/git/blob-hash.js'
import {
  prepareUpload,
  THREAD_HASH_BYTES,
  uploadContent,
  uploadHasher,
} from '../../../../../main/core/bitbucket/upload-source.js'
import { hashBlob } from '../../../../../main/core/git/blob-hash.js'
import { ProtectedPathError, ReadGuard } from '../../../../../main/core/fs/read-guard.js'
import { testOnBothReadPaths } from '../../../../support/read-paths.js'

async function folder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-upload-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function read(
  path: string,
  mode: 'file' | 'link' | 'executable' = 'file',
  linkTarget?: string,
): Promise<{ bytes: Buffer; sha: string; size: number }> {
  const prepared = await prepareUpload({
    repoPath: 'p',
    absolutePath: path,
    mode,
    ...(linkTarget === undefined ? {} : { linkTarget }),
  })
  const hasher = new GitBlobHasher(prepared.size)
  const chunks: Buffer[] = []
  for await (const chunk of uploadContent(prepared, hasher)) chunks.push(Buffer.from(chunk))
  return { bytes: Buffer.concat(chunks), sha: hasher.digest(), size: prepared.size }
}

testOnBothReadPaths('bytes and hash of a multi-chunk file, an empty file, and a link', async (t) => {
  const dir = await folder(t)
  const big = Buffer.alloc(700_001)
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251
  await writeFile(join(dir, 'big'), big)
  const got = await read(join(dir, 'big'))
  assert.ok(got.bytes.equals(big))
  assert.equal(got.sha, hashBlob(big))
  await writeFile(join(dir, 'empty'), '')
  assert.deepEqual(await read(join(dir, 'empty')), { bytes: Buffer.alloc(0), sha: hashBlob(''), size: 0 })
  await symlink('../elsewhere/ü', join(dir, 'link'))
  assert.equal((await read(join(dir, 'link'), 'link')).bytes.toString(), '../elsewhere/ü')
  // The scanner's target text wins over what the link says now.
  assert.equal((await read(join(dir, 'link'), 'link', 'scanned')).sha, hashBlob('scanned'))
})

testOnBothReadPaths('after the size is fixed, growth is not sent and shrinking fails', async (t) => {
  const dir = await folder(t)
  const path = join(dir, 'f')
  await writeFile(path, 'hello')
  const grown = await prepareUpload({ repoPath: 'f', absolutePath: path, mode: 'file' })
  await appendFile(path, ' world')
  const hasher = new GitBlobHasher(grown.size)
  const sent: Buffer[] = []
  for await (const chunk of uploadContent(grown, hasher)) sent.push(Buffer.from(chunk))
  assert.equal(Buffer.concat(sent).toString(), 'hello')
  assert.equal(hasher.digest(), hashBlob('hello'))

  const shrunk = await prepareUpload({ repoPath: 'f', absolutePath: path, mode: 'file' })
  await truncate(path, 3)
  await assert.rejects(
    async () => {
      for await (const _ of uploadContent(shrunk, new GitBlobHasher(shrunk.size))) void _
    },
    (error: unknown) =>
      error instanceof UploadFileChangedError && error.path === 'f' && /got shorter/.test(error.message),
  )
})

testOnBothReadPaths(
  'a directory, a missing file, or a link where a file was are changes; an unreadable file says so',
  async (t) => {
    const dir = await folder(t)
    await mkdir(join(dir, 'dir'))
    await assert.rejects(
      prepareUpload({ repoPath: 'dir', absolutePath: join(dir, 'dir'), mode: 'file' }),
      UploadFileChangedError,
    )
    await assert.rejects(
      prepareUpload({ repoPath: 'gone', absolutePath: join(dir, 'gone'), mode: 'file' }),
      UploadFileChangedError,
    )
    // Prepared as a file, a folder by the time it is read.
    await writeFile(join(dir, 'became-folder'), 'notes')
    const becameFolder = await prepareUpload({
      repoPath: 'became-folder',
      absolutePath: join(dir, 'became-folder'),
      mode: 'file',
    })
    await rm(join(dir, 'became-folder'))
    await mkdir(join(dir, 'became-folder'))
    await assert.rejects(
      async () => {
        for await (const _ of uploadContent(becameFolder, new GitBlobHasher(becameFolder.size))) void _
      },
      (error: unknown) => error instanceof UploadFileChangedError && /is no longer a plain file/.test(error.message),
    )
    await writeFile(join(dir, 'target'), 'secret')
    await symlink(join(dir, 'target'), join(dir, 'swapped'))
    await assert.rejects(
      prepareUpload({ repoPath: 'swapped', absolutePath: join(dir, 'swapped'), mode: 'file' }),
      UploadFileChangedError,
    )
    if (process.getuid?.() === 0) return t.diagnostic('running as root: file permissions do not stop reads')
    await writeFile(join(dir, 'locked'), 'x')
    await chmod(join(dir, 'locked'), 0)
    const prepared = await prepareUpload({ repoPath: 'locked', absolutePath: join(dir, 'locked'), mode: 'file' })
    await assert.rejects(
      async () => {
        for await (const _ of uploadContent(prepared, new GitBlobHasher(prepared.size))) void _
      },
      (error: unknown) =>
        error instanceof FileUnreadableError && /Pail cannot read "locked" \(EACCES\)/.test(error.message),
    )
  },
)

testOnBothReadPaths(
  "a file in Pail's home is refused when prepared, and again right before it is opened",
  { skip: process.platform === 'win32' && 'symlinks' },
  async (t) => {
    const dir = await realpath(await folder(t))
    const home = join(dir, 'home')
    await mkdir(home)
    await writeFile(join(home, 'secrets.json'), '{"token":"s3cret"}')
    const guard = new ReadGuard([home])
    await symlink(home, join(dir, 'looks-harmless'))
    for (const absolutePath of [join(home, 'secrets.json'), join(dir, 'looks-harmless', 'secrets.json')])
      await assert.rejects(
        prepareUpload({ repoPath: 'secrets.json', absolutePath, mode: 'file' }, guard),
        (error: unknown) => error instanceof ProtectedPathError && error.path === absolutePath,
      )

    // Prepared while its folder was an ordinary one; the folder is then swapped for a link to the home.
    const folderPath = join(dir, 'docs')
    await mkdir(folderPath)
    await writeFile(join(folderPath, 'secrets.json'), 'harmless notes')
    const prepared = await prepareUpload(
      { repoPath: 'docs/secrets.json', absolutePath: join(folderPath, 'secrets.json'), mode: 'file' },
      guard,
    )
    await rename(folderPath, join(dir, 'docs-old'))
    await symlink(home, folderPath)
    const sent: Buffer[] = []
    await assert.rejects(async () => {
      for await (const chunk of uploadContent(prepared, new GitBlobHasher(prepared.size), guard))
        sent.push(Buffer.from(chunk))
    }, ProtectedPathError)
    assert.equal(Buffer.concat(sent).length, 0, 'not one byte of the home was read')
  },
)

/**
 * A Sha1 that reads each chunk late, as the hashing thread does: it keeps the view it was given
 * and hashes it 20 ms after `hashed()` is asked for, long after the next reads could have landed. If a
 * buffer were read into again before that, it would hash the new bytes and the id would be wrong.
 */
function lateSha1(): Sha1 & { reads: number } {
  const hash = createHash('sha1')
  const held: Uint8Array[] = []
  const state = {
    inThread: false,
    reads: 0,
    update: (bytes: Uint8Array) => void held.push(bytes),
    hashed: async () => {
      await delay(20)
      for (const bytes of held.splice(0)) {
        hash.update(bytes)
        state.reads++
      }
    },
    hex: async () => {
      for (const bytes of held.splice(0)) hash.update(bytes)
      return hash.digest('hex')
    },
  }
  return state
}

test('a hash that reads the bytes late still hashes the bytes sent: no buffer is read into before it is done', async (t) => {
  const dir = await folder(t)
  const content = randomBytes(9 * 1024 * 1024 + 77)
  await writeFile(join(dir, 'big'), content)
  const prepared = await prepareUpload({ repoPath: 'big', absolutePath: join(dir, 'big'), mode: 'file' })
  const sha1 = lateSha1()
  const hasher = new GitBlobHasher(prepared.size, sha1)
  const chunks: Buffer[] = []
  for await (const chunk of uploadContent(prepared, hasher)) chunks.push(Buffer.from(chunk))
  assert.ok(Buffer.concat(chunks).equals(content), 'the bytes yielded are the file')
  assert.equal(await hasher.finish(), hashBlob(content), 'the hash is of the bytes sent')
  assert.ok(sha1.reads > 4, `the hash read ${sha1.reads} chunks late, more than there are buffers`)
})

test('a large file is hashed in the hashing thread, and one that shrinks during the upload still fails', async (t) => {
  const dir = await folder(t)
  const path = join(dir, 'big')
  const content = randomBytes(THREAD_HASH_BYTES + 3 * 1024 * 1024 + 1)
  await writeFile(path, content)
  const prepared = await prepareUpload({ repoPath: 'big', absolutePath: path, mode: 'file' })
  const hasher = uploadHasher(prepared)
  assert.equal(hasher.inThread, false)
  const chunks: Buffer[] = []
  for await (const chunk of uploadContent(prepared, hasher)) chunks.push(Buffer.from(chunk))
  assert.ok(Buffer.concat(chunks).equals(content))
  assert.equal(await hasher.finish(), hashBlob(content))
  assert.equal(uploadHasher({ ...prepared, size: THREAD_HASH_BYTES - 1 }).inThread, true, 'a smaller file stays here')

  // Shrunk once the first chunk is out: a later read comes back short.
  const shrinking = await prepareUpload({ repoPath: 'big', absolutePath: path, mode: 'file' })
  await assert.rejects(
    async () => {
      let sent = 0
      for await (const chunk of uploadContent(shrinking, uploadHasher(shrinking))) {
        if (sent === 0) await truncate(path, 2 * 1024 * 1024 + 10)
        sent += chunk.length
      }
    },
    (error: unknown) =>
      error instanceof UploadFileChangedError && error.path === 'big' && /got shorter/.test(error.message),
  )
})
