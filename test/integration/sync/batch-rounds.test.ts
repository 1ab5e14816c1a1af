/**
 * A change set larger than one commit goes out batch after batch; the batches after the first
 * are sent from the first round's change set (PairSyncer's PassRun.next), without looking at the
 * whole folder again, and a batch whose files are no longer as found makes the pass look again.
 */
import assert from 'node:assert/strict'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

/** 25 new files in batch/ and README.md deleted: three commits of at most 10 files. */
async function largeChange(f: SyncFixture): Promise<void> {
  await f.syncOnce()
  await mkdir(join(f.folder, 'batch'))
  await Promise.all(Array.from({ length: 25 }, (_, i) => writeFile(join(f.folder, 'batch', `${i}.txt`), `${i}\n`)))
  await rm(join(f.folder, 'README.md'))
}

/** Runs `change` once, right after the pass's first commit landed. */
function afterFirstCommit(change: () => Promise<void>): { afterCommitLanded: () => Promise<void> } {
  let commits = 0
  return { afterCommitLanded: async () => void (++commits === 1 && (await change())) }
}

test('later batches are sent from the first look at the folder: a file created meanwhile goes with the next pass', async (t) => {
  const f = await syncFixture(t)
  await largeChange(f)
  const before = await f.commitCount()
  const outcome = await f.syncOnce(
    {},
    {
      maxFilesPerCommit: 10,
      ...afterFirstCommit(() => writeFile(join(f.folder, 'late.txt'), 'late\n')),
    },
  )
  assert.equal(outcome.status, 'committed')
  assert.equal((outcome as { uploaded: number }).uploaded, 25, 'the 25 files found at the start, not late.txt')
  assert.equal((outcome as { deleted: number }).deleted, 1)
  assert.equal(await f.commitCount(), before + 3)
  assert.equal((await f.remoteTree()).has('late.txt'), false)
  const next = await f.syncOnce({ paths: new Set(['late.txt']) })
  assert.equal((next as { uploaded: number }).uploaded, 1, 'the watcher’s path goes with the next pass')
  await f.assertInSync()
})

test('a file of a later batch deleted while the first is sent: the pass looks at the folder again and finishes', async (t) => {
  const f = await syncFixture(t)
  await largeChange(f)
  const outcome = await f.syncOnce(
    {},
    {
      maxFilesPerCommit: 10,
      ...afterFirstCommit(() => rm(join(f.folder, 'batch', '20.txt'))),
    },
  )
  assert.equal(outcome.status, 'committed')
  assert.equal((outcome as { uploaded: number }).uploaded, 24)
  await f.assertInSync()
})

test('a deleted file put back while the first batches are sent is not deleted with the last', async (t) => {
  const f = await syncFixture(t)
  await largeChange(f)
  const outcome = await f.syncOnce(
    {},
    {
      maxFilesPerCommit: 10,
      ...afterFirstCommit(() => writeFile(join(f.folder, 'README.md'), '# Handbook, back\n')),
    },
  )
  assert.equal(outcome.status, 'committed')
  const readme = (await f.remoteTree()).get('README.md')
  assert.equal(Buffer.from(readme ?? '', 'base64').toString('utf8'), '# Handbook, back\n')
  await f.assertInSync()
})
