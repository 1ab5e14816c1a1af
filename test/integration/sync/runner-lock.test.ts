/**
 * One sync runner per home (issue 7, point 10): while one process watches, another that wants to
 * run passes (`pail sync --once`, a second watch) is refused at once with a message naming the
 * running one; "Sync now" inside the running one still works, and once it stops the other may run.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { Logger } from '../../../main/core/log/logger.js'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { LockHeldError, SyncService } from '../../../main/core/sync/service/sync-service.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'
import { watching } from './watch-support.js'

const run = promisify(execFile)

/** `pail sync --once` in another process: what it printed. */
async function otherProcess(f: SyncFixture): Promise<{ refused?: string; owner?: { pid: number }; synced?: number }> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./runner-lock-child.ts', import.meta.url))],
    { env: { ...process.env, PAIL_HOME: f.home, PAIL_WEB_URL: f.emu.info.webUrl, PAIL_API_URL: f.emu.info.apiUrl } },
  )
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { refused?: string; owner?: { pid: number }; synced?: number }
}

test('while one process runs the sync, another is refused at once and told which one runs', async (t) => {
  const f = await syncFixture(t)
  const { service, stop } = await watching(t, f, { runner: 'pail sync' })

  const started = Date.now()
  const other = await otherProcess(f)
  assert.match(other.refused ?? '', new RegExp(`pail sync \\(process ${process.pid}, since .+\\)`))
  assert.equal(other.owner?.pid, process.pid)

  const warnings: { event: string; fields: Record<string, unknown> }[] = []
  const logger: Logger = {
    info: () => undefined,
    warn: (event, fields = {}) => warnings.push({ event, fields }),
    error: () => undefined,
  }
  const second = new SyncService({
    home: f.home,
    pairs: new PairStore(new JsonSettingsStore(f.home), f.home),
    history: f.history,
    session: f.session,
    logger,
    runner: 'the Pail app',
  })
  await assert.rejects(second.syncAllOnce(), LockHeldError)
  await assert.rejects(second.syncPair(f.pair), LockHeldError)
  await assert.rejects(second.watch(new AbortController().signal), LockHeldError)
  assert.ok(Date.now() - started < 10_000, 'refused at once, not after a wait')
  assert.ok(warnings.some((w) => w.event === 'sync.runner-refused' && w.fields.pid === process.pid))

  // The running one is not blocked by its own lock: "Sync now" runs a pass inside the watch.
  const now = await service.syncNow(f.pair.id)
  assert.equal(now?.error, null)

  await stop()
  assert.deepEqual(await otherProcess(f), { synced: 1, errors: [null] }, 'once it stopped, another may run')
  assert.equal((await second.syncAllOnce()).length, 1)
})
