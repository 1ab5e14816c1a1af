import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LocalChangeSet } from '../../../../../../main/core/sync/pass/change-set.js'
import { safetyCheck } from '../../../../../../main/core/sync/pass/deletion-guard.js'
import { emptyIndex } from '../../../../../../main/core/sync/local/index-store.js'
import type { ScanResult } from '../../../../../../main/core/sync/local/scanner.js'
import type { IndexEntry, PairIndex } from '../../../../../../main/core/sync/types.js'

function indexOf(files: Record<string, IndexEntry>): PairIndex {
  return { ...emptyIndex('main'), base: 'b'.repeat(40), files }
}

/** An index of `count` files f0.txt … with distinct hashes. */
function bigIndex(count: number): PairIndex {
  return indexOf(
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `f${i}.txt`,
        { size: 1, mtimeMs: 1, sha: i.toString(16).padStart(40, '0'), mode: 'file' as const },
      ]),
    ),
  )
}

/** A change set deleting the first `deleted` files of bigIndex, and moving the first `moved` of those. */
function deleting(index: PairIndex, deleted: number, moved = 0): LocalChangeSet {
  const deletedPaths = Object.keys(index.files).slice(0, deleted)
  const hashed = new Map(deletedPaths.slice(0, moved).map((path) => [`moved/${path}`, index.files[path]!]))
  const uploads = [...hashed.keys()].map((path) => ({
    repoPath: path,
    absolutePath: `/x/${path}`,
    mode: 'file' as const,
  }))
  return { uploads, deletions: deletedPaths, deletedPaths, hashed, unchanged: new Map(), skipped: [] }
}

const okScan: ScanResult = { root: '/home/sam/Team Handbook', rootStatus: 'ok', entries: new Map(), skipped: [] }
const DAY = 24 * 60 * 60 * 1000

