/**
 * What a pass tells support through its logger: its start and end (with counts and how long it
 * took), downloads, conflicts by path, and holds with their reason and counts.
 */
import assert from 'node:assert/strict'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Logger } from '../../../main/core/log/logger.js'
import { syncFixture } from '../../support/sync-fixture.js'

function recorder(): { logger: Logger; lines: { event: string; fields: Record<string, unknown> }[] } {
  const lines: { event: string; fields: Record<string, unknown> }[] = []
  const note = (event: string, fields: Record<string, unknown> = {}): void => void lines.push({ event, fields })
  return { logger: { info: note, warn: note, error: note }, lines }
}

test('a pass logs its start and end with counts and duration, downloads, conflicts and holds', async (t) => {
  const f = await syncFixture(t)
  const { logger, lines } = recorder()
  const fields = (event: string) => lines.filter((l) => l.event === event).map((l) => l.fields)
  await f.syncOnce({}, { logger })
  assert.equal(fields('sync.pass.start').length, 1)
  const [end] = fields('sync.pass.end')
  assert.equal(end?.status, 'up-to-date')
  assert.equal(end?.downloaded, 1)
  assert.equal(typeof end?.ms, 'number')
  assert.deepEqual(fields('sync.downloaded'), [{ pair: f.pair.id, files: 1 }])

  await f.emu.control('POST', '/commit', { files: { 'README.md': 'Robin’s\n' } })
  await writeFile(join(f.folder, 'README.md'), 'Alex’s\n')
  await f.syncOnce({}, { logger })
  assert.deepEqual(fields('sync.conflicts').at(-1), { pair: f.pair.id, paths: ['README.md'] })
  assert.equal(fields('sync.pass.end').at(-1)?.conflicts, 1)

  await mkdir(join(f.folder, 'many'))
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeFile(join(f.folder, 'many', `${i}`), `${i}`)))
  await f.syncOnce({}, { logger })
  await rm(join(f.folder, 'many'), { recursive: true })
  await f.syncOnce({}, { logger })
  assert.deepEqual(fields('sync.held').at(-1), {
    pair: f.pair.id,
    reason: 'mass-delete',
    deletions: 60,
    answered: null,
  })
  assert.deepEqual(fields('sync.pass.end').at(-1)?.reason, 'mass-delete')
  const text = JSON.stringify(lines)
  assert.ok(!text.includes(f.emu.info.privateConsumer.secret), 'no secret in what is logged')
})
