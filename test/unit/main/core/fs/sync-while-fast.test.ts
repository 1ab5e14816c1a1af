import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SyncWhileFast } from '../../../../../main/core/fs/sync-while-fast.js'

/** A switch on a clock the test moves: each call to `work` takes `ms` of it. */
function clocked(
  slowMs: number,
  offForMs: number,
): { sw: SyncWhileFast; run: (ms: number) => number; wait: (ms: number) => void } {
  let now = 0
  const sw = new SyncWhileFast(slowMs, offForMs, () => now)
  return {
    sw,
    run: (ms) =>
      sw.time(() => {
        now += ms
        return ms
      }),
    wait: (ms) => void (now += ms),
  }
}

test('fast runs keep synchronous calls on; three slow runs in a row send calls through the thread pool for a while', () => {
  const { sw, run, wait } = clocked(10, 1000)
  assert.equal(sw.on, true)
  assert.equal(run(10), 10, 'the work runs and its value comes back')
  assert.equal(sw.on, true, 'a run of exactly the limit is not slow')
  run(11)
  run(11)
  assert.equal(sw.on, true, 'two slow runs (a garbage collection, the core lost for a moment) are not enough')
  run(11)
  assert.equal(sw.on, false, 'the third slow run in a row turns it off')
  wait(999)
  assert.equal(sw.on, false, 'still off just before the period ends')
  wait(1)
  assert.equal(sw.on, true, 'on again once the period after the slow run has passed')
})

test('a fast run between slow ones starts the count again', () => {
  const { sw, run } = clocked(10, 1000)
  for (let i = 0; i < 10; i++) {
    run(50)
    run(50)
    run(1)
  }
  assert.equal(sw.on, true)
  run(50)
  run(50)
  run(50)
  assert.equal(sw.on, false)
})

test('a run that throws is timed too, and its error passes through', () => {
  let now = 0
  const sw = new SyncWhileFast(10, 1000, () => now)
  assert.throws(
    () =>
      sw.time(() => {
        now += 50
        throw new Error('EIO')
      }),
    /EIO/,
  )
  for (let i = 0; i < 2; i++)
    try {
      sw.time(() => {
        now += 50
        throw new Error('EIO')
      })
    } catch {
      // Thrown as the first one was.
    }
  assert.equal(sw.on, false, 'three slow runs that threw turn it off')
})

test('off for good (a scan) stays off; a pin decides for tests whatever the runs take', () => {
  const forGood = clocked(10, Infinity)
  for (let i = 0; i < 3; i++) forGood.run(20)
  forGood.wait(1e12)
  assert.equal(forGood.sw.on, false)

  const { sw, run } = clocked(10, 1000)
  sw.pin(true)
  for (let i = 0; i < 5; i++) run(50)
  assert.equal(sw.on, true, 'pinned on: slow runs do not turn it off')
  sw.pin(false)
  assert.equal(sw.on, false)
  sw.pin(null)
  assert.equal(sw.on, true, 'unpinned: timed again, from a clean start')
})
