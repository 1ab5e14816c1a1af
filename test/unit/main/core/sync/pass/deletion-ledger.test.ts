import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DeletionLedger } from '../../../../../../main/core/sync/pass/deletion-ledger.js'

const HOUR = 3_600_000

test('the window counts unconfirmed deletions since the oldest one still in it, against the files had then', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pail-ledger-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const ledger = new DeletionLedger(dir, 24 * HOUR)
  const start = 1_000_000_000_000
  assert.deepEqual(await ledger.recent(start), { count: 0, filesAtStart: null, windowMs: 24 * HOUR })
  await ledger.record({ paths: ['a', 'b'], indexedBefore: 40, confirmed: false }, start)
  await ledger.record({ paths: ['c'], indexedBefore: 38, confirmed: true }, start + HOUR)
  await ledger.record({ paths: ['d', 'e', 'f'], indexedBefore: 37, confirmed: false }, start + 2 * HOUR)
  assert.deepEqual(await ledger.recent(start + 3 * HOUR), { count: 5, filesAtStart: 40, windowMs: 24 * HOUR })
  assert.deepEqual(
    await new DeletionLedger(dir, 24 * HOUR).recent(start + 25 * HOUR),
    { count: 3, filesAtStart: 37, windowMs: 24 * HOUR },
    'the first record has left the window',
  )
  await ledger.confirmAll(start + 3 * HOUR)
  assert.deepEqual(await ledger.recent(start + 3 * HOUR), { count: 0, filesAtStart: null, windowMs: 24 * HOUR })
})
