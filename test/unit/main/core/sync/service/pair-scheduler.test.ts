import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BitbucketError } from '../../../../../../main/core/bitbucket/api-client.js'
import { RateLimitedError } from '../../../../../../main/core/bitbucket/commit-errors.js'
import type { Logger } from '../../../../../../main/core/log/logger.js'
import { classifyFailure } from '../../../../../../main/core/sync/service/backoff.js'
import {
  DEFAULT_CADENCE,
  PairScheduler,
  type NextAttempt,
  type PairSchedulerOptions,
  type PassRequest,
  type PassVerdict,
} from '../../../../../../main/core/sync/service/pair-scheduler.js'
import { FakeTimers, settle } from './fake-timers.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** A scheduler over a scripted runner: `verdict` decides each pass's end; every run is recorded. */
function setup(
  options: Partial<PairSchedulerOptions<number>> & { verdict?: (n: number) => PassVerdict | Promise<PassVerdict> } = {},
) {
  const clock = new FakeTimers()
  const runs: (PassRequest & { at: number })[] = []
  const nexts: (NextAttempt | null)[] = []
  const logged: { level: string; event: string; fields: Record<string, unknown> }[] = []
  const logger: Logger = {
    info: (event, fields = {}) => logged.push({ level: 'info', event, fields }),
    warn: (event, fields = {}) => logged.push({ level: 'warn', event, fields }),
    error: (event, fields = {}) => logged.push({ level: 'error', event, fields }),
  }
  let concurrent = 0
  let maxConcurrent = 0
  const scheduler = new PairScheduler<number>({
    pairId: 'p1',
    // A fixed poll, unless the test is about the cadence.
    ...(options.cadence ? {} : { pollMs: MINUTE }),
    fullScanMs: HOUR,
    timers: clock,
    random: () => 0.5,
    logger,
    ...options,
    run: async (request) => {
      concurrent++
      maxConcurrent = Math.max(maxConcurrent, concurrent)
      runs.push({ ...request, paths: new Set(request.paths), at: clock.now() })
      try {
        const verdict = await (
          options.verdict ?? (() => ({ kind: 'done', scanned: request.full ? 'full' : 'paths' }) as const)
        )(runs.length)
        return { verdict, result: runs.length }
      } finally {
        concurrent--
      }
    },
    settled: async (_ran, next) => {
      nexts.push(next)
    },
  })
  return { clock, runs, nexts, logged, scheduler, maxConcurrent: () => maxConcurrent }
}

/** A reproducible stand-in for Math.random (a linear congruential generator). */
function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32
    return state / 2 ** 32
  }
}

const unreachable: PassVerdict = { kind: 'failed', retry: { kind: 'unreachable', retryAfterMs: null } }

test('the first pass looks at the whole folder, later ones at the dirty paths; polls look at none', async () => {
  const { clock, runs, scheduler } = setup()
  scheduler.start()
  await clock.advanceAsync(0)
  assert.equal(runs.length, 1)
  assert.equal(runs[0]!.full, true, 'the start is a full scan')
  scheduler.request({ paths: ['a.txt', 'docs'] })
  scheduler.request({ paths: ['b.txt'] })
  await clock.advanceAsync(0)
  assert.equal(runs.length, 2)
  assert.equal(runs[1]!.full, false)
  assert.deepEqual([...runs[1]!.paths].sort(), ['a.txt', 'b.txt', 'docs'])
  await clock.advanceAsync(MINUTE)
  assert.equal(runs.length, 3, 'the poll runs a pass')
  assert.deepEqual(
    { full: runs[2]!.full, paths: runs[2]!.paths.size, reasons: runs[2]!.reasons },
    { full: false, paths: 0, reasons: ['poll'] },
  )
  scheduler.request({ full: true })
  await clock.advanceAsync(0)
  assert.equal(runs[3]!.full, true, 'a rescan (overflow, watcher error) is a full scan')
  await scheduler.stop()
})

test('the slow timer makes a full scan; a pile of dirty paths becomes one', async () => {
  const { clock, runs, scheduler } = setup({ maxPaths: 3 })
  scheduler.start()
  await clock.advanceAsync(0)
  await clock.advanceAsync(HOUR - 1)
  assert.ok(
    runs.slice(1).every((r) => !r.full),
    'polls within the hour look at no paths',
  )
  await clock.advanceAsync(1)
  assert.equal(runs.at(-1)!.full, true, 'an hour after the last full scan, a full scan')
  assert.ok(runs.at(-1)!.reasons.includes('full-scan'))
  const before = runs.length
  scheduler.request({ paths: ['1', '2', '3', '4'] })
  await clock.advanceAsync(0)
  assert.equal(runs.length, before + 1)
  assert.equal(runs.at(-1)!.full, true)
  await scheduler.stop()
})

