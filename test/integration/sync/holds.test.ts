/**
 * Issue #7, point 20 (the engine's side): a hold and the person's answer belong to one pair. The
 * answer is recorded in that pair's hold file (another process may write it), and the next pass
 * applies exactly it: `delete` lets exactly the held deletions through, `restore` brings the held
 * files back from the last synced commit. Another held pair is not touched.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { HoldError, HoldStore } from '../../../main/core/sync/pass/hold-store.js'
import { PairSyncer } from '../../../main/core/sync/pass/pair-syncer.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

async function sixtyFiles(folder: string): Promise<void> {
  await mkdir(join(folder, 'many'))
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeFile(join(folder, 'many', `${i}.txt`), `file ${i}\n`)))
}

/** A second pair in the same home: its own folder and repository. */
async function secondPair(f: SyncFixture) {
  await f.emu.control('POST', '/repositories', { slug: 'second' })
  const root = await mkdtemp(join(tmpdir(), 'pail-second-'))
  const folder = join(root, 'Second')
  await mkdir(folder)
  const pairs = new PairStore(new JsonSettingsStore(f.home), f.home)
  const pair = await pairs.add({ folder, workspace: 'pail-demo', repository: 'second', branch: 'main' })
  const stateDir = join(f.home, 'pairs', pair.id)
  const syncOnce = () =>
    new PairSyncer(pair, { session: f.session, history: f.history, stateDir, device: 'test-pc' }).syncOnce()
  return { folder, stateDir, syncOnce, cleanup: () => rm(root, { recursive: true, force: true }) }
}

test('answering one held pair lets only that pair through', async (t) => {
  const f = await syncFixture(t)
  const other = await secondPair(f)
  t.after(other.cleanup)
  await sixtyFiles(f.folder)
  await sixtyFiles(other.folder)
  assert.equal((await f.syncOnce()).status, 'committed')
  assert.equal((await other.syncOnce()).status, 'committed')
  await rm(join(f.folder, 'many'), { recursive: true })
  await rm(join(other.folder, 'many'), { recursive: true })
  assert.equal((await f.syncOnce()).status, 'held')
  assert.equal((await other.syncOnce()).status, 'held')

  const answered = await f.answer('delete')
  assert.deepEqual([answered.reason, answered.resolution, answered.deletions.length], ['mass-delete', 'delete', 60])
  // The other folder's files have the same names; its pass runs first, and must not take the answer.
  const stillHeld = await other.syncOnce()
  assert.equal(stillHeld.status, 'held', 'the other folder still waits for its own answer')
  assert.equal((await new HoldStore(other.stateDir).read())?.resolution, null)
  assert.equal((await f.syncOnce()).status, 'committed')
  assert.equal((await f.remoteTree()).has('many/0.txt'), false)
  assert.equal((await other.syncOnce()).status, 'held')
})

test('delete lets through exactly the held deletions; more deleted since are judged as usual', async (t) => {
  const f = await syncFixture(t)
  await sixtyFiles(f.folder)
  await mkdir(join(f.folder, 'more'))
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeFile(join(f.folder, 'more', `${i}.txt`), `more ${i}\n`)))
  await f.syncOnce()
  await rm(join(f.folder, 'many'), { recursive: true })
  assert.equal((await f.syncOnce()).status, 'held')
  await f.answer('delete')
  // Before the next pass, another 60 go: they were not in the question.
  await rm(join(f.folder, 'more'), { recursive: true })
  const again = await f.syncOnce()
  assert.equal(again.status, 'held', 'the new deletions are asked about')
  const hold = await new HoldStore(f.stateDir).read()
  assert.equal(hold?.resolution, null, 'a new question, not yet answered')
  assert.equal(hold?.deletions.length, 120)
  assert.equal((await f.remoteTree()).has('many/0.txt'), true, 'nothing deleted meanwhile')
  await f.answer('delete')
  assert.equal((await f.syncOnce()).status, 'committed')
  await f.assertInSync()
})

test('restore puts the held files back from the last synced commit; nothing is deleted on Bitbucket', async (t) => {
  const f = await syncFixture(t)
  await sixtyFiles(f.folder)
  await f.syncOnce()
  const commits = await f.commitCount()
  await rm(join(f.folder, 'many'), { recursive: true })
  const held = await f.syncOnce()
  assert.equal(held.status, 'held')
  assert.match((held as { message: string }).message, /tell Pail to put them back from Bitbucket/)
  await writeFile(join(f.folder, 'new.txt'), 'written meanwhile\n')
  await f.answer('restore')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', 'new.txt goes up; nothing is deleted')
  assert.equal((outcome as { deleted: number }).deleted, 0)
  assert.equal(await f.commitCount(), commits + 1)
  assert.equal(await readFile(join(f.folder, 'many', '42.txt'), 'utf8'), 'file 42\n')
  await f.assertInSync()
  assert.equal(await new HoldStore(f.stateDir).read(), null)
})

test('a missing folder takes no answer, and carries on by itself once it is back', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const parked = `${f.folder}-unplugged`
  await rename(f.folder, parked)
  const held = await f.syncOnce()
  assert.equal((held as { reason: string }).reason, 'missing-folder')
  await assert.rejects(f.answer('delete'), (error: unknown) => {
    assert.ok(error instanceof HoldError)
    assert.match(error.message, /Connect its drive \(or put the folder back\) and Pail carries on by itself/)
    return true
  })
  await rename(parked, f.folder)
  assert.equal((await f.syncOnce()).status, 'up-to-date')
  assert.equal(await new HoldStore(f.stateDir).read(), null)
  await f.assertInSync()
})
