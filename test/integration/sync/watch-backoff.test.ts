/**
 * Watch mode while Bitbucket fails (issue 7, point 14): attempts back off and stay bounded
 * however busy the folder and the poll are, a 429 on a read waits the long rate-limit back-off,
 * the status says when the next attempt is, and nothing saved during the outage is lost.
 * Small timings (a 100 ms poll, back-off from 100 ms to 800 ms) stand in for minutes.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { syncFixture } from '../../support/sync-fixture.js'
import { until, watching } from './watch-support.js'

const backoff = { baseMs: 100, capMs: 800, rateLimitBaseMs: 60_000, rateLimitCapMs: 60_000 }

test('an outage with a busy folder and a fast poll: attempts stay bounded, the status says when the next one is, and every save lands after', async (t) => {
  const f = await syncFixture(t)
  const { service, results } = await watching(t, f, { pollMs: 100, quietMs: 50, backoff })
  assert.equal(results[0]!.error, null)
  // Both of Bitbucket's hosts fail: the API and git (which a pass asks for the branch's tip first).
  await f.emu.control('POST', '/faults', { kind: 'status', status: 503, count: -1 })
  const firstFailure = results.length
  const startedAt = Date.now()
  // Four seconds of saves every 40 ms; the poll asks every 100 ms.
  const written: string[] = []
  for (let i = 0; Date.now() - startedAt < 4000; i++) {
    const name = `outage-${i % 25}.txt`
    await writeFile(join(f.folder, name), `version ${i}\n`)
    if (!written.includes(name)) written.push(name)
    await new Promise((resolve) => setTimeout(resolve, 40))
  }
  // A pass already under way when the fault was armed may still have succeeded: count the failures.
  const attempts = results.slice(firstFailure).filter((r) => r.error !== null)
  const elapsed = Date.now() - startedAt
  t.diagnostic(
    `${attempts.length} attempts in ${elapsed} ms of outage (a 100 ms poll alone would make ${Math.round(elapsed / 100)})`,
  )
  assert.ok(attempts.length >= 3, `it kept trying: ${attempts.length}`)
  // 100 ms doubling to 800 ms, each wait at least half its step: at most 4 + elapsed / 400 attempts.
  assert.ok(attempts.length <= 4 + elapsed / 400, `${attempts.length} attempts in ${elapsed} ms`)
  assert.ok(attempts.every((r) => r.retry?.kind === 'unreachable'))
  assert.match(attempts[0]!.error!, /^Bitbucket had a problem answering \(503/)
  const last = attempts.at(-1)!
  assert.ok(last.nextAttemptAt !== null && last.nextAttemptAt !== undefined && last.nextAttemptAt > startedAt)
  assert.match(last.nextAttempt ?? '', /^Next attempt at .+ \(in \d+ seconds?\)\.$/)
  const status = await service.status(f.pair)
  assert.equal(status.state, 'error')
  assert.equal(status.nextAttemptAt, last.nextAttemptAt)
  assert.match(status.message, /Next attempt at/)

  await f.emu.control('DELETE', '/faults')
  await until(
    async () => {
      const remote = await f.remoteTree()
      return written.every((name) => remote.has(name))
    },
    'every file saved during the outage landed',
    15_000,
  )
  await until(async () => (await service.status(f.pair)).state === 'up-to-date', 'the status is up to date again')
  assert.equal((await service.status(f.pair)).nextAttemptAt, null)
  await until(
    async () => {
      try {
        await f.assertInSync()
        return true
      } catch {
        return false
      }
    },
    'the folder and the branch agree',
    10_000,
  )
})

test('a 429 on a read waits the rate-limit back-off: no request in the meantime, whatever the poll and the saves', async (t) => {
  const f = await syncFixture(t)
  // Other people's changes are read over the REST API here (through git they cost no API read).
  const { service, results } = await watching(t, f, { pollMs: 100, quietMs: 50, backoff, readBranchOverGit: false })
  await f.emu.control('DELETE', '/requests')
  // Bitbucket's 429 is plain text with no Retry-After (bitbucket-api.md §5); a GET is a read.
  await f.emu.control('POST', '/faults', { kind: 'rate-limit', count: 1, method: 'GET', server: 'api' })
  // Someone else's commit: the next pass reads it over the API (a pass that finds the tip where it was reads nothing there).
  await f.emu.control('POST', '/commit', { files: { 'from-robin.txt': 'Robin\n' } })
  await writeFile(join(f.folder, 'during-the-limit.txt'), 'waits\n')
  await until(() => results.some((r) => r.retry?.kind === 'rate-limited'), 'the rate limit was met')
  const limited = results.find((r) => r.retry?.kind === 'rate-limited')!
  assert.ok(limited.nextAttemptAt! - Date.now() > 50_000, 'it waits about the minute the policy says')
  assert.match(limited.error ?? '', /Bitbucket is limiting how often Pail/)
  const requestsThen = (await f.emu.control<{ server: string }[]>('GET', '/requests')).filter(
    (r) => r.server === 'api',
  ).length
  const countThen = results.length
  for (let i = 0; i < 10; i++) {
    await writeFile(join(f.folder, 'during-the-limit.txt'), `edit ${i}\n`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const requestsNow = (await f.emu.control<{ server: string }[]>('GET', '/requests')).filter(
    (r) => r.server === 'api',
  ).length
  assert.equal(results.length, countThen, 'no attempt during the wait')
  assert.equal(requestsNow, requestsThen, 'no request to Bitbucket during the wait')
  const status = await service.status(f.pair)
  assert.equal(status.state, 'error')
  assert.match(status.message, /Bitbucket is limiting .* Next attempt at .* \(in \d+ seconds\)\./)
})