test('a pass asked for while one runs runs right after it, with the paths that came meanwhile', async () => {
  let release!: () => void
  const { clock, runs, scheduler, maxConcurrent } = setup({
    verdict: (n) =>
      n === 2
        ? new Promise((resolve) => (release = () => resolve({ kind: 'done', scanned: 'paths' })))
        : { kind: 'done', scanned: 'full' },
  })
  scheduler.start()
  await clock.advanceAsync(0)
  scheduler.request({ paths: ['first.txt'] })
  await clock.advanceAsync(0)
  assert.equal(runs.length, 2, 'the second pass is running')
  scheduler.request({ paths: ['saved-meanwhile.txt'] })
  await clock.advanceAsync(10_000)
  assert.equal(runs.length, 2, 'nothing runs beside it')
  release()
  await clock.advanceAsync(0)
  assert.equal(runs.length, 3, 'the next pass starts as soon as the running one ends')
  assert.equal(runs[2]!.at, runs[1]!.at + 10_000, 'without waiting for the poll')
  assert.deepEqual([...runs[2]!.paths], ['saved-meanwhile.txt'])
  assert.equal(maxConcurrent(), 1)
  await scheduler.stop()
})

test('an outage: attempts back off exponentially and stay bounded whatever the poll and the file events do', async () => {
  const {
    clock,
    runs: all,
    nexts: allNexts,
    scheduler,
    maxConcurrent,
    logged,
  } = setup({
    verdict: (n) => (n === 1 ? { kind: 'done', scanned: 'full' } : unreachable),
    random: seededRandom(7),
  })
  scheduler.start()
  await clock.advanceAsync(0)
  assert.equal(all.length, 1, 'the start pass went through; then Bitbucket goes away')
  // Two hours of a busy folder: a file event every 100 ms, with the poll every minute.
  for (let t = 0; t < 2 * HOUR; t += 100) {
    scheduler.request({ paths: [`file-${t % 7}.txt`] })
    await clock.advanceAsync(100)
    assert.ok(clock.pendingTimers <= 1, 'at most one timer per pair')
    if (all.length > 100) break // far past any bound: no need to count the rest
  }
  const runs = all.slice(1)
  const nexts = allNexts.slice(1)
  const inFirstHour = runs.filter((r) => r.at < runs[0]!.at + HOUR).length
  const inSecondHour = runs.length - inFirstHour
  // 2 s doubling to 15 min, each wait at least half its step: ≤ 10 to reach the cap, ≤ 8 an hour after.
  assert.ok(inFirstHour <= 18, `attempts in the first hour: ${inFirstHour}`)
  assert.ok(inSecondHour <= 8, `attempts in the second hour: ${inSecondHour}`)
  assert.ok(inSecondHour >= 4, `it keeps trying: ${inSecondHour}`)
  assert.equal(maxConcurrent(), 1)
  const gaps = runs.slice(1).map((r, i) => r.at - runs[i]!.at)
  assert.ok(
    gaps.every((gap) => gap >= 1000),
    'never sooner than half of the 2 s base',
  )
  assert.ok(
    gaps.every((gap) => gap <= 15 * MINUTE),
    'never longer than the 15 min cap',
  )
  assert.ok(
    nexts.every((n) => n !== null && n.kind === 'unreachable' && n.at > 0),
    'each failure names its next attempt',
  )
  assert.ok(logged.some((l) => l.event === 'sync.backoff' && typeof l.fields.nextAttemptAt === 'string'))
  // Nothing is lost: every path asked for during the outage is in the next attempt, until the
  // hourly full scan falls due, which then stays pending as well.
  const beforeTheHour = runs.filter((r) => r.at < all[0]!.at + HOUR).at(-1)!
  assert.deepEqual([...beforeTheHour.paths].sort(), Array.from({ length: 7 }, (_, i) => `file-${i}.txt`).sort())
  assert.equal(runs.at(-1)!.full, true)
  await scheduler.stop()
})

