import assert from 'node:assert/strict'
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import {
  processReadGuard,
  protectHome,
  ProtectedPathError,
  ReadGuard,
  realPathAllowingMissing,
} from '../../../../../main/core/fs/read-guard.js'

const posix = process.platform !== 'win32'

async function place(t: TestContext): Promise<{ root: string; home: string }> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'pail-guard-')))
  t.after(() => rm(root, { recursive: true, force: true }))
  const home = join(root, 'real-home')
  await mkdir(home)
  await writeFile(join(home, 'secrets.json'), '{"token":"s3cret"}')
  return { root, home }
}

test(
  'the home, anything in it and anything reached through a link to it are refused',
  { skip: !posix && 'symlinks' },
  async (t) => {
    const { root, home } = await place(t)
    await symlink(home, join(root, 'link-to-home'))
    await mkdir(join(root, 'folder'))
    await symlink(join(home, 'secrets.json'), join(root, 'folder', 'secrets-link'))
    const guard = new ReadGuard([home])
    for (const path of [
      home,
      join(home, 'secrets.json'),
      join(root, 'link-to-home'),
      join(root, 'link-to-home', 'secrets.json'),
      join(root, 'link-to-home', 'not-yet', 'file'),
      join(root, 'folder', 'secrets-link'),
      join(root, 'folder', '..', 'real-home', 'secrets.json'),
    ])
      assert.equal(await guard.refuses(path), true, path)
    for (const path of [root, join(root, 'folder'), join(root, 'real-home-2'), join(root, 'missing', 'x')])
      assert.equal(await guard.refuses(path), false, path)
    await assert.rejects(guard.assertReadable(join(root, 'link-to-home', 'secrets.json')), ProtectedPathError)
    // A link's own text is read, not its target: a link outside the home may point into it.
    assert.equal(
      await guard.assertReadable(join(root, 'folder', 'secrets-link'), { isLink: true }),
      join(root, 'folder', 'secrets-link'),
    )
    await assert.rejects(
      guard.assertReadable(join(root, 'link-to-home', 'x'), { isLink: true }),
      (error: unknown) => error instanceof ProtectedPathError && /Pail's own folder/.test(error.message),
    )
    assert.equal(guard.protectedInside(root), home, 'a folder holding the home')
    assert.equal(guard.protectedInside(join(root, 'folder')), null)
  },
)

test(
  'a home that is itself a link is protected by its real path; a home not made yet by where it will be',
  { skip: !posix && 'symlinks' },
  async (t) => {
    const { root, home } = await place(t)
    const linked = join(root, 'home-link')
    await symlink(home, linked)
    const guard = await protectHome(linked)
    assert.equal(await guard.refuses(join(home, 'secrets.json')), true, 'the real home, reached directly')
    assert.equal(await guard.refuses(join(linked, 'secrets.json')), true)
    const later = join(root, 'home-link', 'sub', 'later-home')
    assert.equal(await realPathAllowingMissing(later), join(home, 'sub', 'later-home'))
    await protectHome(later)
    assert.equal((await processReadGuard()).covers(join(home, 'sub', 'later-home', 'x')), true)
    assert.equal((await processReadGuard()).covers(join(root, 'elsewhere')), false)
  },
)
