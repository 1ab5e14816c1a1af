import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DirtyTracker, type FlushRequest } from '../../../../../../main/core/sync/local/dirty-tracker.js'
import { FakeTimers } from '../service/fake-timers.js'

function setup(options: { quietMs?: number; maxWaitMs?: number; maxPaths?: number } = {}) {
  const clock = new FakeTimers()
  const flushes: FlushRequest[] = []
  const tracker = new DirtyTracker((request) => flushes.push(request), {
    quietMs: 3000,
    maxWaitMs: 60_000,
    maxPaths: 500,
    ...options,
    clock,
  })
  const paths = (i: number): string[] => {
    const flush = flushes[i]!
    assert.ok('paths' in flush)
    return [...flush.paths].sort()
  }
  return { clock, flushes, tracker, paths }
}

test('paths are flushed together after a quiet period; each new event restarts the wait', () => {
  const { clock, flushes, tracker, paths } = setup()
  tracker.add('a.txt')
  clock.advance(2000)
  tracker.add('b.txt')
  tracker.add('a.txt')
  clock.advance(2999)
  assert.equal(flushes.length, 0, 'not yet: 3 s have not passed since the last event')
  assert.equal(tracker.pending, true)
  clock.advance(1)
  assert.equal(flushes.length, 1)
  assert.deepEqual(paths(0), ['a.txt', 'b.txt'])
  assert.equal(tracker.pending, false)
  clock.advance(100_000)
  assert.equal(flushes.length, 1, 'nothing more without new events')
  tracker.add('c.txt')
  clock.advance(3000)
  assert.deepEqual(paths(1), ['c.txt'])
})

test('a file that keeps changing is flushed at the maximum wait, then waits again', () => {
  const { clock, flushes, tracker, paths } = setup()
  for (let t = 0; t < 59; t++) {
    tracker.add('log.txt')
    clock.advance(1000)
  }
  assert.equal(flushes.length, 0)
  tracker.add('log.txt')
  clock.advance(1000)
  assert.equal(flushes.length, 1, 'flushed 60 s after the first event')
  assert.deepEqual(paths(0), ['log.txt'])
  tracker.add('log.txt')
  clock.advance(2999)
  assert.equal(flushes.length, 1, 'the next batch starts its own waits')
  clock.advance(1)
  assert.equal(flushes.length, 2)
})

test('more distinct paths than the limit collapse into one rescan; repeats of one path do not count', () => {
  const { clock, flushes, tracker } = setup({ maxPaths: 5 })
  for (let i = 0; i < 50; i++) tracker.add('same.txt')
  for (let i = 0; i < 4; i++) tracker.add(`f${i}`)
  clock.advance(3000)
  assert.ok('paths' in flushes[0]! && flushes[0].paths.size === 5)
  for (let i = 0; i < 6; i++) tracker.add(`g${i}`)
  tracker.add('after-collapse.txt')
  clock.advance(3000)
  assert.deepEqual(flushes[1], { rescan: true })
  tracker.add('x')
  clock.advance(3000)
  assert.ok('paths' in flushes[2]!, 'the batch after a rescan lists paths again')
})

test('rescan, flush now and dispose', () => {
  const { clock, flushes, tracker } = setup()
  tracker.add('a')
  tracker.rescan()
  tracker.add('b')
  tracker.flush()
  assert.deepEqual(flushes, [{ rescan: true }])
  assert.equal(clock.pendingTimers, 0, 'flushing cancels the timer')
  tracker.flush()
  assert.equal(flushes.length, 1, 'nothing pending, nothing flushed')
  tracker.add('c')
  tracker.dispose()
  assert.equal(clock.pendingTimers, 0)
  tracker.add('d')
  clock.advance(100_000)
  assert.equal(flushes.length, 1, 'a disposed tracker flushes nothing')
})

test('a throwing flush handler is logged, and the tracker keeps working', () => {
  const clock = new FakeTimers()
  const errors: string[] = []
  let calls = 0
  const tracker = new DirtyTracker(
    () => {
      calls++
      if (calls === 1) throw new Error('engine busy')
    },
    {
      clock,
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (event, fields) => errors.push(`${event}: ${String(fields?.error)}`),
      },
    },
  )
  tracker.add('a')
  clock.advance(3000)
  tracker.add('b')
  clock.advance(3000)
  assert.equal(calls, 2)
  assert.deepEqual(errors, ['watch.flush-failed: engine busy'])
})

test('the default clock works with fake timers', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
  const flushes: FlushRequest[] = []
  const tracker = new DirtyTracker((request) => flushes.push(request))
  tracker.add('a.txt')
  t.mock.timers.tick(2999)
  assert.equal(flushes.length, 0)
  t.mock.timers.tick(1)
  assert.equal(flushes.length, 1)
})
