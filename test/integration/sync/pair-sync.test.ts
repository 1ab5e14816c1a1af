/**
 * Sync scenarios against the emulator, each judged by git: after every one, a clone of the
 * branch and the folder hold the same files, byte for byte.
 */
import assert from 'node:assert/strict'
import { chmod, mkdir, readFile, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadIndex } from '../../../main/core/sync/local/index-store.js'
import { HoldStore } from '../../../main/core/sync/pass/hold-store.js'
import { syncFixture } from '../../support/sync-fixture.js'

test('an empty folder paired with a repository receives its files; nothing is deleted', async (t) => {
  const f = await syncFixture(t)
  const before = await f.commitCount()
  const outcome = await f.syncOnce()
  assert.deepEqual(outcome, { status: 'up-to-date', downloaded: 1, skipped: [] })
  assert.equal(await f.commitCount(), before, 'no commit')
  assert.match(await readFile(join(f.folder, 'README.md'), 'utf8'), /# Handbook/)
  await f.assertInSync()
})

test('create, edit, delete, rename and move a folder: one commit each, the branch follows', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await mkdir(join(f.folder, 'notes', 'old'), { recursive: true })
  await writeFile(join(f.folder, 'notes', 'old', 'a.txt'), 'first\n')
  await writeFile(join(f.folder, 'run.sh'), '#!/bin/sh\necho hi\n')
  await chmod(join(f.folder, 'run.sh'), 0o755)
  await symlink('notes/old/a.txt', join(f.folder, 'latest'))
  const created = await f.syncOnce()
  assert.equal(created.status, 'committed')
  await f.assertInSync()

  await writeFile(join(f.folder, 'notes', 'old', 'a.txt'), 'second\n')
  await rm(join(f.folder, 'README.md'))
  assert.equal((await f.syncOnce()).status, 'committed')
  await f.assertInSync()

  await rename(join(f.folder, 'run.sh'), join(f.folder, 'start.sh'))
  await rename(join(f.folder, 'notes', 'old'), join(f.folder, 'notes', 'new'))
  await rm(join(f.folder, 'latest'))
  const moved = await f.syncOnce()
  assert.equal(moved.status, 'committed')
  await f.assertInSync()
  assert.deepEqual(await f.syncOnce(), { status: 'up-to-date', downloaded: 0, skipped: [] }, 'nothing left to do')
  const history = await f.history.list()
  assert.equal(history.filter((e) => e.status === 'committed').length, 3)
  assert.ok(history[0]!.link?.includes(`/pail-demo/handbook/commits/${(moved as { commit: string }).commit}`))
})

test('a file touched but not changed makes no commit, and its new time is saved so it is not read again', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const readme = join(f.folder, 'README.md')
  // An hour ago: outside the racy window, so the index keeps the time rather than 0.
  const touched = new Date(Date.now() - 3_600_000)
  await utimes(readme, touched, touched)
  const before = await f.commitCount()
  assert.deepEqual(await f.syncOnce(), { status: 'up-to-date', downloaded: 0, skipped: [] })
  assert.equal(await f.commitCount(), before, 'no commit')
  const index = await loadIndex(join(f.stateDir, 'index.json'), 'main')
  assert.equal(index.files['README.md']?.mtimeMs, touched.getTime(), 'the new time is in the index on disk')
})

test('a burst of 1,000 files becomes one commit', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await mkdir(join(f.folder, 'burst'))
  await Promise.all(
    Array.from({ length: 1000 }, (_, i) => writeFile(join(f.folder, 'burst', `file-${i}.txt`), `file ${i}\n`)),
  )
  const before = await f.commitCount()
  f.emu.server.requestLog.length = 0
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed')
  assert.equal(await f.commitCount(), before + 1)
  const api = f.emu.server.requestLog.filter((r) => r.server === 'api')
  t.diagnostic(
    `1,000-file burst: ${api.length} API requests (${api.map((r) => `${r.method} ${r.path.split('?')[0]!.replace(/[0-9a-f]{40}/g, '<sha>')}`).join(', ')})`,
  )
  assert.ok(api.length <= 5, `${api.length} API requests`)
  await f.assertInSync()
})

