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

/** The commit the index recipe makes of the same request (the store's way before fast-import): its tree. */
async function treeByIndex(
  repo: GitRepository,
  dir: string,
  parent: string | null,
  deletions: readonly string[],
  changes: readonly { path: string; mode: string; blob: string }[],
): Promise<string> {
  const env = { GIT_INDEX_FILE: join(dir, `index-${Math.random()}`) }
  if (parent) await git(repo.gitDir, ['read-tree', parent], { env })
  const lines = [
    ...deletions.map((path) => `0 ${'0'.repeat(40)}\t${path}`),
    ...changes.map((change) => `${change.mode} ${change.blob}\t${change.path}`),
  ]
  if (lines.length > 0)
    await git(repo.gitDir, ['update-index', '-z', '--index-info'], { env, input: lines.join('\0') + '\0' })
  return (await git(repo.gitDir, ['write-tree'], { env })).toString().trim()
}

test('createCommit writes through fast-import the tree, parents, message and identities commit-tree would, and no ref', async (t) => {
  const { dir, repo } = await scratch(t)
  const run = async (...args: string[]): Promise<string> => (await git(repo.gitDir, args)).toString('utf8')
  const base = await repo.createCommit({
    parent: null,
    changes: [
      { path: 'README.md', mode: '100644', content: { bytes: Buffer.from('# readme\n') } },
      { path: 'docs/a.txt', mode: '100644', content: { bytes: Buffer.from('a') } },
      { path: 'docs/b.txt', mode: '100644', content: { bytes: Buffer.from('b') } },
      { path: 'file', mode: '100644', content: { bytes: Buffer.from('soon a directory') } },
      { path: 'gone/only.txt', mode: '100644', content: { bytes: Buffer.from('only') } },
    ],
    deletions: [],
    message: 'base\n',
    authorName: 'Base',
    authorEmail: 'base@example.com',
  })
  assert.equal(
    await treeByIndex(repo, dir, null, [], await blobsOf(repo, base)),
    await run('rev-parse', `${base}^{tree}`).then((s) => s.trim()),
  )
  await writeFile(join(dir, 'big'), randomBytes(300 * 1024))
  const existing = await repo.writeBlob('written before')
  const changes = [
    { path: 'empty', mode: '100644', content: { bytes: Buffer.alloc(0) } },
    { path: 'bin/run.sh', mode: '100755', content: { bytes: Buffer.from('#!/bin/sh\n') } },
    { path: 'link', mode: '120000', content: { bytes: Buffer.from('docs/a.txt') } },
    { path: 'big file', mode: '100644', content: { file: join(dir, 'big') } },
    { path: 'by-sha', mode: '100644', blob: existing },
    { path: '"quoted" name', mode: '100644', content: { bytes: Buffer.from('q') } },
    { path: 'two\nlines/and \\ back', mode: '100644', content: { bytes: Buffer.from('nl') } },
    { path: 'caf\u00e9/x y.txt', mode: '100644', content: { bytes: Buffer.from([0, 1, 255]) } },
    // A file under a file (it becomes a directory) and a file where a directory was.
    { path: 'file/inner', mode: '100644', content: { bytes: Buffer.from('inner') } },
    { path: 'docs', mode: '100644', content: { bytes: Buffer.from('docs is a file now') } },
  ] as const
  const sha = await repo.createCommit({
    parent: base,
    changes,
    deletions: ['gone/only.txt', 'README.md'],
    message: 'Several changes\n\nwith a body and trailing spaces  \n',
    authorName: '.Dr. Who,',
    authorEmail: ' <who@example.com>. ',
    committerName: 'O\'Neil "the" <committer>',
    committerEmail: 'c@example.com',
  })
  const blobs = await Promise.all(
    changes.map(async (change) => ('blob' in change ? change.blob : (await repo.writeBlobsFrom([change.content]))[0]!)),
  )
  const expectedTree = await treeByIndex(
    repo,
    dir,
    base,
    ['gone/only.txt', 'README.md'],
    changes.map((change, i) => ({ path: change.path, mode: change.mode, blob: blobs[i]! })),
  )
  assert.equal((await run('rev-parse', `${sha}^{tree}`)).trim(), expectedTree)
  assert.equal(await run('log', '-1', '--format=%P', sha), `${base}\n`)
  assert.equal(await run('log', '-1', '--format=%B', sha), 'Several changes\n\nwith a body and trailing spaces  \n\n')
  // What commit-tree makes of the same names (git trims "crud" and drops < > inside).
  const expectedIdent = await run(
    'log',
    '-1',
    '--format=%an|%ae|%cn|%ce',
    (
      await git(repo.gitDir, ['commit-tree', expectedTree, '-p', base], {
        input: 'x',
        env: {
          GIT_AUTHOR_NAME: '.Dr. Who,',
          GIT_AUTHOR_EMAIL: ' <who@example.com>. ',
          GIT_COMMITTER_NAME: 'O\'Neil "the" <committer>',
          GIT_COMMITTER_EMAIL: 'c@example.com',
        },
      })
    )
      .toString()
      .trim(),
  )
  assert.equal(await run('log', '-1', '--format=%an|%ae|%cn|%ce', sha), expectedIdent)
  const date = await run('log', '-1', '--format=%at %ct', sha)
  const [at, ct] = date.trim().split(' ').map(Number)
  assert.ok(Math.abs(at! - Date.now() / 1000) < 60 && at === ct, `dated now: ${date}`)
  assert.equal(await run('for-each-ref'), '', 'fast-import moved no ref')

  // Nothing changed: the parent's tree; an empty root: the empty tree.
  const same = await repo.createCommit({
    parent: sha,
    changes: [],
    deletions: [],
    message: '',
    authorName: 'A',
    authorEmail: 'a@example.com',
  })
  assert.equal(await repo.treeOf(same), await repo.treeOf(sha))
  const root = await repo.createCommit({
    parent: null,
    changes: [],
    deletions: [],
    message: 'root\n',
    authorName: 'A',
    authorEmail: 'a@example.com',
  })
  assert.equal(await repo.treeOf(root), await repo.emptyTree())
  assert.equal(await run('log', '-1', '--format=%P', root), '\n')
})

