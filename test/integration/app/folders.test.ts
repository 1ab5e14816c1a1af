/**
 * The Repositories and Folders channels against the emulator: the repositories the account can
 * write to and their branches; "Preview" before anything is sent; adding with the checks of
 * `pail pair add`; pause, resume, "Sync now", remove; a hold answered from the window; the
 * folder browser; the folder's ignore rules.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { FolderListing, FolderPreview, FolderView, WorkspaceView } from '../../../shared/ipc/views.js'
import { appFixture, type AppFixture } from './app-support.js'

const run = promisify(execFile)

async function commitCount(app: AppFixture): Promise<number> {
  const repo = app.emu.server.world.repository('pail-demo', 'handbook')!
  const gitDir = app.emu.server.git(repo).gitDir
  return Number((await run('git', ['--git-dir', gitDir, 'rev-list', '--count', 'main'])).stdout.trim())
}

const where = { workspace: 'pail-demo', repository: 'handbook', branch: 'main' }

async function addedAndSynced(app: AppFixture, folder: string, pathInRepo: string): Promise<FolderView> {
  const view = await app.value<FolderView>('folders:add', { folder, ...where, pathInRepo })
  await app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === view.id && v.state === 'up-to-date' && v.lastSyncAt !== null),
    `${folder} synced`,
  )
  return view
}

test('repos:list answers the workspaces and the repositories the account can write to; repos:list-branches their branches', async (t) => {
  const app = await appFixture(t)
  const refused = await app.call('repos:list')
  assert.ok(!refused.ok && refused.error.code === 'auth.signed-out', 'nothing before signing in')
  await app.signIn()
  const workspaces = await app.value<WorkspaceView[]>('repos:list')
  const demo = workspaces.find((w) => w.slug === 'pail-demo')
  assert.ok(demo)
  const handbook = demo.repositories.find((r) => r.slug === 'handbook')
  assert.ok(handbook)
  assert.equal(handbook.fullName, 'pail-demo/handbook')
  assert.equal(handbook.mainBranch, 'main')
  assert.deepEqual(
    await app.value<string[]>('repos:list-branches', { workspace: 'pail-demo', repository: 'handbook' }),
    ['main'],
  )
  const unknown = await app.call('repos:list-branches', { workspace: 'pail-demo', repository: 'no-such-repo' })
  assert.ok(!unknown.ok && unknown.error.code === 'bitbucket.no-access')
})

test('folders:preview tells what would happen, and sends nothing', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Reports')
  await mkdir(join(folder, 'q1'), { recursive: true })
  await writeFile(join(folder, 'q1', 'summary.txt'), 'twelve bytes')
  await writeFile(join(folder, 'README.md'), 'A different readme than the one in Bitbucket\n')
  await writeFile(join(folder, '.DS_Store'), 'finder litter')
  await writeFile(join(folder, '~$budget.xlsx'), 'office owner file')
  await symlink('/etc/hostname', join(folder, 'outside-link'))
  const before = await commitCount(app)
  const preview = await app.value<FolderPreview>('folders:preview', { folder, ...where, pathInRepo: '' })
  assert.equal(preview.files, 2)
  assert.equal(preview.bytes, 12 + 'A different readme than the one in Bitbucket\n'.length)
  assert.deepEqual(preview.ignored, { sample: ['.DS_Store', '~$budget.xlsx'], count: 2 })
  assert.equal(preview.skipped.count, 1)
  assert.equal(preview.skipped.sample[0]?.path, 'outside-link')
  assert.equal(preview.skipped.sample[0]?.reason, 'link-outside')
  assert.deepEqual(preview.bothSides, { count: 1, sample: ['README.md'] })
  assert.deepEqual(preview.incoming.sample, [])

  const empty = join(app.root, 'Empty')
  await mkdir(empty)
  const down = await app.value<FolderPreview>('folders:preview', { folder: empty, ...where, pathInRepo: '' })
  assert.equal(down.files, 0)
  assert.deepEqual(down.incoming.sample, ['README.md'])
  assert.ok(down.incoming.bytes > 0)

  const newBranch = await app.value<FolderPreview>('folders:preview', {
    folder: empty,
    ...where,
    branch: 'brand-new',
    pathInRepo: '',
  })
  assert.match(newBranch.warnings.join(' '), /does not exist .* yet/)

  assert.equal(await commitCount(app), before, 'no commit')
  assert.deepEqual(await app.value('folders:list'), [], 'no pair')
  assert.deepEqual(await app.value('history:list', {}), [], 'no upload attempt')
})

test('folders:add refuses what `pail pair add` refuses, in the same words', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const missing = await app.call('folders:add', { folder: join(app.root, 'nope'), ...where, pathInRepo: '' })
  assert.ok(!missing.ok && missing.error.code === 'folders.invalid')
  assert.match(missing.error.message, /does not exist/)
  const home = await app.call('folders:add', { folder: app.home, ...where, pathInRepo: '' })
  assert.ok(!home.ok && /Pail's own settings/.test(home.error.message))
  const folder = join(app.root, 'Fine')
  await mkdir(folder)
  const badBranch = await app.call('folders:add', { folder, ...where, branch: 'two..dots', pathInRepo: '' })
  assert.ok(!badBranch.ok && badBranch.error.code === 'folders.invalid')
  const badPath = await app.call('folders:add', { folder, ...where, pathInRepo: '../up' })
  assert.ok(!badPath.ok && badPath.error.code === 'folders.invalid')
  await addedAndSynced(app, folder, 'fine')
  const inside = join(folder, 'inner')
  await mkdir(inside)
  const overlap = await app.call('folders:add', { folder: inside, ...where, pathInRepo: 'inner' })
  assert.ok(!overlap.ok && /overlaps/.test(overlap.error.message))
})

test('pause, resume, Sync now and remove, each pushed to the window', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Minutes')
  await mkdir(folder)
  const view = await addedAndSynced(app, folder, 'minutes')

  const paused = await app.value<FolderView>('folders:pause', { pairId: view.id, until: null })
  assert.equal(paused.state, 'paused')
  assert.deepEqual(paused.paused, { until: null })
  const before = await commitCount(app)
  await writeFile(join(folder, 'while-paused.txt'), 'not yet')
  const resumed = app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.files.some((f) => f.path === 'minutes/while-paused.txt'),
    'the change made while paused, committed after resuming',
  )
  const stillPaused = await app.value<FolderView>('folders:sync-now', { pairId: view.id })
  assert.equal(stillPaused.state, 'paused')
  assert.equal(await commitCount(app), before, 'nothing sent while paused, not even on "Sync now"')
  const back = await app.value<FolderView>('folders:resume', { pairId: view.id })
  assert.equal(back.paused, null)
  await resumed

  await writeFile(join(folder, 'now.txt'), 'sync me now')
  const synced = await app.value<FolderView>('folders:sync-now', { pairId: view.id })
  assert.equal(synced.state, 'up-to-date')
  const history = await app.value<{ files: { path: string }[] }[]>('history:list', { pairId: view.id })
  assert.ok(history.some((h) => h.files.some((f) => f.path === 'minutes/now.txt')))

  const gone = app.event('folders:changed', (views) => views.length === 0, 'the folder gone from the list')
  assert.deepEqual(await app.value('folders:remove', { pairId: view.id }), [])
  await gone
  const unknown = await app.call('folders:sync-now', { pairId: view.id })
  assert.ok(!unknown.ok && unknown.error.code === 'folders.unknown')
  assert.equal(await readFile(join(folder, 'now.txt'), 'utf8'), 'sync me now', 'the files stay')
})

test('a folder emptied by accident is held; "put them back" from the window restores the files', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Contracts')
  await mkdir(folder)
  await writeFile(join(folder, 'a.txt'), 'first')
  await writeFile(join(folder, 'b.txt'), 'second')
  const view = await addedAndSynced(app, folder, 'contracts')
  const held = app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === view.id && v.state === 'held' && v.hold !== null),
    'the folder held',
  )
  await unlink(join(folder, 'a.txt'))
  await unlink(join(folder, 'b.txt'))
  const heldView = (await held).find((v) => v.id === view.id)!
  assert.equal(heldView.hold?.reason, 'empty-folder')
  assert.deepEqual(heldView.hold?.choices, ['delete', 'restore'])
  assert.deepEqual(heldView.hold?.files, ['a.txt', 'b.txt'])
  const wrong = await app.call('folders:answer-hold', { pairId: view.id, choice: 'recreate-branch' })
  assert.ok(!wrong.ok && wrong.error.code === 'hold.invalid')
  const restored = app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === view.id && v.state === 'up-to-date' && v.hold === null),
    'the folder up to date again',
  )
  await app.value('folders:answer-hold', { pairId: view.id, choice: 'restore' })
  await restored
  assert.equal(await readFile(join(folder, 'a.txt'), 'utf8'), 'first')
  assert.equal(await readFile(join(folder, 'b.txt'), 'utf8'), 'second')
})

test('folders:browse lists folders, hidden ones and Pail’s home left out; folders:choose says to use it', async (t) => {
  const app = await appFixture(t)
  await mkdir(join(app.root, 'Beta'))
  await mkdir(join(app.root, 'alpha'))
  await mkdir(join(app.root, '.hidden'))
  await writeFile(join(app.root, 'file.txt'), 'not a folder')
  await symlink(app.home, join(app.root, 'home-link'))
  const listing = await app.value<FolderListing>('folders:browse', { path: app.root })
  assert.equal(listing.path, app.root)
  assert.deepEqual(
    listing.folders.map((f) => f.name),
    ['alpha', 'Beta'],
  )
  assert.equal(listing.folders[0]?.path, join(app.root, 'alpha'))
  const home = await app.call('folders:browse', { path: app.home })
  assert.ok(!home.ok && home.error.code === 'folders.pail-home')
  const relative = await app.call('folders:browse', { path: 'Documents' })
  assert.ok(!relative.ok && relative.error.code === 'folders.not-absolute')
  const byDefault = await app.value<FolderListing>('folders:browse', {})
  assert.ok(byDefault.path.length > 0)
  const choose = await app.call('folders:choose')
  assert.ok(!choose.ok && choose.error.code === 'folders.no-chooser')
  assert.match(choose.error.action ?? '', /folder browser/)
})

test('ignore rules are the folder’s .pailignore, read and written from the window, and the sync follows them', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Photos')
  await mkdir(folder)
  const view = await addedAndSynced(app, folder, 'photos')
  assert.equal(await app.value('folders:get-ignore-rules', { pairId: view.id }), '')
  assert.equal(await app.value('folders:set-ignore-rules', { pairId: view.id, text: '*.raw\n' }), '*.raw\n')
  assert.equal(await readFile(join(folder, '.pailignore'), 'utf8'), '*.raw\n')
  assert.equal(await app.value('folders:get-ignore-rules', { pairId: view.id }), '*.raw\n')
  const committed = app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.files.some((f) => f.path === 'photos/keep.jpg'),
    'keep.jpg committed',
  )
  await writeFile(join(folder, 'big.raw'), 'raw bytes')
  await writeFile(join(folder, 'keep.jpg'), 'jpeg bytes')
  const entry = await committed
  assert.ok(!entry.files.some((f) => f.path.endsWith('big.raw')), 'the ignored file stays here')

  await rm(join(folder, '.pailignore'))
  await symlink(join(app.home, 'secrets.json'), join(folder, '.pailignore'))
  const linked = await app.call('folders:get-ignore-rules', { pairId: view.id })
  assert.ok(!linked.ok && linked.error.code === 'folders.ignore-rules-unusable')
})

test('a file changed here and in Bitbucket: the folder shows where both versions are, until the copy is gone', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Shared')
  await mkdir(folder)
  await writeFile(join(folder, 'report.txt'), 'first version')
  const view = await addedAndSynced(app, folder, 'shared')
  await app.value('folders:pause', { pairId: view.id, until: null })
  // Someone else changes the file in Bitbucket meanwhile (a manual upload over it).
  const elsewhere = join(app.root, 'elsewhere')
  await mkdir(elsewhere)
  await writeFile(join(elsewhere, 'report.txt'), 'their version')
  const { uploadId } = await app.value<{ uploadId: string }>('upload:start', {
    source: { kind: 'paths', paths: [join(elsewhere, 'report.txt')] },
    ...where,
    pathInRepo: 'shared',
  })
  await app.event('upload:progressed', (p) => p.uploadId === uploadId && p.done !== null, 'their upload')
  await writeFile(join(folder, 'report.txt'), 'my version')
  const conflicted = app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === view.id && v.conflicts.length > 0),
    'the conflict shown',
  )
  await app.value('folders:resume', { pairId: view.id })
  const shown = (await conflicted).find((v) => v.id === view.id)!
  assert.equal(shown.conflicts.length, 1)
  const [conflict] = shown.conflicts
  assert.equal(conflict?.path, 'report.txt')
  assert.match(conflict?.copy ?? '', /^report \(conflict from .+\)\.txt$/)
  assert.equal(await readFile(join(folder, 'report.txt'), 'utf8'), 'their version')
  assert.equal(await readFile(join(folder, conflict!.copy), 'utf8'), 'my version')

  await unlink(join(folder, conflict!.copy))
  const [after] = await app.value<FolderView[]>('folders:list')
  assert.deepEqual(after?.conflicts, [], 'gone once the person deleted the copy')
})
