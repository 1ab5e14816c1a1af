/**
 * Watching: a saved file lands as a commit through the watcher alone (the poll is too slow to be
 * what finds it), a save made while a pass runs lands right after that pass, and another user's
 * commit arrives in the folder by the branch poll.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { syncFixture } from '../../support/sync-fixture.js'
import { until, watching } from './watch-support.js'

const QUIET_MS = 300

test('a save is committed through the watcher alone, looking only at the saved path, within the quiet period and a little', async (t) => {
  const f = await syncFixture(t)
  const { results, stop } = await watching(t, f, { quietMs: QUIET_MS, messageTemplate: 'From the office: {summary}' })
  const start = results[0]!.outcome
  assert.ok(start && start.status !== 'held' && start.scope === undefined, 'the start scans the whole folder')
  const before = await f.commitCount()
  const savedAt = Date.now()
  await writeFile(join(f.folder, 'saved.txt'), 'saved by a person\n')
  // The poll and the full rescan are ten minutes away: only the watcher can bring this in time.
  await until(async () => (await f.commitCount()) > before, 'the save was committed', 10_000)
  const landedMs = Date.now() - savedAt
  assert.ok(landedMs < QUIET_MS + 5000, `landed ${landedMs} ms after the save`)
  t.diagnostic(`save → commit landed: ${landedMs} ms (quiet period ${QUIET_MS} ms)`)

  await until(() => results.some((r) => r.outcome?.status === 'committed'), 'the pass reported')
  const committed = results.find((r) => r.outcome?.status === 'committed')!.outcome
  assert.ok(committed?.status === 'committed')
  // The watcher's paths: the save (and perhaps the start's own download of README.md), never the whole folder.
  assert.ok(committed.scope?.includes('saved.txt'), `the pass looked at the saved path: ${committed.scope}`)
  assert.ok(
    results.every((r) => r.error === null),
    results.map((r) => r.error).join('; '),
  )
  const [entry] = (await f.history.list(5)).filter((e) => e.status === 'committed')
  assert.deepEqual(
    entry?.files.map((x) => x.path),
    ['saved.txt'],
  )
  const repo = f.emu.server.world.repository('pail-demo', 'handbook')!
  const subject = (
    await promisify(execFile)('git', [
      '--git-dir',
      f.emu.server.git(repo).gitDir,
      'show',
      '-s',
      '--format=%s',
      entry!.commit!,
    ])
  ).stdout
  assert.equal(subject, 'From the office: Pail: 1 added\n', 'the commit message template is used')
  await stop()
  await f.assertInSync()
})

test('a save made while a pass runs is committed right after that pass, not at the next poll', async (t) => {
  const f = await syncFixture(t)
  const { results, stop } = await watching(t, f)
  const before = await f.commitCount()
  // Hold the first commit at Bitbucket's door for a while; the second save comes meanwhile.
  await f.emu.control('POST', '/faults', { kind: 'delay', ms: 1500, count: 1, method: 'POST', path: '/src' })
  await writeFile(join(f.folder, 'first.txt'), 'first\n')
  await until(async () => (await f.emu.control<unknown[]>('GET', '/faults')).length === 0, 'the first commit is held')
  await writeFile(join(f.folder, 'second.txt'), 'second, saved during the pass\n')
  // The poll and the full rescan are ten minutes away: only running again right after the pass is in time.
  await until(async () => (await f.commitCount()) >= before + 2, 'both saves were committed', 10_000)
  await until(() => results.filter((r) => r.outcome?.status === 'committed').length === 2, 'both passes reported')
  const [first, second] = results.flatMap((r) => (r.outcome?.status === 'committed' ? [r.outcome] : []))
  assert.ok(first?.scope?.includes('first.txt') && !first.scope.includes('second.txt'), `first: ${first?.scope}`)
  assert.deepEqual(second?.scope, ['second.txt'], 'the second pass looked at what came during the first')
  await stop()
  await f.assertInSync()
})

test("other people's commits come in by the branch poll", async (t) => {
  const f = await syncFixture(t)
  const { results, stop } = await watching(t, f, { pollMs: 500 })
  await f.emu.control('POST', '/commit', { files: { 'incoming.txt': 'from Robin\n' } })
  await until(
    async () => (await readFile(join(f.folder, 'incoming.txt'), 'utf8').catch(() => '')) === 'from Robin\n',
    "Robin's file arrived",
  )
  assert.ok(
    results.every((r) => r.error === null),
    results.map((r) => r.error).join('; '),
  )
  await stop()
  await f.assertInSync()
})

test('Sync now hands over a pending save at once instead of after the quiet period', async (t) => {
  const f = await syncFixture(t)
  // A quiet period far longer than the test: only "Sync now" can bring the save in time.
  const { service, stop } = await watching(t, f, { quietMs: 10 * 60_000 })
  await writeFile(join(f.folder, 'now.txt'), 'right now\n')
  // The watcher must have seen the save before Sync now can hand it over; chokidar reports within ms.
  await until(
    async () => {
      const result = await service.syncNow(f.pair.id)
      return result?.outcome?.status === 'committed'
    },
    'Sync now committed the save',
    10_000,
  )
  assert.ok((await f.remoteTree()).has('now.txt'))
  await stop()
})
