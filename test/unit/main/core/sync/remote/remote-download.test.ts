import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { BitbucketError } from '../../../../../../main/core/bitbucket/api-client.js'
import { InsideFolder, OutsideFolderError } from '../../../../../../main/core/fs/inside-folder.js'
import { hashBlob } from '../../../../../../main/core/git/blob-hash.js'
import { placeDownload, stageDownload } from '../../../../../../main/core/sync/remote/remote-download.js'
import { StagingRecord } from '../../../../../../main/core/sync/remote/staging-record.js'
import { fakeBranch, type FakeFile } from './fake-branch.js'

const COMMIT = 'c'.repeat(40)
const REF = { workspace: 'pail-demo', repository: 'handbook' }

async function setup(t: TestContext, files: Record<string, FakeFile>) {
  const root = await mkdtemp(join(tmpdir(), 'pail-download-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const folder = join(root, 'folder')
  const state = join(root, 'state')
  await mkdir(folder)
  const record = new StagingRecord(state)
  const inside = new InsideFolder(folder)
  const { api } = fakeBranch(files)
  const run = record.start(inside)
  const download = (repoPath: string) =>
    stageDownload({ api, ref: REF, commit: COMMIT, repoPath, localPath: repoPath, inside, staging: run })
  return { root, folder, state, record, inside, run, download }
}

/** Every name under `dir`, recursively. */
async function everything(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort()
}

test('a download cut off mid-body leaves no temporary file and records nothing', async (t) => {
  const s = await setup(t, { 'docs/big.bin': { content: Buffer.alloc(200_000, 7), cutAfter: 1000 } })
  await assert.rejects(s.download('docs/big.bin'), (error: unknown) => {
    assert.ok(error instanceof BitbucketError)
    assert.equal(error.status, 0, 'treated like a connection failure: tried again later')
    assert.match(error.message, /^The download of “docs\/big\.bin” from Bitbucket did not arrive whole/)
    return true
  })
  assert.deepEqual(await everything(s.folder), ['docs'], 'no .pail-*.tmp beside the target')
})

test('a body shorter or longer than format=meta said is refused: no unverified hash, no temporary file', async (t) => {
  const s = await setup(t, {
    'short.txt': { content: Buffer.from('only part'), metaSize: 100 },
    'long.txt': { content: Buffer.from('more than announced'), metaSize: 4 },
  })
  await assert.rejects(s.download('short.txt'), /did not arrive whole/)
  await assert.rejects(s.download('long.txt'), /did not arrive whole/)
  assert.deepEqual(await everything(s.folder), [])
})

test('a whole download is hashed over exactly its bytes and placed by rename', async (t) => {
  const s = await setup(t, { 'a/b.txt': { content: Buffer.from('hello\n') } })
  const staged = await s.download('a/b.txt')
  assert.equal(staged.sha, hashBlob('hello\n'))
  assert.match(staged.tempPath, /^a\/\.pail-[0-9a-f]{12}-1\.tmp$/)
  const entry = await placeDownload(s.inside, 'a/b.txt', staged, null)
  assert.deepEqual([entry.sha, entry.size, entry.mode], [hashBlob('hello\n'), 6, 'file'])
  assert.equal(await readFile(join(s.folder, 'a', 'b.txt'), 'utf8'), 'hello\n')
  assert.deepEqual(await everything(s.folder), ['a', 'a/b.txt'])
})

test('temporary files of a killed download are named in the state folder and removed by the next sweep', async (t) => {
  const s = await setup(t, {})
  // A run that staged two files and was killed before either was placed.
  const first = await s.run.tempFor('notes/a.txt')
  const second = await s.run.tempFor('b.txt')
  await mkdir(join(s.folder, 'notes'))
  await writeFile(join(s.folder, ...first.split('/')), 'half')
  await writeFile(join(s.folder, second), 'half')
  // Someone else's file that merely looks similar stays.
  await writeFile(join(s.folder, '.pail-000000000000-1.tmp'), 'not Pail’s')
  assert.deepEqual(
    (await readdir(s.state)).filter((n) => n === 'staging.json'),
    ['staging.json'],
    'recorded in the pair’s state folder before the files existed',
  )
  const removed = await new StagingRecord(s.state).sweep(s.inside)
  assert.equal(removed, 2)
  assert.deepEqual(await everything(s.folder), ['.pail-000000000000-1.tmp', 'notes'])
  assert.equal(await new StagingRecord(s.state).sweep(s.inside), 0, 'and the record is forgotten')
})

test('a sweep never removes anything through a folder that became a link', async (t) => {
  const s = await setup(t, {})
  const staged = await s.run.tempFor('notes/a.txt')
  const elsewhere = join(s.root, 'elsewhere')
  await mkdir(elsewhere)
  const name = staged.split('/')[1]!
  await writeFile(join(elsewhere, name), 'outside')
  await symlink(elsewhere, join(s.folder, 'notes'))
  assert.equal(await s.record.sweep(s.inside), 0)
  assert.deepEqual(await readdir(elsewhere), [name], 'the file outside the folder is untouched')
})

test('placing refuses a target whose parent folder is a link out of the folder', async (t) => {
  const s = await setup(t, { 'notes/a.txt': { content: Buffer.from('theirs\n') } })
  const staged = await s.download('notes/a.txt')
  const elsewhere = join(s.root, 'elsewhere')
  await mkdir(elsewhere)
  await rm(join(s.folder, 'notes'), { recursive: true })
  await symlink(elsewhere, join(s.folder, 'notes'))
  await assert.rejects(placeDownload(s.inside, 'notes/a.txt', staged, null), OutsideFolderError)
  assert.deepEqual(await readdir(elsewhere), [], 'nothing landed outside')
})

test('a run’s end removes any temporary file of it that a failure left, and only its own', async (t) => {
  const s = await setup(t, {})
  const left = await s.run.tempFor('x/a.txt')
  await mkdir(join(s.folder, 'x'))
  await writeFile(join(s.folder, ...left.split('/')), 'staged, never placed')
  s.run.made(left)
  const other = s.record.start(s.inside)
  const theirs = await other.tempFor('x/b.txt')
  await writeFile(join(s.folder, ...theirs.split('/')), 'another run’s, still in flight')
  await s.run.finish()
  assert.deepEqual(await everything(s.folder), ['x', theirs].sort())
})

test('a temporary file that moved away with its folder during the run is still found and removed', async (t) => {
  const s = await setup(t, {})
  const left = await s.run.tempFor('burst 3/a.txt')
  await mkdir(join(s.folder, 'burst 3'))
  await writeFile(join(s.folder, ...left.split('/')), 'staged')
  s.run.made(left)
  // The person renames the folder while the download is on its way.
  await rename(join(s.folder, 'burst 3'), join(s.folder, 'moved'))
  await s.run.finish()
  assert.deepEqual(await everything(s.folder), ['moved'])
})

test('a killed run’s file in a folder renamed before the next pass is found there too', async (t) => {
  const s = await setup(t, {})
  const left = await s.run.tempFor('old/a.txt')
  await mkdir(join(s.folder, 'old', 'deeper'), { recursive: true })
  await writeFile(join(s.folder, 'old', left.split('/')[1]!), 'half')
  await rename(join(s.folder, 'old'), join(s.folder, 'new'))
  assert.equal(await new StagingRecord(s.state).sweep(s.inside), 1)
  assert.deepEqual(await everything(s.folder), ['new', 'new/deeper'])
})
