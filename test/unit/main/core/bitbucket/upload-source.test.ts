import assert from 'node:assert/strict'
import { appendFile, chmod, mkdir, mkdtemp, realpath, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { FileUnreadableError, UploadFileChangedError } from '../../../../../main/core/bitbucket/commit-errors.js'
import { GitBlobHasher } from '../../../../../main/core/git/blob-hash.js'
import { prepareUpload, uploadContent } from '../../../../../main/core/bitbucket/upload-source.js'
import { hashBlob } from '../../../../../main/core/git/blob-hash.js'
import { ProtectedPathError, ReadGuard } from '../../../../../main/core/fs/read-guard.js'

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

test('bytes and hash of a multi-chunk file, an empty file, and a link', async (t) => {
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

test('after the size is fixed, growth is not sent and shrinking fails', async (t) => {
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

test('a directory, a missing file, or a link where a file was are changes; an unreadable file says so', async (t) => {
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
})

test(
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