test('another user committed other files meanwhile: theirs come in, ours go on top', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await f.emu.control('POST', '/commit', { files: { 'from-robin.txt': 'Robin was here\n' }, message: 'Robin edits' })
  await writeFile(join(f.folder, 'mine.txt'), 'mine\n')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed')
  assert.equal(await readFile(join(f.folder, 'from-robin.txt'), 'utf8'), 'Robin was here\n')
  await f.assertInSync()
})

test("a real 409: another user commits while Pail's commit is on its way; Pail compares again and lands on top", async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await writeFile(join(f.folder, 'mine.txt'), 'mine\n')
  // Hold Pail's POST at the door; once it has arrived (the fault is used up), Robin commits.
  await f.emu.control('POST', '/faults', { kind: 'delay', ms: 1500, count: 1, method: 'POST', path: '/src' })
  const syncing = f.syncOnce()
  while ((await f.emu.control<unknown[]>('GET', '/faults')).length > 0)
    await new Promise((resolve) => setTimeout(resolve, 20))
  await f.emu.control('POST', '/commit', { files: { 'robin-2.txt': 'again\n' } })
  const outcome = await syncing
  assert.equal(outcome.status, 'committed')
  const posts = f.emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/src'))
  assert.deepEqual(
    posts.map((r) => r.status),
    [409, 201],
  )
  assert.equal(await readFile(join(f.folder, 'robin-2.txt'), 'utf8'), 'again\n')
  await f.assertInSync()
})

test('the same file changed here and in Bitbucket: both versions are kept', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await f.emu.control('POST', '/commit', { files: { 'README.md': 'Robin rewrote the readme\n' } })
  await writeFile(join(f.folder, 'README.md'), 'Alex rewrote the readme\n')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed')
  assert.deepEqual((outcome as { conflicts: string[] }).conflicts, ['README.md'])
  assert.equal(await readFile(join(f.folder, 'README.md'), 'utf8'), 'Robin rewrote the readme\n')
  const remote = await f.remoteTree()
  const copy = [...remote.keys()].find((p) => p.startsWith('README (conflict from test-pc '))
  assert.ok(copy, 'the local version is committed as a conflict copy')
  assert.equal(Buffer.from(remote.get(copy)!, 'base64').toString(), 'Alex rewrote the readme\n')
  await f.assertInSync()
  const [latest] = await f.history.list(1)
  assert.equal(latest!.status, 'conflict')
  assert.match(latest!.note ?? '', /kept both versions \(README\.md\)/)
})

test('an emptied folder and a mass delete are held until the person says delete; nothing is deleted meanwhile', async (t) => {
  const f = await syncFixture(t)
  await mkdir(join(f.folder, 'many'))
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeFile(join(f.folder, 'many', `${i}.txt`), `${i}`)))
  await f.syncOnce()
  const before = await f.commitCount()
  await rm(join(f.folder, 'many'), { recursive: true })
  const held = await f.syncOnce()
  assert.equal(held.status, 'held')
  assert.equal(await f.commitCount(), before)
  assert.equal((await f.remoteTree()).has('many/0.txt'), true)
  await rm(join(f.folder, 'README.md'))
  const empty = await f.syncOnce()
  assert.equal(empty.status, 'held')
  assert.match(
    (empty as { message: string }).message,
    /is empty, but Bitbucket still has the 61 files .* rather than delete them all/,
  )
  assert.equal((await f.syncOnce()).status, 'held', 'held again until the person answers')
  await f.answer('delete')
  const confirmed = await f.syncOnce()
  assert.equal(confirmed.status, 'committed')
  assert.equal((confirmed as { deleted: number }).deleted, 61)
  await f.assertInSync()
  assert.equal(await new HoldStore(f.stateDir).read(), null, 'the answered hold is cleared')
})

test('hostile names round-trip', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  const names = [
    'with space.txt',
    'unicode-nfc-\u00e9.txt',
    'unicode-nfd-e\u0301.txt',
    'hash#.txt',
    'percent%41.txt',
    'plus+sign.txt',
    'message',
    'branch',
    'files',
    'author',
    'parents',
    'quote".txt',
  ]
  for (const name of names) await writeFile(join(f.folder, name), `content of ${name}\n`)
  assert.equal((await f.syncOnce()).status, 'committed')
  await f.assertInSync()
})