test('after the outage the back-off resets and the kept paths go through', async () => {
  let failing = true
  const { clock, runs, scheduler } = setup({
    verdict: () => (failing ? unreachable : { kind: 'done', scanned: 'paths' }),
  })
  scheduler.start()
  await clock.advanceAsync(0)
  scheduler.request({ paths: ['kept.txt'] })
  await clock.advanceAsync(10 * MINUTE)
  failing = false
  const failed = runs.length
  await clock.advanceAsync(15 * MINUTE)
  assert.equal(runs[failed]!.full, true, 'the start scan that failed is kept: the first pass after the outage is full')
  assert.ok(runs[failed]!.reasons.includes('retry'))
  scheduler.request({ paths: ['after.txt'] })
  const before = runs.length
  await clock.advanceAsync(0)
  assert.equal(runs.length, before + 1, 'no back-off left once a pass succeeded')
  assert.deepEqual([...runs.at(-1)!.paths], ['after.txt'])
  await scheduler.stop()
})

test('a 429 without Retry-After waits the longer back-off; with Retry-After as long as asked; Sync now does not jump it', async () => {
  const verdicts: PassVerdict[] = [
    {
      kind: 'failed',
      retry: classifyFailure(new BitbucketError(429, 'Rate limit for this resource has been exceeded')),
    },
    { kind: 'failed', retry: classifyFailure(new RateLimitedError('limited', 120_000)) },
    { kind: 'done', scanned: 'paths' },
  ]
  const { clock, runs, nexts, scheduler } = setup({
    verdict: (n) => verdicts[n - 1] ?? { kind: 'done', scanned: 'paths' },
  })
  scheduler.start()
  await clock.advanceAsync(0)
  assert.equal(runs.length, 1)
  assert.equal(nexts[0]?.kind, 'rate-limited', "a read's 429 counts as a rate limit")
  assert.ok(nexts[0]!.delayMs >= 5 * MINUTE, `no Retry-After: at least 5 minutes, got ${nexts[0]!.delayMs}`)
  assert.equal(scheduler.nextAttemptAt, nexts[0]!.at)
  scheduler.request({ paths: ['x.txt'] })
  void scheduler.syncNow()
  await clock.advanceAsync(5 * MINUTE - 1)
  assert.equal(runs.length, 1, 'neither file events, nor the poll, nor Sync now run before the wait ends')
  await clock.advanceAsync(nexts[0]!.at - clock.now())
  assert.equal(runs.length, 2)
  assert.ok(nexts[1]!.delayMs >= 120_000 && nexts[1]!.delayMs <= 150_000, `Retry-After 120 s: ${nexts[1]!.delayMs}`)
  await clock.advanceAsync(119_999)
  assert.equal(runs.length, 2)
  await clock.advanceAsync(nexts[1]!.at - clock.now())
  assert.equal(runs.length, 3)
  await scheduler.stop()
})

test('Sync now skips the back-off of an ordinary failure, and resolves with the pass it caused', async () => {
  const { clock, runs, scheduler } = setup({
    verdict: (n) => (n < 4 ? unreachable : { kind: 'done', scanned: 'paths' }),
  })
  scheduler.start()
  await clock.advanceAsync(0)
  await clock.advanceAsync(10_000)
  const before = runs.length
  assert.ok(scheduler.nextAttemptAt! > clock.now(), 'backing off')
  const result = scheduler.syncNow()
  await clock.advanceAsync(0)
  assert.equal(runs.length, before + 1, 'it ran at once')
  assert.equal(await result, before + 1)
  assert.ok(runs.at(-1)!.reasons.includes('sync-now'))
  await scheduler.stop()
})

test('a pass that throws becomes a failure with a back-off and a log line; the scheduler goes on', async () => {
  const { clock, runs, nexts, logged, scheduler } = setup({
    verdict: (n) => {
      if (n === 1) throw new Error('status.json: EISDIR')
      return { kind: 'done', scanned: 'full' }
    },
  })
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    scheduler.start()
    await clock.advanceAsync(0)
    assert.equal(runs.length, 1)
    assert.ok(logged.some((l) => l.event === 'sync.pass-crashed' && String(l.fields.error).includes('EISDIR')))
    assert.equal(nexts[0]?.kind, 'other')
    await clock.advanceAsync(5000)
    assert.equal(runs.length, 2, 'it tried again after the back-off')
    assert.equal(runs[1]!.full, true, 'with the work of the pass that threw')
    await settle()
    assert.deepEqual(unhandled, [])
  } finally {
    process.off('unhandledRejection', onUnhandled)
    await scheduler.stop()
  }
})