test("createCommit: a failing fast-import rejects with git's words and leaves no crash report; a name of only crud is refused", async (t) => {
  const { repo } = await scratch(t)
  await assert.rejects(
    repo.createCommit({
      parent: null,
      changes: [{ path: 'x', mode: '100644', blob: 'deadbeef'.repeat(5) }],
      deletions: [],
      message: 'x\n',
      authorName: 'A',
      authorEmail: 'a@example.com',
    }),
    /git fast-import failed .*deadbeef/s,
  )
  assert.deepEqual(
    (await readdir(repo.gitDir)).filter((name) => name.startsWith('fast_import_crash')),
    [],
  )
  await assert.rejects(
    repo.createCommit({
      parent: null,
      changes: [],
      deletions: [],
      message: '',
      authorName: ' ,; ',
      authorEmail: 'a@b',
    }),
    /disallowed characters/,
  )
})

/** Every file of a commit as index lines (path, mode, blob). */
async function blobsOf(repo: GitRepository, commit: string): Promise<{ path: string; mode: string; blob: string }[]> {
  return [...(await repo.listBlobs(commit)).entries()].map(([path, value]) => {
    const [mode, blob] = value.split(' ')
    return { path, mode: mode!, blob: blob! }
  })
}

test('knownSizeBytes: the last count while nothing was written since, a new count after any write', async (t) => {
  const { repo } = await scratch(t)
  const run = async (): Promise<number> => repo.sizeBytes()
  const first = await run()
  assert.equal(await repo.knownSizeBytes(), first)
  for (const write of [
    () => repo.writeBlob(randomBytes(64 * 1024)),
    () => repo.writeBlobsFrom([{ bytes: randomBytes(64 * 1024) }, { bytes: randomBytes(64 * 1024) }]),
    () =>
      repo.createCommit({
        parent: null,
        changes: [{ path: 'r', mode: '100644', content: { bytes: randomBytes(64 * 1024) } }],
        deletions: [],
        message: 'r\n',
        authorName: 'A',
        authorEmail: 'a@example.com',
      }),
  ]) {
    const before = await repo.knownSizeBytes()
    await write()
    const known = await repo.knownSizeBytes()
    assert.ok(known > before, `${known} bytes after a write of 64 KiB, ${before} before`)
    assert.equal(known, await run())
  }
  // A write the store did not make (a push) is announced with objectsWritten.
  const before = await repo.knownSizeBytes()
  await git(repo.gitDir, ['hash-object', '-w', '--stdin'], { input: randomBytes(64 * 1024) })
  assert.equal(await repo.knownSizeBytes(), before, 'unannounced, the count is kept')
  repo.objectsWritten()
  assert.ok((await repo.knownSizeBytes()) > before)
})
