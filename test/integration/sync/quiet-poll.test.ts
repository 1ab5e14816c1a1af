/**
 * A poll with no dirty path at an unchanged tip ends without reading, copying, comparing or saving
 * the index (quiet-poll.ts); anything it would have to act on makes it a full pass, as before.
 */
import assert from 'node:assert/strict'
import { access, mkdtemp, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { IndexStore } from '../../../main/core/sync/local/index-store.js'
import { InsideFolder } from '../../../main/core/fs/inside-folder.js'
import { StagingRecord } from '../../../main/core/sync/remote/staging-record.js'
import { HoldStore } from '../../../main/core/sync/pass/hold-store.js'
import { Journal } from '../../../main/core/sync/pass/journal.js'
import { git } from '../../emulator/git/git-cli.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

const POLL = { paths: new Set<string>() }
const QUIET = { status: 'up-to-date', downloaded: 0, skipped: [], scope: [] }

/** Counts the index's loads and saves from here on (the real methods still run). */
function indexCalls(t: TestContext): { loads: () => number; saves: () => number } {
  const load = t.mock.method(IndexStore.prototype, 'load')
  const save = t.mock.method(IndexStore.prototype, 'save')
  return { loads: () => load.mock.callCount(), saves: () => save.mock.callCount() }
}

async function synced(t: TestContext): Promise<SyncFixture> {
  const f = await syncFixture(t)
  await f.syncOnce()
  return f
}

test('a poll with nothing dirty at an unchanged tip neither loads nor saves the index', async (t) => {
  const f = await synced(t)
  const calls = indexCalls(t)
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(calls.loads(), 0, 'no load')
  assert.equal(calls.saves(), 0, 'no save')
})

test('a poll after the branch moved brings its change in; the next poll is quiet again', async (t) => {
  const f = await synced(t)
  const calls = indexCalls(t)
  await f.emu.control('POST', '/commit', { files: { 'from-robin.txt': 'Robin was here\n' }, message: 'Robin edits' })
  const moved = await f.syncOnce(POLL)
  assert.equal(moved.status, 'up-to-date')
  assert.equal((moved as { downloaded: number }).downloaded, 1)
  assert.ok(calls.loads() > 0, 'the moved branch was compared with the index')
  await f.assertInSync()
  const loads = calls.loads()
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(calls.loads(), loads, 'the poll after it did not load the index')
})

test('after a pass that commits a dirty path, the next poll is quiet without loading the index', async (t) => {
  const f = await synced(t)
  await writeFile(join(f.folder, 'mine.txt'), 'mine\n')
  const calls = indexCalls(t)
  assert.equal((await f.syncOnce({ paths: new Set(['mine.txt']) })).status, 'committed')
  const loads = calls.loads()
  assert.equal(loads, 1)
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(calls.loads(), loads, 'the poll did not load the index')
  await f.assertInSync()
})

test('a poll reads the index again once something else changed it on disk', async (t) => {
  const f = await synced(t)
  const calls = indexCalls(t)
  const later = new Date(Date.now() + 5000)
  await utimes(join(f.stateDir, 'index.json'), later, later)
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(calls.loads(), 1, 'the changed index was read')
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(calls.loads(), 1, 'and the next poll is quiet')
})

test('a poll whose folder is gone holds the pair, as a full pass does', async (t) => {
  const f = await synced(t)
  await rename(f.folder, `${f.folder}-moved`)
  const outcome = await f.syncOnce(POLL)
  assert.equal(outcome.status, 'held')
  assert.equal((outcome as { reason: string }).reason, 'missing-folder')
})

test('a poll with a hold runs in full and releases the hold once nothing needs it', async (t) => {
  const f = await synced(t)
  const holds = new HoldStore(f.stateDir)
  await holds.hold({ reason: 'mass-delete', message: 'Many files were deleted.', deletions: ['README.md'] }, Date.now())
  const calls = indexCalls(t)
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(calls.loads(), 1, 'the pass read the index')
  assert.equal(await holds.read(), null, 'the hold is released')
})

test('a poll after a branch change that could not be applied runs in full and reports it again', async (t) => {
  const f = await synced(t)
  // Robin pushes a link that points outside any folder it is synced into: Pail never creates it.
  const work = await mkdtemp(join(tmpdir(), 'pail-push-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  await git(['clone', '--quiet', f.gitDir, work])
  await symlink('../../outside.txt', join(work, 'escape.txt'))
  const options = { cwd: work, config: { 'core.symlinks': 'true' } }
  await git(['add', '--all'], options)
  await git(['commit', '--quiet', '-m', 'A link out'], options)
  await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], options)
  const skippedOf = (outcome: object): string[] =>
    (outcome as { skipped: { path: string; reason: string }[] }).skipped.map((s) => `${s.path}: ${s.reason}`)
  assert.deepEqual(skippedOf(await f.syncOnce(POLL)), ['escape.txt: link-outside'])
  assert.deepEqual(skippedOf(await f.syncOnce(POLL)), ['escape.txt: link-outside'], 'still reported by the next poll')
})

test('a poll after an attempt whose outcome is unknown recovers it first (its journal is settled)', async (t) => {
  const f = await synced(t)
  const journal = new Journal(f.stateDir)
  const { base } = (await new IndexStore(join(f.stateDir, 'index.json'), 'main').settled())!
  // An attempt that wrote its journal and never heard back; the branch did not move.
  await journal.write({
    changeId: 'abcdef0123456789',
    parent: base!,
    uploads: {},
    deletions: [],
    historyId: null,
    startedAt: Date.now(),
  })
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal(await journal.read(), null, 'the journal was looked into and settled')
})

test('a poll closes a history entry a failed attempt left unfinished', async (t) => {
  const f = await synced(t)
  const entry = await f.history.start({
    time: Date.now(),
    source: { kind: 'pair', pairId: f.pair.id, folder: f.folder },
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    files: [{ path: 'late.txt', operation: 'add', bytes: 5 }],
  })
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  assert.equal((await f.history.list()).find((e) => e.id === entry.id)?.status, 'failed')
})

test('a poll removes the temporary files a killed download left in the folder', async (t) => {
  const f = await synced(t)
  // A run that staged a download and never finished (the process was killed).
  const run = new StagingRecord(f.stateDir).start(new InsideFolder(f.folder))
  const temp = await run.tempFor('README.md')
  await writeFile(join(f.folder, temp), 'half a download')
  assert.deepEqual(await f.syncOnce(POLL), QUIET)
  await assert.rejects(access(join(f.folder, temp)), { code: 'ENOENT' }, 'the leftover is gone')
  await f.assertInSync()
})