test('a held pass keeps its paths for the next pass without retrying on its own', async () => {
  const { clock, runs, scheduler } = setup({
    verdict: (n) => (n === 2 ? { kind: 'held' } : { kind: 'done', scanned: n === 1 ? 'full' : 'paths' }),
  })
  scheduler.start()
  await clock.advanceAsync(0)
  scheduler.request({ paths: ['gone-1.txt', 'gone-2.txt'] })
  await clock.advanceAsync(0)
  assert.equal(runs.length, 2)
  await clock.advanceAsync(MINUTE - 1)
  assert.equal(runs.length, 2, 'no retry before the poll')
  await clock.advanceAsync(1)
  assert.equal(runs.length, 3)
  assert.deepEqual([...runs[2]!.paths].sort(), ['gone-1.txt', 'gone-2.txt'], 'the held deletions are looked at again')
  await scheduler.stop()
})

test('stop cancels the timer, answers waiting Sync nows, and lets the running pass end', async () => {
  const { clock, runs, scheduler } = setup()
  scheduler.start()
  await clock.advanceAsync(0)
  await scheduler.stop()
  assert.equal(clock.pendingTimers, 0)
  assert.equal(await scheduler.syncNow(), null)
  scheduler.request({ paths: ['late.txt'] })
  await clock.advanceAsync(2 * HOUR)
  assert.equal(runs.length, 1)
})

/** When each poll-only pass ran, in seconds after `from`. */
function pollTimes(runs: (PassRequest & { at: number })[], from: number): number[] {
  return runs.filter((r) => r.reasons.join() === 'poll').map((r) => (r.at - from) / 1000)
}

test('the poll is fast for a few minutes after a change here, then slows down step by step to the idle poll', async () => {
  const { clock, runs, scheduler } = setup({ cadence: {} })
  assert.deepEqual(DEFAULT_CADENCE, { activeMs: 15_000, activeForMs: 3 * MINUTE, idleMs: MINUTE, jitter: 0.1 })
  scheduler.start()
  await clock.advanceAsync(0)
  const start = clock.now()
  await clock.advanceAsync(7 * MINUTE)
  // 15 s apart while the start is recent (3 minutes), then 30 s, then a minute each.
  const fast = Array.from({ length: 12 }, (_, i) => 15 * (i + 1))
  assert.deepEqual(pollTimes(runs, start), [...fast, 210, 270, 330, 390])
  // A change here makes the poll fast again.
  const before = runs.length
  scheduler.request({ paths: ['a.txt'] })
  await clock.advanceAsync(0)
  const changed = clock.now()
  await clock.advanceAsync(MINUTE)
  assert.equal(runs.length, before + 1 + 4, 'the change, then polls 15 s apart')
  assert.deepEqual(pollTimes(runs.slice(before), changed), [15, 30, 45, 60])
  await scheduler.stop()
})

test("idle, another person's change is seen within the idle poll (and its jitter): well under 2 minutes", async () => {
  const { clock, runs, scheduler } = setup({ cadence: {}, random: seededRandom(3) })
  scheduler.start()
  await clock.advanceAsync(HOUR)
  const times = runs.map((r) => r.at)
  const gaps = times.slice(1).map((t, i) => t - times[i]!)
  assert.ok(Math.max(...gaps) <= MINUTE * 1.1, `the longest gap between polls is ${Math.max(...gaps)} ms`)
  assert.ok(Math.min(...gaps) >= 15_000 * 0.9, 'never faster than the fast poll')
  await scheduler.stop()
})

test("polls carry jitter, so an office's computers that started together do not poll together", async () => {
  const offices = [0, 0.25, 0.5, 0.75, 0.999].map((r) => setup({ cadence: {}, random: () => r }))
  for (const { scheduler } of offices) scheduler.start()
  await Promise.all(offices.map(({ clock }) => clock.advanceAsync(10 * MINUTE)))
  const tenth = offices.map(({ runs }) => runs[10]!.at - runs[0]!.at)
  assert.equal(new Set(tenth).size, offices.length, `the tenth polls all differ: ${tenth.join(', ')}`)
  assert.ok(Math.max(...tenth) - Math.min(...tenth) >= 0.15 * 10 * 15_000, 'spread over a good part of the interval')
  for (const { scheduler } of offices) await scheduler.stop()
})

test('a fixed pollMs keeps the old behaviour: no cadence, no jitter', async () => {
  const { clock, runs, scheduler } = setup({ random: () => 0.99 })
  scheduler.start()
  await clock.advanceAsync(0)
  const start = clock.now()
  await clock.advanceAsync(5 * MINUTE)
  assert.deepEqual(pollTimes(runs, start), [60, 120, 180, 240, 300])
  await scheduler.stop()
})
