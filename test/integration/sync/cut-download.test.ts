/**
 * Issue #7, point 3: a download that does not arrive whole leaves nothing in the person's folder
 * and records nothing; a download in flight when the process is killed leaves a temporary file
 * that the next pass removes (its name was recorded in the pair's state folder). The fixture's
 * folder comparison counts every file, `*.tmp` included, so a leftover fails assertInSync.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadIndex } from '../../../main/core/sync/local/index-store.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

const BIG = 'x'.repeat(300_000)

async function temporaryFiles(folder: string): Promise<string[]> {
  return (await readdir(folder, { recursive: true })).map(String).filter((name) => name.endsWith('.tmp'))
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function robinAddsBigFile(f: SyncFixture): Promise<void> {
  await f.emu.control('POST', '/commit', { files: { 'docs/big.txt': BIG } })
}

// These two are about the REST API's downloads (where git cannot answer, files come that way).
test('a download cut off mid-body: the pass fails plainly, no temporary file stays, the next pass brings it', async (t) => {
  const f = await syncFixture(t, { readBranchOverGit: false })
  await f.syncOnce()
  await robinAddsBigFile(f)
  await f.emu.control('POST', '/faults', {
    kind: 'cut',
    afterBytes: 1000,
    count: 1,
    method: 'GET',
    pattern: '/src/[0-9a-f]{40}/docs/big\\.txt$',
  })
  await assert.rejects(f.syncOnce(), /The download of “docs\/big\.txt” from Bitbucket did not arrive whole/)
  assert.deepEqual(await temporaryFiles(f.folder), [])
  const index = await loadIndex(join(f.stateDir, 'index.json'), 'main')
  assert.ok(!('docs/big.txt' in index.files), 'no hash recorded for bytes that never arrived')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'up-to-date')
  assert.equal(await readFile(join(f.folder, 'docs', 'big.txt'), 'utf8'), BIG)
  await f.assertInSync()
})

test('killed mid-download: the next pass removes the temporary file the killed one left', async (t) => {
  const f = await syncFixture(t, { readBranchOverGit: false })
  await f.syncOnce()
  await robinAddsBigFile(f)
  // The download's body request never answers: the child sits with its temporary file open.
  await f.emu.control('POST', '/faults', {
    kind: 'hang',
    count: 1,
    method: 'GET',
    pattern: '/src/[0-9a-f]{40}/docs/big\\.txt$',
  })
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
        PAIL_CRASH_AT: 'never',
        PAIL_READ_OVER_GIT: 'no',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  t.after(() => child.kill('SIGKILL'))
  await until(async () => (await f.emu.control<unknown[]>('GET', '/faults')).length === 0, 'the download hung')
  await until(async () => (await temporaryFiles(f.folder)).length === 1, 'the temporary file exists')
  child.kill('SIGKILL')
  assert.equal(await exited, 'SIGKILL')
  assert.equal((await temporaryFiles(f.folder)).length, 1, 'the kill left it behind')

  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'up-to-date')
  assert.deepEqual(await temporaryFiles(f.folder), [], 'removed by the next pass')
  assert.equal(await readFile(join(f.folder, 'docs', 'big.txt'), 'utf8'), BIG)
  await f.assertInSync()
})
