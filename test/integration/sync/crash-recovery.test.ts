/**
 * SIGKILL between Bitbucket's 201 and the index write: the next run finds the commit by its
 * change id and adopts it — no duplicate commit, and the branch and folder agree.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { syncFixture } from '../../support/sync-fixture.js'

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

  const posts = (): number =>
    f.emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/src')).length
  const postsBefore = posts()
  const outcome = await f.syncOnce()
  assert.deepEqual(outcome, { status: 'up-to-date', downloaded: 0 })
  assert.equal(posts(), postsBefore, 'nothing was sent again')
  assert.equal(await f.commitCount(), before + 1, 'no duplicate commit')
  await f.assertInSync()
})
