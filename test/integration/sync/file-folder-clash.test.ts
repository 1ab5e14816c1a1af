/**
 * A file replaced by a folder (or a folder by a file) on one side while the other side changes
 * what had that name: Bitbucket cannot hold a file and a folder of one name, so a commit carrying
 * both is refused, and before this fix every later pass was refused the same way. Both versions
 * are kept: the one in the way becomes a conflict copy.
 */
import assert from 'node:assert/strict'
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { git } from '../../emulator/git/git-cli.js'
import { syncFixture } from '../../support/sync-fixture.js'

test('a folder replaced by a file here while Robin adds a file in it: both are kept', async (t) => {
  const f = await syncFixture(t)
  await mkdir(join(f.folder, 'notes'))
  await writeFile(join(f.folder, 'notes', 'old.txt'), 'old\n')
  await f.syncOnce()
  await rm(join(f.folder, 'notes'), { recursive: true })
  await writeFile(join(f.folder, 'notes'), 'notes is a file now\n')
  await f.emu.control('POST', '/commit', { files: { 'notes/new.txt': 'new from Robin\n' } })
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
  assert.equal(await readFile(join(f.folder, 'notes', 'new.txt'), 'utf8'), 'new from Robin\n')
  const copy = [...(await f.localTree()).keys()].find((p) => p.startsWith('notes (conflict from test-pc '))
  assert.ok(copy, 'the file here is kept as a conflict copy')
  assert.equal(await readFile(join(f.folder, copy), 'utf8'), 'notes is a file now\n')
  await f.assertInSync()
  assert.equal((await f.syncOnce()).status, 'up-to-date')
})

test('a file replaced by a folder here while Robin edits the file: both are kept', async (t) => {
  const f = await syncFixture(t)
  await writeFile(join(f.folder, 'plan'), 'plan, as synced\n')
  await f.syncOnce()
  await rm(join(f.folder, 'plan'))
  await mkdir(join(f.folder, 'plan'))
  await writeFile(join(f.folder, 'plan', 'a.txt'), 'a\n')
  await f.emu.control('POST', '/commit', { files: { plan: 'plan, edited by Robin\n' } })
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
  assert.equal(await readFile(join(f.folder, 'plan'), 'utf8'), 'plan, edited by Robin\n', 'Robin’s file keeps its name')
  const copy = [...(await f.localTree()).keys()].find((p) => p.startsWith('plan (conflict from test-pc '))
  assert.ok(copy?.endsWith('/a.txt'), 'the folder here is kept as a conflict copy, with its files')
  assert.equal(await readFile(join(f.folder, copy!), 'utf8'), 'a\n')
  const history = await f.history.list(1)
  assert.ok(
    !history[0]!.files.some((x) => x.path === 'plan' && x.operation === 'delete'),
    'Robin’s file is not deleted',
  )
  await f.assertInSync()
  assert.equal((await f.syncOnce()).status, 'up-to-date')
})

/** Robin pushes `shared/escape.txt`, a link whose target climbs out of any folder it is synced into. */
async function robinPushesLinkOut(t: TestContext, gitDir: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'pail-push-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  await git(['clone', '--quiet', gitDir, work])
  await mkdir(join(work, 'shared'))
  await symlink('../../outside.txt', join(work, 'shared', 'escape.txt'))
  const options = { cwd: work, config: { 'core.symlinks': 'true' } }
  await git(['add', '--all'], options)
  await git(['commit', '--quiet', '-m', 'A link out'], options)
  await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], options)
}

test('a link in the branch pointing outside is never created, is reported, and a file here taking its folder’s name is kept', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await robinPushesLinkOut(t, f.gitDir)

  const first = await f.syncOnce()
  assert.equal(first.status, 'up-to-date')
  assert.deepEqual(
    (first as { skipped: { path: string; reason: string }[] }).skipped.map((s) => [s.path, s.reason]),
    [['shared/escape.txt', 'link-outside']],
  )
  await assert.rejects(lstat(join(f.folder, 'shared')), { code: 'ENOENT' }, 'nothing is made for it')
  const again = await f.syncOnce()
  assert.deepEqual(
    (again as { skipped: { path: string }[] }).skipped.map((s) => s.path),
    ['shared/escape.txt'],
    'still reported on the next pass',
  )

  await writeFile(join(f.folder, 'shared'), 'a file named like the folder\n')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
  const remote = await f.remoteTree()
  assert.equal(remote.get('shared/escape.txt'), '-> ../../outside.txt', 'Robin’s link stays in the branch')
  const copy = [...remote.keys()].find((p) => p.startsWith('shared (conflict from test-pc '))
  assert.ok(copy, 'the file here goes up as a conflict copy')
  assert.equal(await readFile(join(f.folder, copy), 'utf8'), 'a file named like the folder\n')
})

test('a file written here where the branch has a link pointing outside: kept as a copy, the link stays', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await robinPushesLinkOut(t, f.gitDir)
  await mkdir(join(f.folder, 'shared'))
  await writeFile(join(f.folder, 'shared', 'escape.txt'), 'mine\n')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
  assert.deepEqual(
    (outcome as { skipped: { path: string }[] }).skipped.map((s) => s.path),
    ['shared/escape.txt'],
  )
  const remote = await f.remoteTree()
  assert.equal(remote.get('shared/escape.txt'), '-> ../../outside.txt', 'Robin’s link is not overwritten')
  const copy = [...remote.keys()].find((p) => p.startsWith('shared/escape (conflict from test-pc '))
  assert.ok(copy, 'the file here goes up as a conflict copy')
  assert.equal(Buffer.from(remote.get(copy)!, 'base64').toString(), 'mine\n')
  assert.equal((await f.syncOnce()).status, 'up-to-date', 'and it stays that way')
})
