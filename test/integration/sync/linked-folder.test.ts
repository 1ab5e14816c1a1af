/**
 * Issue #7, point 5: a synced subfolder replaced by a link to somewhere else. Nothing the branch
 * changes in it may land outside the pair's folder: no download, no deletion, no conflict copy.
 * The changes are not forgotten either: once the folder is a real folder again, they come in.
 */
import assert from 'node:assert/strict'
import { cp, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { syncFixture } from '../../support/sync-fixture.js'

test(
  'branch changes under a folder replaced by a link never land outside; they arrive once it is a folder again',
  { skip: process.platform === 'win32' && 'symbolic links' },
  async (t) => {
    const f = await syncFixture(t)
    await mkdir(join(f.folder, 'notes'))
    await writeFile(join(f.folder, 'notes', 'a.txt'), 'a, as synced\n')
    await writeFile(join(f.folder, 'notes', 'b.txt'), 'b, as synced\n')
    await f.syncOnce()
    // The person moves notes/ elsewhere and leaves a link in its place.
    const elsewhere = join(f.folder, '..', 'Elsewhere')
    await rename(join(f.folder, 'notes'), elsewhere)
    await symlink(elsewhere, join(f.folder, 'notes'))
    const outsideBefore = await readdir(elsewhere)
    await f.emu.control('POST', '/commit', {
      files: { 'notes/a.txt': 'a, edited by Robin\n', 'notes/c.txt': 'c, new from Robin\n', 'top.txt': 'top\n' },
      deletions: ['notes/b.txt'],
    })

    const outcome = await f.syncOnce()
    assert.notEqual(outcome.status, 'held')
    assert.deepEqual(await readdir(elsewhere), outsideBefore, 'nothing written or deleted outside the folder')
    assert.equal(await readFile(join(elsewhere, 'a.txt'), 'utf8'), 'a, as synced\n')
    assert.equal(await readFile(join(f.folder, 'top.txt'), 'utf8'), 'top\n', 'the rest of the branch comes in')
    const remote = await f.remoteTree()
    assert.equal(Buffer.from(remote.get('notes/a.txt')!, 'base64').toString(), 'a, edited by Robin\n')
    assert.ok(!remote.has('notes/b.txt'), 'Robin’s deletion stands; nothing is uploaded back')

    assert.notEqual((await f.syncOnce()).status, 'held', 'a second pass is as careful')
    assert.deepEqual(await readdir(elsewhere), outsideBefore)

    // The person puts the folder back: Robin's changes, kept aside, now come in.
    await rm(join(f.folder, 'notes'))
    await cp(elsewhere, join(f.folder, 'notes'), { recursive: true })
    await f.syncOnce()
    assert.equal(await readFile(join(f.folder, 'notes', 'a.txt'), 'utf8'), 'a, edited by Robin\n')
    assert.equal(await readFile(join(f.folder, 'notes', 'c.txt'), 'utf8'), 'c, new from Robin\n')
    await assert.rejects(readFile(join(f.folder, 'notes', 'b.txt')), { code: 'ENOENT' })
    await f.assertInSync()
  },
)
