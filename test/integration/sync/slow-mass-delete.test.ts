/**
 * Issue #7, point 4: deleting most of a folder over several passes, each under the threshold,
 * is held too — deletions count together over a window (24 hours by default), against the files
 * the pair had when the deleting began. A deletion the person confirmed does not count again.
 */
import assert from 'node:assert/strict'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

const HOUR = 60 * 60 * 1000

/** 40 files in many/ (41 with README.md), synced. */
async function fortyFiles(f: SyncFixture): Promise<void> {
  await mkdir(join(f.folder, 'many'))
  await Promise.all(Array.from({ length: 40 }, (_, i) => writeFile(join(f.folder, 'many', `${i}.txt`), `file ${i}\n`)))
  assert.equal((await f.syncOnce()).status, 'committed')
}

async function deleteFiles(f: SyncFixture, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await rm(join(f.folder, 'many', `${i}.txt`))
}

test('five files at a time: the third pass is held, and nothing of it is deleted from Bitbucket', async (t) => {
  const f = await syncFixture(t)
  await fortyFiles(f)
  await deleteFiles(f, 0, 5)
  assert.equal((await f.syncOnce()).status, 'committed', '5 of 41')
  await deleteFiles(f, 5, 5)
  assert.equal((await f.syncOnce()).status, 'committed', '10 of 41 over the window')
  await deleteFiles(f, 10, 5)
  const held = await f.syncOnce()
  assert.equal(held.status, 'held', '15 of 41 over the window is over 30 %')
  assert.equal((held as { reason: string }).reason, 'mass-delete')
  assert.match(
    (held as { message: string }).message,
    /^15 files were deleted from the folder “My Documents” over the last 24 hours \(37% of the files it had\), 5 of them since Pail last synced\./,
  )
  const remote = await f.remoteTree()
  for (let i = 10; i < 15; i++) assert.ok(remote.has(`many/${i}.txt`), `many/${i}.txt is still on Bitbucket`)

  await f.answer('delete')
  const confirmed = await f.syncOnce()
  assert.equal(confirmed.status, 'committed')
  assert.equal((confirmed as { deleted: number }).deleted, 5)
  await deleteFiles(f, 15, 5)
  assert.equal((await f.syncOnce()).status, 'committed', 'confirmed deletions do not count again')
  await f.assertInSync()
})

test('deletions older than the window no longer count (the window is a parameter)', async (t) => {
  const f = await syncFixture(t)
  await fortyFiles(f)
  let clock = Date.now()
  const deps = { now: () => clock, deletionWindowMs: 2 * HOUR }
  for (let round = 0; round < 2; round++) {
    await deleteFiles(f, round * 5, 5)
    assert.equal((await f.syncOnce({}, deps)).status, 'committed')
    clock += HOUR / 2
  }
  await deleteFiles(f, 10, 5)
  const held = await f.syncOnce({}, deps)
  assert.equal(held.status, 'held')
  assert.match((held as { message: string }).message, /over the last 2 hours/)
  clock += 3 * HOUR
  assert.equal((await f.syncOnce({}, deps)).status, 'committed', 'three hours later only these 5 count')
  await f.assertInSync()
})
