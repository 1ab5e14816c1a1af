/**
 * GitRepository's batched writes and combined reads: blobs written by one git process (loose, or
 * packed from 100 on) are the ones git would write one by one, in order, whatever the file names;
 * `refState` names the HEAD branch whether or not it exists yet.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { git, GitRepository, type BlobSource } from './git-store.js'

async function scratch(t: TestContext): Promise<{ dir: string; repo: GitRepository }> {
  const dir = await mkdtemp(join(tmpdir(), 'emu-store-'))
  const repo = new GitRepository(join(dir, 'r.git'))
  t.after(async () => {
    await repo.close()
    await rm(dir, { recursive: true, force: true })
  })
  await repo.init('main')
  return { dir, repo }
}

/** What `git hash-object` says of one file or content, asked on its own. */
async function hashOf(repo: GitRepository, source: BlobSource): Promise<string> {
  const args = ['hash-object', '--no-filters', ...('file' in source ? ['--', source.file] : ['--stdin'])]
  return (await git(repo.gitDir, args, 'bytes' in source ? { input: source.bytes } : {})).toString().trim()
}

async function packs(repo: GitRepository): Promise<string[]> {
  return (await readdir(join(repo.gitDir, 'objects', 'pack'))).filter((name) => name.endsWith('.pack'))
}

/** Sources of every kind: files and bytes, empty, binary, repeated, one file larger than a read chunk; mostly distinct. */
async function mixedSources(dir: string, count: number): Promise<BlobSource[]> {
  const sources: BlobSource[] = []
  for (let i = 0; i < count; i++) {
    const bytes =
      i % 10 === 0
        ? Buffer.alloc(0)
        : i % 10 === 5
          ? Buffer.from('same')
          : i % 3 === 0
            ? Buffer.from([0, 1, 2, 255, i % 256, i >> 8])
            : Buffer.from(`blob ${i}`)
    if (i % 2 === 0) sources.push({ bytes })
    else {
      const file = join(dir, `file-${i}`)
      await writeFile(file, i === 1 ? randomBytes(200 * 1024) : bytes)
      sources.push({ file })
    }
  }
  return sources
}

test('writeBlobsFrom writes files and bytes in order as single hash-objects would: loose below 100, one pack from 100', async (t) => {
  const { dir, repo } = await scratch(t)
  const few = await mixedSources(dir, 7)
  const fewShas = await repo.writeBlobsFrom(few)
  assert.deepEqual(fewShas, await Promise.all(few.map((source) => hashOf(repo, source))))
  assert.deepEqual(await packs(repo), [], 'a few blobs are loose objects')

  await mkdir(join(dir, 'many'))
  const many = await mixedSources(join(dir, 'many'), 150)
  const manyShas = await repo.writeBlobsFrom(many)
  assert.deepEqual(manyShas, await Promise.all(many.map((source) => hashOf(repo, source))))
  assert.equal((await packs(repo)).length, 1, 'many blobs go into one pack')
  for (const [i, sha] of manyShas.entries()) {
    const source = many[i]!
    assert.deepEqual(await repo.readBlobBuffer(sha), 'bytes' in source ? source.bytes : await readFile(source.file))
  }
  assert.deepEqual(await repo.writeBlobsFrom([]), [])
})

test('writeBlobsFrom takes file names one hash-object line cannot carry', async (t) => {
  const { dir, repo } = await scratch(t)
  // A name with a line break, and a relative one starting with git's C-quoting quote.
  await writeFile(join(dir, 'two\nlines'), 'two lines')
  await writeFile(join(dir, '"quoted"'), 'quoted')
  const odd: BlobSource[] = [{ file: join(dir, 'two\nlines') }, { file: '"quoted"' }, { bytes: Buffer.from('x') }]
  const cwd = process.cwd()
  process.chdir(dir)
  try {
    assert.deepEqual(await repo.writeBlobsFrom(odd), await Promise.all(odd.map((source) => hashOf(repo, source))))
    assert.deepEqual(await repo.writeBlobsFrom(odd.slice(1, 2)), [await hashOf(repo, odd[1]!)])
  } finally {
    process.chdir(cwd)
  }
})

test('writeBlobs writes several contents at once, in order', async (t) => {
  const { repo } = await scratch(t)
  const contents = ['a', 'b', '', Buffer.from('c')]
  const shas = await repo.writeBlobs(contents)
  assert.equal(shas.length, contents.length)
  for (const [i, sha] of shas.entries()) assert.deepEqual(await repo.readBlobBuffer(sha), Buffer.from(contents[i]!))
})

test('refState: the branches with their tips, and the HEAD branch, born or not', async (t) => {
  const { repo } = await scratch(t)
  assert.deepEqual(await repo.refState(), { head: 'main', branches: new Map() })
  const blob = await repo.writeBlob('x')
  const sha = await repo.createCommit({
    parent: null,
    changes: [{ path: 'x', blob, mode: '100644' }],
    deletions: [],
    message: 'x\n',
    authorName: 'Test Author',
    authorEmail: 'author@example.com',
  })
  // A repository whose main branch is unborn while another branch exists.
  await repo.moveBranch('side', sha, null)
  assert.deepEqual(await repo.refState(), { head: 'main', branches: new Map([['side', sha]]) })
  await repo.moveBranch('main', sha, null)
  await repo.setHeadBranch('side')
  assert.deepEqual(await repo.refState(), {
    head: 'side',
    branches: new Map([
      ['main', sha],
      ['side', sha],
    ]),
  })
})
