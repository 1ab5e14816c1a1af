/**
 * Edits made while Bitbucket is down land once it is back; a change set above the caps becomes
 * several commits.
 */
import assert from 'node:assert/strict'
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { EmulatorServer } from '../../emulator/server.js'
import { syncFixture } from '../../support/sync-fixture.js'

test('edits while the emulator is down are not lost: the sync fails plainly, then lands after the restart', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const before = await f.commitCount()
  await f.emu.server.stop()
  await writeFile(join(f.folder, 'offline-edit.txt'), 'written during the outage\n')
  await rm(join(f.folder, 'README.md'))
  await assert.rejects(f.syncOnce(), /Pail could not reach Bitbucket/)

  const restarted = new EmulatorServer(f.emu.info.dataDir)
  await restarted.start({
    dataDir: f.emu.info.dataDir,
    port: Number(new URL(f.emu.info.webUrl).port),
    apiPort: Number(new URL(f.emu.info.apiUrl).port),
  })
  t.after(() => restarted.stop())
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed')
  assert.equal(await f.commitCount(), before + 1)
  await f.assertInSync()
})

test('a change set above the per-commit caps becomes several commits, deletions with the last', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await mkdir(join(f.folder, 'batch'))
  await Promise.all(Array.from({ length: 25 }, (_, i) => writeFile(join(f.folder, 'batch', `${i}.txt`), `${i}\n`)))
  await rm(join(f.folder, 'README.md'))
  const before = await f.commitCount()
  const outcome = await f.syncOnce({}, { maxFilesPerCommit: 10 })
  assert.equal(outcome.status, 'committed')
  assert.equal((outcome as { uploaded: number }).uploaded, 25)
  assert.equal(await f.commitCount(), before + 3)
  await f.assertInSync()
})

test('a file growing during its upload: the bytes sent are what the index records, the rest goes next pass', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const file = join(f.folder, 'growing.log')
  await writeFile(file, Buffer.alloc(8 * 1024 * 1024, 'a'))
  // Hold the POST at the door; once it has arrived (its sizes are fixed), the file grows.
  await f.emu.control('POST', '/faults', { kind: 'delay', ms: 1000, count: 1, method: 'POST', path: '/src' })
  const syncing = f.syncOnce()
  while ((await f.emu.control<unknown[]>('GET', '/faults')).length > 0)
    await new Promise((resolve) => setTimeout(resolve, 20))
  await appendFile(file, 'one more line\n')
  assert.equal((await syncing).status, 'committed')
  const firstRemote = (await f.remoteTree()).get('growing.log')!
  assert.equal(
    Buffer.from(firstRemote, 'base64').length,
    8 * 1024 * 1024,
    'the commit holds the file as it was when its upload began',
  )
  assert.equal((await f.syncOnce()).status, 'committed', 'the grown file is dirty again and goes up')
  await f.assertInSync()
})
