/**
 * No single bad file or pair stops watch mode (issue 7, point 16): a pair whose status file
 * cannot be read, and one whose every pass throws, become those pairs' errors (with a log line);
 * the watch goes on, and the other pairs' saves land.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { Logger } from '../../../main/core/log/logger.js'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import type { SyncPair } from '../../../main/core/sync/pairs/sync-pair.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'
import { until, watching } from './watch-support.js'

const run = promisify(execFile)

/** A second pair of the fixture's home, on a new repository. */
async function anotherPair(f: SyncFixture, slug: string): Promise<SyncPair> {
  await f.emu.control('POST', '/repositories', { slug })
  const folder = join(f.folder, '..', slug)
  await mkdir(folder)
  return new PairStore(new JsonSettingsStore(f.home), f.home).add({
    folder,
    workspace: 'pail-demo',
    repository: slug,
    branch: 'main',
  })
}

async function filesOnBranch(f: SyncFixture, slug: string): Promise<string[]> {
  const repo = f.emu.server.world.repository('pail-demo', slug)!
  const { stdout } = await run('git', [
    '--git-dir',
    f.emu.server.git(repo).gitDir,
    'ls-tree',
    '-r',
    '--name-only',
    'main',
  ])
  return stdout.split('\n').filter(Boolean)
}

test('a pair whose status cannot be read and a pair whose passes throw do not stop the watch or the other pairs', async (t) => {
  const f = await syncFixture(t)
  const unreadable = f.pair
  const throwing = await anotherPair(f, 'throwing')
  const healthy = await anotherPair(f, 'healthy')
  // status.json a folder: reading it fails (EISDIR), and so does writing it.
  await mkdir(join(f.home, 'pairs', unreadable.id, 'status.json'), { recursive: true })
  // index.json a folder: every pass of that pair throws.
  await mkdir(join(f.home, 'pairs', throwing.id, 'index.json'), { recursive: true })

  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.after(() => process.off('unhandledRejection', onUnhandled))
  const logged: { event: string; fields: Record<string, unknown> }[] = []
  const logger: Logger = {
    info: () => undefined,
    warn: (event, fields = {}) => logged.push({ event, fields }),
    error: (event, fields = {}) => logged.push({ event, fields }),
  }
  const { service, results } = await watching(t, f, { logger, backoff: { baseMs: 200, capMs: 1000 } })
  const of = (pair: SyncPair) => results.filter((r) => r.pair.id === pair.id)
  await until(() => [unreadable, throwing, healthy].every((p) => of(p).length > 0), 'each pair reported its first pass')

  assert.ok(of(throwing)[0]!.error, 'the throwing pair reports its error')
  assert.ok(of(throwing)[0]!.nextAttemptAt, 'and when it tries again')
  const throwingStatus = await service.status(throwing)
  assert.equal(throwingStatus.state, 'error')
  assert.match(throwingStatus.message, /Next attempt at/)

  const unreadableStatus = await service.status(unreadable)
  assert.equal(unreadableStatus.state, 'error')
  assert.match(unreadableStatus.message, /status\.json: EISDIR/)
  assert.ok(logged.some((l) => l.event === 'sync.status-unreadable' && l.fields.pair === unreadable.id))
  assert.ok(logged.some((l) => l.event === 'sync.status-write-failed' && l.fields.pair === unreadable.id))

  // The watch goes on: saves in the pair with the bad status file and in the healthy one land.
  await writeFile(join(unreadable.folder, 'still-synced.txt'), 'yes\n')
  await writeFile(join(healthy.folder, 'healthy.txt'), 'yes\n')
  await until(
    async () => (await filesOnBranch(f, 'handbook')).includes('still-synced.txt'),
    'the save landed despite the status file',
    10_000,
  )
  await until(
    async () => (await filesOnBranch(f, 'healthy')).includes('healthy.txt'),
    "the healthy pair's save landed",
    10_000,
  )
  await until(() => of(throwing).length >= 2, 'the throwing pair was tried again')
  assert.deepEqual(unhandled, [], 'no unhandled rejection')
})
