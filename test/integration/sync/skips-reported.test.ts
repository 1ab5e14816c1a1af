/**
 * What a pass leaves out reaches its outcome (and so the status and `pail status`): the scan's
 * skips, and those only the change set finds — here a file over the per-file limit.
 */
import assert from 'node:assert/strict'
import { open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { syncFixture } from '../../support/sync-fixture.js'

test('a file over the size limit is reported as skipped, and the rest is synced', async (t) => {
  const f = await syncFixture(t)
  await writeFile(join(f.folder, 'notes.txt'), 'notes\n')
  // 101 MiB without writing them: a sparse file.
  const handle = await open(join(f.folder, 'film.mov'), 'w')
  await handle.truncate(101 * 1024 * 1024)
  await handle.close()
  const outcome = await f.syncOnce()
  assert.ok(outcome.status === 'committed', JSON.stringify(outcome))
  assert.deepEqual(
    outcome.skipped.map((s) => [s.path, s.reason]),
    [['film.mov', 'too-large']],
  )
  assert.equal((await f.remoteTree()).has('notes.txt'), true)
  assert.equal((await f.remoteTree()).has('film.mov'), false)
})
