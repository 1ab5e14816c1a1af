/**
 * Skipped paths in watch mode (issue 7, points 17 and 19): a pass over some dirty paths keeps the
 * earlier skips outside what it looked at and replaces those inside it, so `pail status` lists
 * every path not synced, not only the last pass's.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { syncFixture } from '../../support/sync-fixture.js'
import { until, watching } from './watch-support.js'

const run = promisify(execFile)

test('a partial pass keeps the skips outside its paths and replaces those inside them', async (t) => {
  const f = await syncFixture(t)
  await run('mkfifo', [join(f.folder, 'pipe')])
  const { service, results } = await watching(t, f)
  const listed = async (): Promise<string[]> => (await service.status(f.pair)).skipped.map((s) => s.path)
  assert.deepEqual(await listed(), ['pipe'], 'the start scan found the pipe')
  assert.equal((await service.status(f.pair)).skipped[0]!.reason, 'special')

  const passes = results.length
  await writeFile(join(f.folder, 'elsewhere.txt'), 'not the pipe\n')
  await until(() => results.slice(passes).some((r) => r.outcome?.status === 'committed'), 'the save was committed')
  const partial = results.slice(passes).find((r) => r.outcome?.status === 'committed')!.outcome
  assert.ok(
    partial?.status === 'committed' && partial.scope && !partial.scope.includes('pipe'),
    'it did not look at the pipe',
  )
  assert.deepEqual(await listed(), ['pipe'], 'the pipe is still listed')
  assert.equal((await service.status(f.pair)).skippedCount, 1)

  await rm(join(f.folder, 'pipe'))
  await until(async () => (await listed()).length === 0, 'the removed pipe is no longer listed')
  assert.equal((await service.status(f.pair)).skippedCount, 0)
})
