import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FlushRequest } from '../../../../../../main/core/sync/local/dirty-tracker.js'
import type { SyncPair } from '../../../../../../main/core/sync/pairs/sync-pair.js'
import type { PassRequest } from '../../../../../../main/core/sync/service/pair-scheduler.js'
import { WatchSession, type PairWatcher } from '../../../../../../main/core/sync/service/watch-session.js'
import { FakeTimers } from './fake-timers.js'

const MINUTE = 60_000

function pairOf(id: string): SyncPair {
  return {
    id,
    folder: `/folders/${id}`,
    workspace: 'ws',
    repository: 'repo',
    branch: 'main',
    pathInRepo: '',
    paused: null,
    createdAt: 0,
  }
}

/** A session over fake pairs, watchers and passes; `failStarts` watcher starts fail first. */
function setup(options: { failStarts?: number } = {}) {
  const clock = new FakeTimers()
  let pairs = [pairOf('aaaaaaaa')]
  const passes: (PassRequest & { pair: string })[] = []
  const flushers = new Map<string, (request: FlushRequest) => void>()
  let starts = 0
  let closed = 0
  const session = new WatchSession<string>({
    pairs: async () => pairs,
    pass: async (pair, request) => {
      passes.push({ ...request, paths: new Set(request.paths), pair: pair.id })
      return { verdict: { kind: 'done', scanned: request.full ? 'full' : 'paths' }, result: pair.id }
    },
    settled: async () => undefined,
    startWatcher: async (pair, onFlush): Promise<PairWatcher> => {
      starts++
      if (starts <= (options.failStarts ?? 0)) throw new Error('ENOSPC: the system limit for file watchers was reached')
      flushers.set(pair.id, onFlush)
      return { flushNow: () => undefined, close: async () => void closed++ }
    },
    scheduling: { pollMs: MINUTE, fullScanMs: 60 * MINUTE, timers: clock, random: () => 0.5 },
  })
  return {
    clock,
    session,
    passes,
    flushers,
    starts: () => starts,
    closed: () => closed,
    setPairs: (next: SyncPair[]) => (pairs = next),
  }
}

test("the watcher's flushes become passes over their paths; a rescan becomes a full pass", async () => {
  const { clock, session, passes, flushers } = setup()
  await session.start([pairOf('aaaaaaaa')])
  await clock.advanceAsync(0)
  assert.equal(passes.length, 1)
  flushers.get('aaaaaaaa')!({ paths: new Set(['notes/a.md']) })
  await clock.advanceAsync(0)
  assert.deepEqual([...passes[1]!.paths], ['notes/a.md'])
  assert.equal(passes[1]!.full, false)
  flushers.get('aaaaaaaa')!({ rescan: true })
  await clock.advanceAsync(0)
  assert.equal(passes[2]!.full, true)
  await session.stop()
})

test('a pair whose watcher cannot start is still synced, in full, and its watcher is tried again before each pass', async () => {
  const { clock, session, passes, starts } = setup({ failStarts: 2 })
  await session.start([pairOf('aaaaaaaa')])
  await clock.advanceAsync(0)
  assert.equal(passes.length, 1, 'the first pass ran without a watcher')
  assert.equal(starts(), 2, 'started at the beginning, and again before the pass')
  await clock.advanceAsync(MINUTE)
  assert.equal(passes.length, 2)
  assert.equal(passes[1]!.full, true, 'the poll looked at the whole folder: nothing said where to look')
  assert.equal(starts(), 3, 'and the watcher started this time')
  await clock.advanceAsync(MINUTE)
  assert.equal(passes[2]!.full, false, 'with the watcher running, polls look at no paths')
  await session.stop()
})

test('a paused pair runs no pass until resumed; a removed pair stops and its watcher closes', async () => {
  const { clock, session, passes, closed, setPairs } = setup()
  await session.start([pairOf('aaaaaaaa')])
  await clock.advanceAsync(0)
  setPairs([{ ...pairOf('aaaaaaaa'), paused: { until: null } }])
  await clock.advanceAsync(3 * MINUTE)
  assert.equal(passes.length, 1, 'paused: no pass')
  setPairs([pairOf('aaaaaaaa')])
  await clock.advanceAsync(MINUTE)
  assert.equal(passes.length, 2, 'resumed: the next poll runs a pass')
  setPairs([])
  await clock.advanceAsync(MINUTE)
  assert.equal(closed(), 1, 'the removed pair is no longer watched')
  assert.equal(clock.pendingTimers, 0, 'and no longer scheduled')
  assert.equal(session.syncNow('unknown'), null)
  await session.stop()
})

test('update: a pair added while watching is watched and synced at once; a removed one is stopped', async () => {
  const { clock, session, passes, starts, closed, setPairs } = setup()
  await session.start([pairOf('aaaaaaaa')])
  await clock.advanceAsync(0)
  assert.deepEqual(
    passes.map((p) => p.pair),
    ['aaaaaaaa'],
  )
  const both = [pairOf('aaaaaaaa'), pairOf('bbbbbbbb')]
  setPairs(both)
  await session.update(both)
  await clock.advanceAsync(0)
  assert.ok(session.watches('bbbbbbbb'))
  assert.equal(starts(), 2, 'the new pair has its own watcher')
  assert.deepEqual(
    passes.map((p) => p.pair),
    ['aaaaaaaa', 'bbbbbbbb'],
    'its first, full pass ran without waiting for a poll',
  )
  assert.equal(passes[1]!.full, true)
  setPairs([pairOf('bbbbbbbb')])
  await session.update([pairOf('bbbbbbbb')])
  assert.ok(!session.watches('aaaaaaaa'))
  assert.equal(closed(), 1, "the removed pair's watcher is closed")
  await clock.advanceAsync(MINUTE)
  assert.ok(
    passes.slice(2).every((p) => p.pair === 'bbbbbbbb'),
    'no pass of the removed pair after it went',
  )
  await session.stop()
})
