/**
 * SIGKILL between Bitbucket's 201 and the index write: the next run finds the commit by its
 * change id and adopts it — no duplicate commit, the branch and folder agree, and the attempt's
 * history entry says "committed" with that commit.
 *
 * What needs journal recovery and what does not: without it, the next pass still commits nothing
 * twice and moves the index (comparing the folder with the branch finds report.txt already there,
 * same bytes), so those checks alone would pass with recovery switched off. Only recovery learns
 * that the commit was this attempt's: the history entry left "uploading" by the kill becomes
 * "committed" with the commit and its link, and the journal is cleared. The test checks all of it.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { access, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { HistoryStore, type HistoryEntry, type HistoryOutcome } from '../../../main/core/history/history-store.js'
import { loadIndex } from '../../../main/core/sync/local/index-store.js'
import { changeTrailer, Journal } from '../../../main/core/sync/pass/journal.js'
import { syncFixture } from '../../support/sync-fixture.js'

const run = promisify(execFile)

test('killed right after the 201: the next run adopts the commit instead of committing again', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await writeFile(join(f.folder, 'report.txt'), 'quarterly report\n')
  const before = await f.commitCount()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url))],
    {
      env: {
        ...process.env,
        PAIL_HOME: f.home,
        PAIL_WEB_URL: f.emu.info.webUrl,
        PAIL_API_URL: f.emu.info.apiUrl,
        PAIL_PAIR: f.pair.id,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)))
  assert.equal(signal, 'SIGKILL', stderr.slice(0, 500))
  assert.equal(await f.commitCount(), before + 1, 'the commit landed before the kill')
  const landed = (await run('git', ['--git-dir', f.gitDir, 'rev-parse', 'main'])).stdout.trim()
  const [interrupted] = await f.history.list(1)
  assert.equal(interrupted!.status, 'uploading', 'the kill left the attempt unfinished')
  await access(join(f.stateDir, 'journal.json'))

  const posts = (): number =>
    f.emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/src')).length
  const postsBefore = posts()
  const outcome = await f.syncOnce()
  assert.deepEqual(outcome, { status: 'up-to-date', downloaded: 0, skipped: [] })
  assert.equal(posts(), postsBefore, 'nothing was sent again')
  assert.equal(await f.commitCount(), before + 1, 'no duplicate commit')
  const index = await loadIndex(join(f.stateDir, 'index.json'), 'main')
  assert.equal(index.base, landed, 'the index moved to the landed commit')
  assert.ok(index.files['report.txt'], 'and records report.txt')
  const entries = await f.history.list()
  const adopted = entries.find((e) => e.id === interrupted!.id)!
  assert.equal(adopted.status, 'committed', 'recovery finished the attempt’s history entry')
  assert.equal(adopted.commit, landed)
  assert.ok(adopted.link?.endsWith(`/commits/${landed}`))
  assert.equal(entries.filter((e) => e.status === 'uploading').length, 0, 'nothing is left "uploading"')
  await assert.rejects(access(join(f.stateDir, 'journal.json')), 'the journal is cleared')
  await f.assertInSync()
})

/** A history whose process "dies" as it records a landed commit. */
class DyingHistory extends HistoryStore {
  override async finish(entry: HistoryEntry, outcome: HistoryOutcome): Promise<HistoryEntry> {
    if (outcome.status === 'committed') throw new Error('killed while recording the commit')
    return super.finish(entry, outcome)
  }
}

test('killed after the index write, before the history learnt it: the entry still ends up committed', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await writeFile(join(f.folder, 'report.txt'), 'quarterly report\n')
  await assert.rejects(f.syncOnce({}, { history: new DyingHistory(f.home) }), /killed while recording/)
  const landed = (await run('git', ['--git-dir', f.gitDir, 'rev-parse', 'main'])).stdout.trim()
  const outcome = await f.syncOnce()
  assert.deepEqual(outcome, { status: 'up-to-date', downloaded: 0, skipped: [] })
  const [entry] = await f.history.list(1)
  assert.equal(entry!.status, 'committed', 'not "interrupted": the commit landed')
  assert.equal(entry!.commit, landed)
})

test('an attempt that lands after the restart looked for it: its history entry is corrected when the commit shows up', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const tip = (await run('git', ['--git-dir', f.gitDir, 'rev-parse', 'main'])).stdout.trim()
  // A process sent this commit and was killed; Bitbucket has not finished it yet.
  await writeFile(join(f.folder, 'late.txt'), 'late\n')
  const entry = await f.history.start({
    time: Date.now(),
    source: { kind: 'pair', pairId: f.pair.id, folder: f.folder },
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    files: [{ path: 'late.txt', operation: 'add', bytes: 5 }],
  })
  const changeId = 'abcdef0123456789'
  await new Journal(f.stateDir).write({
    changeId,
    parent: tip,
    uploads: {},
    deletions: [],
    historyId: entry.id,
    startedAt: Date.now(),
  })
  // The restart looks before the commit lands: not found. (The fault keeps this pass from committing.)
  await f.emu.control('POST', '/faults', { kind: 'status', status: 503, count: 1, method: 'POST', path: '/src' })
  await assert.rejects(f.syncOnce())
  assert.equal((await f.history.list()).find((e) => e.id === entry.id)?.status, 'failed')
  // Now it lands.
  const { hash } = await f.emu.control<{ hash: string }>('POST', '/commit', {
    files: { 'late.txt': 'late\n' },
    message: `Pail: 1 added\n\n+ late.txt\n\n${changeTrailer(changeId)}`,
  })
  assert.equal((await f.syncOnce()).status, 'up-to-date')
  const corrected = (await f.history.list()).find((e) => e.id === entry.id)!
  assert.deepEqual([corrected.status, corrected.commit, corrected.error], ['committed', hash, null])
  await f.assertInSync()
})