test('safetyCheck holds a missing, replaced or unreadable folder, saying nothing was deleted', () => {
  const index = bigIndex(3)
  for (const [status, words] of [
    [
      'missing',
      /^Pail can't find the folder “Team Handbook” \(\/home\/sam\/Team Handbook\)\. If it is on an external drive or a network share, connect it/,
    ],
    ['not-a-directory', /is no longer a folder/],
    ['unreadable', /Pail can't open the folder “Team Handbook”/],
  ] as const) {
    const verdict = safetyCheck(deleting(index, 0), index, { ...okScan, rootStatus: status })
    assert.equal(verdict.ok, false)
    assert.ok(!verdict.ok && verdict.hold === 'missing-folder')
    assert.ok(!verdict.ok && words.test(verdict.message), status)
    assert.ok(
      !verdict.ok &&
        verdict.message.endsWith(
          'Pail has paused syncing it, and nothing has been deleted from Bitbucket. Pail carries on by itself once the folder is back.',
        ),
    )
  }
})

test('safetyCheck holds a folder that would delete everything it synced (an unmounted drive looks like this)', () => {
  const index = bigIndex(4)
  const verdict = safetyCheck(deleting(index, 4), index, okScan)
  assert.deepEqual(verdict, {
    ok: false,
    hold: 'empty-folder',
    message:
      'The folder “Team Handbook” is empty, but Bitbucket still has the 4 files Pail synced from it. Pail has paused this folder rather than delete them all from Bitbucket. If you emptied the folder on purpose, tell Pail to delete them from Bitbucket too. If not, check that the right drive is connected, or tell Pail to put them back from Bitbucket.',
    deletions: ['f0.txt', 'f1.txt', 'f2.txt', 'f3.txt'],
  })
  const one = bigIndex(1)
  const single = safetyCheck(deleting(one, 1), one, okScan)
  assert.ok(
    !single.ok &&
      single.hold === 'empty-folder' &&
      /the 1 file Pail synced from it\. Pail has paused this folder rather than delete it from Bitbucket/.test(
        single.message,
      ),
  )
  // Renaming the only file deletes everything indexed too, but the content is still there.
  assert.deepEqual(safetyCheck(deleting(one, 1, 1), one, okScan), { ok: true })
})

test('safetyCheck holds 50 deletions, or 30 % of the index when that is at least 10 files; moves do not count', () => {
  const large = bigIndex(1000)
  assert.deepEqual(safetyCheck(deleting(large, 49), large, okScan), { ok: true })
  const fifty = safetyCheck(deleting(large, 50), large, okScan)
  assert.ok(!fifty.ok && fifty.hold === 'mass-delete')
  assert.ok(
    !fifty.ok &&
      fifty.message.startsWith(
        '50 files were deleted from the folder “Team Handbook” (5% of the files Pail syncs from it). Pail has paused this folder before deleting them from Bitbucket too.',
      ),
  )
  assert.deepEqual(
    safetyCheck(deleting(large, 120, 80), large, okScan),
    { ok: true },
    '120 deletions of which 80 are moves: 40 really lost',
  )
  const medium = bigIndex(100)
  assert.deepEqual(safetyCheck(deleting(medium, 29), medium, okScan), { ok: true })
  assert.equal(safetyCheck(deleting(medium, 30), medium, okScan).ok, false)
  const small = bigIndex(20)
  assert.deepEqual(
    safetyCheck(deleting(small, 9), small, okScan),
    { ok: true },
    'fewer than 10 never trips the fraction',
  )
  assert.equal(safetyCheck(deleting(small, 10), small, okScan).ok, false)
  assert.deepEqual(safetyCheck(deleting(small, 10), small, okScan, { minDeletionsForFraction: 11 }), { ok: true })
  assert.deepEqual(safetyCheck(deleting(small, 0), small, okScan), { ok: true })
})

test('deletions the person confirmed go through and do not count; the others are judged as usual', () => {
  const index = bigIndex(100)
  const held = deleting(index, 60)
  const confirmed = new Set(held.deletedPaths)
  assert.deepEqual(safetyCheck(held, index, okScan, {}, { confirmed }), { ok: true }, 'exactly the held deletions')
  const more = deleting(index, 95)
  const verdict = safetyCheck(more, index, okScan, {}, { confirmed })
  assert.ok(!verdict.ok && verdict.hold === 'mass-delete', '35 more are judged: 35 of 100 is over 30 %')
  assert.deepEqual(!verdict.ok && verdict.deletions, more.deletedPaths, 'the new hold names every deletion')
  assert.deepEqual(safetyCheck(deleting(index, 65), index, okScan, {}, { confirmed }), { ok: true }, '5 more are few')
  const empty = deleting(bigIndex(3), 3)
  assert.deepEqual(safetyCheck(empty, bigIndex(3), okScan, {}, { confirmed: new Set(empty.deletedPaths) }), {
    ok: true,
  })
})

test('the window: deletions over the last day count together against the files the pair had when they began', () => {
  const index = bigIndex(28) // 40 files when the deleting began; 12 already deleted, 3 more now
  const now = deleting(index, 3)
  assert.deepEqual(safetyCheck(now, index, okScan), { ok: true }, 'alone, 3 of 28 is nothing')
  const verdict = safetyCheck(now, index, okScan, {}, { recent: { count: 12, filesAtStart: 40, windowMs: DAY } })
  assert.ok(!verdict.ok && verdict.hold === 'mass-delete')
  assert.ok(
    !verdict.ok &&
      verdict.message.startsWith(
        '15 files were deleted from the folder “Team Handbook” over the last 24 hours (38% of the files it had), 3 of them since Pail last synced. Pail has paused this folder before deleting more from Bitbucket.',
      ),
    !verdict.ok ? verdict.message : '',
  )
  assert.deepEqual(!verdict.ok && verdict.deletions, now.deletedPaths)
  assert.deepEqual(
    safetyCheck(now, index, okScan, {}, { recent: { count: 8, filesAtStart: 40, windowMs: DAY } }),
    { ok: true },
    '11 of 40 is under 30 %',
  )
  assert.deepEqual(
    safetyCheck(deleting(index, 0), index, okScan, {}, { recent: { count: 30, filesAtStart: 40, windowMs: DAY } }),
    { ok: true },
    'a pass that deletes nothing is never held for earlier deletions',
  )
  assert.equal(
    safetyCheck(now, index, okScan, {}, { recent: { count: 47, filesAtStart: 1000, windowMs: DAY } }).ok,
    false,
    '50 in the window trips the absolute limit',
  )
  const moved = deleting(index, 3, 3)
  assert.deepEqual(
    safetyCheck(moved, index, okScan, {}, { recent: { count: 12, filesAtStart: 40, windowMs: DAY } }),
    { ok: true },
    'moves are not deletions, in the window either',
  )
})

test('a folder that is Pail’s own home is held with its own sentence, not “can’t find the folder”', () => {
  const scan: ScanResult = { ...okScan, rootStatus: 'pail-home' }
  const verdict = safetyCheck(deleting(bigIndex(3), 0), bigIndex(3), scan)
  assert.equal(verdict.ok, false)
  assert.ok(!verdict.ok)
  assert.equal(verdict.hold, 'missing-folder')
  assert.match(verdict.message, /Pail's own folder with your sign-in secrets/)
  assert.doesNotMatch(verdict.message, /can't find/)
})
