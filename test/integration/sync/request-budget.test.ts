/**
 * What a pass costs in REST API requests, the budget every member of staff on one OAuth consumer
 * shares (issue 12 §1, bitbucket-api.md §5), counted in the emulator's request log: an idle pass
 * none (the tip comes from git's ref advertisement), a commit when nobody else changed the branch
 * one (the `POST …/src` itself), and a commit that meets another one at the same moment two POSTs
 * (the 409 says the branch moved; the tip is read again over git).
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { SyncService } from '../../../main/core/sync/service/sync-service.js'
import type { RequestLogEntry } from '../../emulator/context.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

/** The API requests logged since `since`, as `METHOD /path` with SHAs and queries folded. */
function apiRequests(f: SyncFixture, since: number): string[] {
  return f.emu.server.requestLog
    .filter((r: RequestLogEntry) => r.at >= since && r.kind === 'api')
    .map((r) => `${r.method} ${r.path.split('?')[0]!.replace(/[0-9a-f]{40}/g, '<sha>')} ${r.status}`)
}

test('idle passes cost no REST API request: the tip comes over git', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const since = Date.now()
  for (let poll = 0; poll < 10; poll++) assert.equal((await f.syncOnce({ paths: new Set() })).status, 'up-to-date')
  const counts = f.emu.server.requestCounts(since)
  t.diagnostic(`10 idle polls: ${counts.api.requests} API requests, ${counts.git.requests} git requests`)
  assert.deepEqual(apiRequests(f, since), [])
  assert.equal(counts.git.requests, 20, 'ls-refs over protocol v2: two git requests a poll')
  assert.equal(counts.byConsumer[f.session.account.consumerKey!]?.git.requests, 20)
})

test('a commit when nobody else changed the branch costs one REST API request, the POST …/src', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await writeFile(join(f.folder, 'notes.txt'), 'my notes\n')
  const since = Date.now()
  assert.equal((await f.syncOnce({ paths: new Set(['notes.txt']) })).status, 'committed')
  assert.deepEqual(apiRequests(f, since), ['POST /2.0/repositories/pail-demo/handbook/src 201'])
  await f.assertInSync()
})

test('a commit that meets another at the same moment: a 409, the tip again over git, a second POST', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await writeFile(join(f.folder, 'notes.txt'), 'my notes\n')
  // Bitbucket holds our POST a moment; meanwhile Robin's commit lands on the branch.
  await f.emu.control('POST', '/faults', { kind: 'delay', ms: 1500, method: 'POST', path: '/src', server: 'api' })
  let robin: Promise<unknown> | null = null
  const since = Date.now()
  const outcome = await f.syncOnce(
    { paths: new Set(['notes.txt']) },
    {
      onCommitProgress: () => {
        robin ??= f.emu.control('POST', '/commit', { files: { 'robin.txt': 'Robin\n' } })
      },
    },
  )
  await robin
  assert.equal(outcome.status, 'committed')
  const requests = apiRequests(f, since)
  t.diagnostic(`commit against a moving branch: ${requests.join(', ')}`)
  assert.deepEqual(
    requests.filter((r) => r.startsWith('POST')),
    ['POST /2.0/repositories/pail-demo/handbook/src 409', 'POST /2.0/repositories/pail-demo/handbook/src 201'],
  )
  assert.ok(!requests.some((r) => r.includes('/refs/branches/')), 'the tip is never read over the API')
  await f.assertInSync()
})

test("the sync service's commits cost one REST API request each: the repository's size is looked at once an hour", async (t) => {
  const f = await syncFixture(t)
  const service = new SyncService({
    home: f.home,
    pairs: new PairStore(new JsonSettingsStore(f.home), f.home),
    history: f.history,
    session: f.session,
  })
  await service.syncPair(f.pair)
  const since = Date.now()
  for (const n of [1, 2, 3]) {
    await writeFile(join(f.folder, `note-${n}.txt`), `note ${n}\n`)
    assert.equal((await service.syncPair(f.pair)).outcome?.status, 'committed')
  }
  assert.deepEqual(apiRequests(f, since), [
    'POST /2.0/repositories/pail-demo/handbook/src 201',
    'GET /2.0/repositories/pail-demo/handbook 200',
    'POST /2.0/repositories/pail-demo/handbook/src 201',
    'POST /2.0/repositories/pail-demo/handbook/src 201',
  ])
})
