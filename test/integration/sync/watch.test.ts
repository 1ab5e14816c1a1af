/**
 * Watching: a saved file lands as a commit without anyone asking, and another user's commit
 * arrives in the folder by the branch poll.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { SyncService, type PairResult } from '../../../main/core/sync/service/sync-service.js'
import { syncFixture } from '../../support/sync-fixture.js'

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

test("pail sync (watching): saves become commits, and other people's commits come in", async (t) => {
  const f = await syncFixture(t)
  const service = new SyncService({
    home: f.home,
    pairs: new PairStore(new JsonSettingsStore(f.home), f.home),
    history: f.history,
    session: f.session,
    pollMs: 1000,
    quietMs: 300,
    messageTemplate: 'From the office: {summary}',
  })
  const controller = new AbortController()
  const results: PairResult[] = []
  const watching = service.watch(controller.signal, (r) => results.push(r))
  t.after(async () => {
    controller.abort()
    await watching
  })
  await until(async () => results.length > 0, 'the first pass ran')
  const before = await f.commitCount()
  await writeFile(join(f.folder, 'saved.txt'), 'saved by a person\n')
  await until(async () => (await f.commitCount()) > before, 'the save was committed')
  await f.emu.control('POST', '/commit', { files: { 'incoming.txt': 'from Robin\n' } })
  await until(
    async () => (await readFile(join(f.folder, 'incoming.txt'), 'utf8').catch(() => '')) === 'from Robin\n',
    "Robin's file arrived",
  )
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
  controller.abort()
  await watching
  await f.assertInSync()
})
