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
import { silentLogger } from '../../../main/core/log/logger.js'
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

/** The git requests logged since `since`, as `METHOD /path` without the query. */
function gitRequests(f: SyncFixture, since: number): string[] {
  return f.emu.server.requestLog
    .filter((r: RequestLogEntry) => r.at >= since && r.kind === 'git')
    .map((r) => `${r.method} ${r.path.split('?')[0]!}`)
}

test("a teammate's changes come in through git: no REST API request, the mirror fetches only what is new", async (t) => {
  const f = await syncFixture(t)
  // The first sync brings the branch's files in through one shallow fetch.
  const first = Date.now()
  const start = await f.syncOnce()
  assert.ok(start.status !== 'held' && start.downloaded > 0, 'the branch has files to bring in')
  assert.deepEqual(apiRequests(f, first), [], 'a first sync reads the branch through git')
  await f.assertInSync()
  for (const round of [1, 2, 3]) {
    await f.emu.control('POST', '/commit', {
      files: { [`robin-${round}.txt`]: `Robin's note ${round}\n`, 'shared/plan.txt': `plan v${round}\n` },
    })
    await f.emu.control('POST', '/commit', { files: { [`sam-${round}.bin`]: 'x'.repeat(200_000 + round) } })
    const since = Date.now()
    const fetches: Record<string, unknown>[] = []
    const logger = {
      ...silentLogger,
      info: (event: string, fields?: Record<string, unknown>) =>
        void (event === 'sync.git-fetch' && fetches.push(fields!)),
    }
    const outcome = await f.syncOnce({}, { logger })
    assert.equal(outcome.status, 'up-to-date')
    // Two commits, their two root trees, shared/ and three blobs: what is new, not the repository.
    assert.deepEqual(
      fetches.map((x) => [x.kind, x.objects]),
      [['incremental', 8]],
      `round ${round}: one fetch of the new objects`,
    )
    assert.equal(outcome.downloaded, 3, `round ${round}: the three changed files came in`)
    assert.deepEqual(apiRequests(f, since), [], `round ${round}: no REST API request`)
    assert.ok(gitRequests(f, since).includes('POST /pail-demo/handbook.git/git-upload-pack'))
    await f.assertInSync()
  }
  // Removals come in too, and nothing is fetched again for a branch that did not move.
  await f.emu.control('POST', '/commit', { deletions: ['robin-1.txt', 'shared/plan.txt'] })
  const since = Date.now()
  await f.syncOnce()
  await f.assertInSync()
  assert.deepEqual(apiRequests(f, since), [])
})

/** Ways a fetch fails: refused, or cut off in the middle of its pack. */
const FETCH_FAULTS = [
  { how: 'refused', fault: { kind: 'status', status: 403, count: 5 } },
  { how: 'cut off mid-pack', fault: { kind: 'cut', afterBytes: 300, count: 1 } },
] as const

for (const { how, fault } of FETCH_FAULTS)
  test(`where git's fetch is ${how}, the REST API brings the change in as before`, async (t) => {
    const f = await syncFixture(t)
    await f.syncOnce()
    await f.emu.control('POST', '/commit', { files: { 'robin.txt': 'Robin\n' } })
    // The ref advertisement still answers (GET info/refs, ls-refs); the fetch itself fails.
    await f.emu.control('POST', '/faults', {
      ...fault,
      method: 'POST',
      server: 'web',
      pattern: 'git-upload-pack',
      skip: 1,
    })
    const since = Date.now()
    const outcome = await f.syncOnce()
    assert.equal(outcome.status !== 'held' && outcome.downloaded, 1)
    await f.assertInSync()
    assert.deepEqual(
      await f.localTree().then((t) => [...t.keys()].filter((p) => p.endsWith('.tmp'))),
      [],
      'nothing left behind',
    )
    const requests = apiRequests(f, since)
    t.diagnostic(`REST fallback: ${requests.join(', ')}`)
    assert.ok(
      requests.some((r) => r.includes('/diffstat/')),
      'the diffstat answered instead of git',
    )
    assert.ok(
      requests.some((r) => r.includes('/src/<sha>/robin.txt')),
      'the file came over the REST API',
    )
  })
