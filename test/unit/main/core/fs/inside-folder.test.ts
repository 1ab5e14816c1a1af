import assert from 'node:assert/strict'
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { InsideFolder, OutsideFolderError } from '../../../../../main/core/fs/inside-folder.js'

const posix = process.platform !== 'win32'

/** A pair folder with a synced subfolder `notes/` replaced by a link to `elsewhere/` (which holds keep.txt). */
async function linked(t: TestContext) {
  const root = await mkdtemp(join(tmpdir(), 'pail-inside-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const folder = join(root, 'My Documents')
  const elsewhere = join(root, 'elsewhere')
  await mkdir(folder)
  await mkdir(elsewhere)
  await writeFile(join(elsewhere, 'keep.txt'), 'outside the folder')
  await writeFile(join(folder, 'here.txt'), 'inside')
  await symlink(elsewhere, join(folder, 'notes'))
  return { root, folder, elsewhere, inside: new InsideFolder(folder) }
}

function refused(reason: string, blocker: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof OutsideFolderError, String(error))
    assert.equal(error.reason, reason)
    assert.equal(error.blocker, blocker)
    return true
  }
}

test('no write, rename or delete follows a linked parent folder out of the folder', { skip: !posix }, async (t) => {
  const { folder, elsewhere, inside } = await linked(t)
  await assert.rejects(inside.createFile('notes/new.txt', 0o644), refused('link', 'notes'))
  await assert.rejects(inside.symlink('x', 'notes/link'), refused('link', 'notes'))
  await assert.rejects(inside.rename('here.txt', 'notes/here.txt'), refused('link', 'notes'))
  await assert.rejects(inside.rename('notes/keep.txt', 'stolen.txt'), refused('link', 'notes'))
  await assert.rejects(inside.remove('notes/keep.txt'), refused('link', 'notes'))
  await assert.rejects(inside.check('notes/deeper/x.txt'), refused('link', 'notes'))
  await assert.rejects(inside.list('notes'), refused('link', 'notes'))
  assert.deepEqual(await readdir(elsewhere), ['keep.txt'])
  assert.equal(await readFile(join(elsewhere, 'keep.txt'), 'utf8'), 'outside the folder')
  assert.equal(await readFile(join(folder, 'here.txt'), 'utf8'), 'inside')
  await assert.rejects(
    inside.remove('notes/keep.txt'),
    /“notes” in the folder “My Documents” is a link to another place/,
  )
})

test('missing folders are created one level at a time, and a link on the way stops it', { skip: !posix }, async (t) => {
  const { folder, elsewhere, inside } = await linked(t)
  const handle = await inside.createFile('a/b/c.txt', 0o644)
  await handle.close()
  assert.ok((await lstat(join(folder, 'a', 'b'))).isDirectory())
  assert.ok((await lstat(join(folder, 'a', 'b', 'c.txt'))).isFile())
  await symlink(elsewhere, join(folder, 'a', 'b', 'd'))
  await assert.rejects(inside.createFile('a/b/d/e/f.txt', 0o644), refused('link', 'a/b/d'))
  assert.deepEqual(await readdir(elsewhere), ['keep.txt'], 'no folder e was made through the link')
})

test('a file where a folder should be, or a folder where a file should be, is refused', async (t) => {
  const { folder, inside } = await linked(t)
  await assert.rejects(inside.createFile('here.txt/inner.txt', 0o644), refused('not-a-folder', 'here.txt'))
  await mkdir(join(folder, 'dir'))
  await assert.rejects(inside.remove('dir'), refused('is-a-folder', 'dir'))
  await assert.rejects(inside.rename('here.txt', 'dir'), refused('is-a-folder', 'dir'))
  await assert.rejects(inside.check('dir'), refused('is-a-folder', 'dir'))
  assert.ok((await lstat(join(folder, 'dir'))).isDirectory())
})

test('a link at the target is replaced or removed as a link, never written through', { skip: !posix }, async (t) => {
  const { folder, elsewhere, inside } = await linked(t)
  await symlink(join(elsewhere, 'keep.txt'), join(folder, 'shortcut'))
  await assert.rejects(inside.createFile('shortcut', 0o644), { code: 'EEXIST' })
  await writeFile(join(folder, 'new.txt'), 'new')
  await inside.rename('new.txt', 'shortcut')
  assert.ok((await lstat(join(folder, 'shortcut'))).isFile())
  assert.equal(await readFile(join(elsewhere, 'keep.txt'), 'utf8'), 'outside the folder')
  await symlink(join(elsewhere, 'keep.txt'), join(folder, 'other'))
  assert.equal(await inside.remove('other'), true)
  assert.equal(await readFile(join(elsewhere, 'keep.txt'), 'utf8'), 'outside the folder')
  assert.equal(await inside.remove('other'), false, 'nothing left to remove')
  await inside.symlink('here.txt', 'sub/link')
  assert.equal(await readlink(join(folder, 'sub', 'link')), 'here.txt')
})

test('paths that could name a place outside are refused before anything is looked at', async (t) => {
  const { inside } = await linked(t)
  for (const path of ['../x', 'a/../../x', '', 'a//b', './x', 'a/\0'])
    await assert.rejects(inside.check(path), refused('bad-path', path), JSON.stringify(path))
})

test('a missing pair folder is said so, and nothing is created in its place', async (t) => {
  const { root } = await linked(t)
  const gone = new InsideFolder(join(root, 'unplugged'))
  await assert.rejects(gone.createFile('a/b.txt', 0o644), refused('root-missing', ''))
  await assert.rejects(lstat(join(root, 'unplugged')), { code: 'ENOENT' })
})

test('the pair folder itself may be a link the person chose', { skip: !posix }, async (t) => {
  const { root, folder } = await linked(t)
  await symlink(folder, join(root, 'docs-link'))
  const viaLink = new InsideFolder(join(root, 'docs-link'))
  await viaLink.rename('here.txt', 'moved.txt')
  assert.equal(await readFile(join(folder, 'moved.txt'), 'utf8'), 'inside')
})
