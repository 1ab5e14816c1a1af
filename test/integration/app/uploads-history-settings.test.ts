/**
 * Manual uploads from the window (paths, and files staged by `pail serve`), the History screen's
 * search and filters, the settings, and a home whose sync another process runs.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { StagedFiles, StagingPort } from '../../../main/core/app/index.js'
import { HomeLocks } from '../../../main/core/store/home-locks.js'
import type { FolderView, HistoryView, SettingsView, UploadProgress } from '../../../shared/ipc/views.js'
import { appFixture, type AppFixture } from './app-support.js'

const run = promisify(execFile)
const MiB = 1024 * 1024
const where = { workspace: 'pail-demo', repository: 'handbook', branch: 'main' }

async function lastCommitMessage(app: AppFixture): Promise<string> {
  const repo = app.emu.server.world.repository('pail-demo', 'handbook')!
  const gitDir = app.emu.server.git(repo).gitDir
  return (await run('git', ['--git-dir', gitDir, 'log', '-1', '--format=%B', 'main'])).stdout.trim()
}

/** Every progress event of one upload, until its end. */
async function progressOf(app: AppFixture, uploadId: string): Promise<UploadProgress[]> {
  const end = await app.event(
    'upload:progressed',
    (p) => p.uploadId === uploadId && p.done !== null,
    'the upload’s end',
    60_000,
  )
  return [
    ...app.seen
      .filter((e) => e.name === 'upload:progressed')
      .map((e) => e.payload as UploadProgress)
      .filter((p) => p.uploadId === uploadId && p !== end),
    end,
  ]
}

test('upload:start with paths answers at once; progress moves with the bytes and ends with the commit link', async (t) => {
  const app = await appFixture(t, { ports: { progressIntervalMs: 0 } })
  await app.signIn()
  const files = join(app.root, 'to-send')
  await mkdir(files)
  await writeFile(join(files, 'small.txt'), 'a small file')
  await writeFile(join(files, 'large.bin'), Buffer.alloc(6 * MiB, 7))
  const committed = app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.folder === null,
    'the manual upload in History',
  )
  const { uploadId } = await app.value<{ uploadId: string }>('upload:start', {
    source: { kind: 'paths', paths: [join(files, 'small.txt'), join(files, 'large.bin')] },
    ...where,
    pathInRepo: 'inbox',
    message: 'Two files from the office',
  })
  assert.match(uploadId, /^[0-9a-f]{16}$/)
  const progress = await progressOf(app, uploadId)
  const end = progress.at(-1)!
  assert.ok(end.done && 'commit' in end.done, JSON.stringify(end.done))
  assert.match(end.done.commit.link, /\/pail-demo\/handbook\/commits\/[0-9a-f]{40}$/)
  const moving = progress.filter((p) => p.done === null && p.bytesSent > 0 && p.bytesSent < p.bytesTotal)
  assert.ok(moving.length >= 1, `the bar moved before the end (${progress.length} events)`)
  for (let i = 1; i < progress.length; i++)
    assert.ok(progress[i]!.bytesSent >= progress[i - 1]!.bytesSent, 'never backwards')
  assert.equal(end.bytesSent, end.bytesTotal)
  assert.ok(end.bytesTotal >= 6 * MiB)
  const entry = await committed
  assert.deepEqual(entry.files.map((f) => f.path).sort(), ['inbox/large.bin', 'inbox/small.txt'])
  assert.equal(entry.who, 'Alex Staff')
  assert.equal(await lastCommitMessage(app), 'Two files from the office')

  const refused = await app.value<{ uploadId: string }>('upload:start', {
    source: { kind: 'paths', paths: [join(app.home, 'secrets.json')] },
    ...where,
    pathInRepo: '',
  })
  const failed = (await progressOf(app, refused.uploadId)).at(-1)!
  assert.ok(failed.done && 'error' in failed.done)
  assert.match(failed.done.error, /Pail's own folder/)
})

test('upload:start with staged files takes them from the staging port and discards them after the commit', async (t) => {
  // As `pail serve` does: the staging lies inside Pail's home, whose read guard lets exactly it through.
  let staged = ''
  const stagingId = 'ab'.repeat(16)
  const taken: string[] = []
  const discarded: string[] = []
  const staging: StagingPort = {
    async take(id): Promise<StagedFiles> {
      if (id !== stagingId)
        throw Object.assign(new Error('unknown'), {
          toUserError: () => ({
            code: 'serve.staging-unknown',
            message: 'This upload is not on Pail’s side any more.',
          }),
        })
      taken.push(id)
      return { stagingId: id, root: staged, entries: [join(staged, 'Folder'), join(staged, 'top.txt')], files: [] }
    },
    async discard(id) {
      discarded.push(id)
    },
  }
  const app = await appFixture(t, { ports: { staging } })
  staged = join(app.home, 'staging', 'owner', stagingId, 'files')
  await mkdir(join(staged, 'Folder'), { recursive: true })
  await writeFile(join(staged, 'Folder', 'inside.txt'), 'inside a dropped folder')
  await writeFile(join(staged, 'top.txt'), 'a dropped file')
  await app.signIn()
  const { uploadId } = await app.value<{ uploadId: string }>('upload:start', {
    source: { kind: 'staged', stagingId },
    ...where,
    pathInRepo: 'dropped',
  })
  const end = (await progressOf(app, uploadId)).at(-1)!
  assert.ok(end.done && 'commit' in end.done)
  assert.deepEqual(taken, [stagingId])
  assert.deepEqual(discarded, [stagingId])
  const [entry] = await app.value<HistoryView[]>('history:list', { limit: 1 })
  assert.deepEqual(entry?.files.map((f) => f.path).sort(), ['dropped/Folder/inside.txt', 'dropped/top.txt'])
  const unknown = await app.call('upload:start', {
    source: { kind: 'staged', stagingId: 'cd'.repeat(16) },
    ...where,
    pathInRepo: '',
  })
  assert.ok(!unknown.ok && unknown.error.code === 'serve.staging-unknown')
})

test('history:list searches file names, repository and notes, and filters by folder and outcome', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Invoices')
  await mkdir(folder)
  await writeFile(join(folder, 'march-invoice.pdf'), 'pdf')
  const view = await app.value<FolderView>('folders:add', { folder, ...where, pathInRepo: 'invoices' })
  await app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.folder?.id === view.id,
    'the folder’s commit',
  )
  const files = join(app.root, 'loose')
  await mkdir(files)
  await writeFile(join(files, 'notes.txt'), 'notes')
  const { uploadId } = await app.value<{ uploadId: string }>('upload:start', {
    source: { kind: 'paths', paths: [join(files, 'notes.txt')] },
    ...where,
    pathInRepo: '',
  })
  await progressOf(app, uploadId)
  const all = await app.value<HistoryView[]>('history:list', {})
  assert.equal(all.length, 2)
  assert.ok(all[0]!.time >= all[1]!.time, 'newest first')
  const search = async (query: object) =>
    (await app.value<HistoryView[]>('history:list', query)).map((h) => h.files[0]?.path)
  assert.deepEqual(await search({ query: 'MARCH' }), ['invoices/march-invoice.pdf'])
  assert.deepEqual(await search({ query: 'notes' }), ['notes.txt'])
  assert.deepEqual(await search({ query: 'pail-demo/handbook notes' }), ['notes.txt'])
  assert.deepEqual(await search({ pairId: view.id }), ['invoices/march-invoice.pdf'])
  assert.deepEqual(await search({ outcome: 'failed' }), [])
  assert.equal((await search({ outcome: 'committed' })).length, 2)
  assert.equal((await search({ limit: 1 })).length, 1)
})

test('settings: defaults, changes pushed, the commit message template used by the sync, pause and resume everything', async (t) => {
  const app = await appFixture(t)
  const defaults = await app.value<SettingsView>('settings:get')
  assert.deepEqual(defaults, {
    launchAtLogin: null,
    notifications: true,
    commitMessageTemplate: '{summary}\n\n{files}',
    pausedAll: false,
  })
  const pushed = app.event('settings:changed', (s) => s.notifications === false, 'the change pushed')
  const changed = await app.value<SettingsView>('settings:update', {
    notifications: false,
    commitMessageTemplate: 'Office sync: {summary}',
    launchAtLogin: true,
  })
  assert.equal(changed.launchAtLogin, null, 'no login item under pail serve')
  assert.equal(changed.commitMessageTemplate, 'Office sync: {summary}')
  await pushed

  await app.signIn()
  const folder = join(app.root, 'Letters')
  await mkdir(folder)
  await writeFile(join(folder, 'dear.txt'), 'Dear all')
  const view = await app.value<FolderView>('folders:add', { folder, ...where, pathInRepo: 'letters' })
  await app.event('history:changed', (h) => h.outcome === 'committed' && h.folder?.id === view.id, 'the commit')
  assert.match(await lastCommitMessage(app), /^Office sync: Pail: 1 added\n/)

  const pausedPush = app.event(
    'folders:changed',
    (views) => views.every((v) => v.state === 'paused'),
    'every folder paused',
  )
  const paused = await app.value<SettingsView>('settings:pause-all', { until: null })
  assert.deepEqual(paused.pausedAll, { until: null })
  await pausedPush
  const [folderView] = await app.value<FolderView[]>('folders:list')
  assert.match(folderView!.message, /Everything is paused/)
  const refused = await app.call('folders:sync-now', { pairId: view.id })
  assert.ok(!refused.ok && refused.error.code === 'folders.paused-all')
  // The watch has stopped: the home's sync lock is free (another process could take it now).
  const free = await HomeLocks.for(app.home).hold('sync', { pid: process.pid, what: 'a test', startedAt: Date.now() })
  await free.release()
  const resumedPush = app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.files.some((f) => f.path === 'letters/after.txt'),
    'syncing again after resuming everything',
  )
  await writeFile(join(folder, 'after.txt'), 'written while everything was paused')
  const resumed = await app.value<SettingsView>('settings:resume-all')
  assert.equal(resumed.pausedAll, false)
  await resumedPush

  const launch: boolean[] = []
  const desktop = await appFixture(t, {
    ports: {
      shell: 'electron',
      launchAtLogin: { get: async () => launch.at(-1) ?? false, set: async (v) => void launch.push(v) },
    },
  })
  assert.equal((await desktop.value<SettingsView>('settings:get')).launchAtLogin, false)
  assert.equal((await desktop.value<SettingsView>('settings:update', { launchAtLogin: true })).launchAtLogin, true)
  assert.deepEqual(launch, [true])
})

test('while another process syncs this home, every folder says so; Pail takes over once it stops', async (t) => {
  const app = await appFixture(t, { ports: { watchTuning: { pollMs: 1000, quietMs: 200, lockRetryMs: 300 } } })
  const other = await HomeLocks.for(app.home).hold('sync', {
    pid: process.pid,
    what: 'pail sync',
    startedAt: Date.now(),
  })
  await app.signIn()
  const folder = join(app.root, 'Shared')
  await mkdir(folder)
  await writeFile(join(folder, 'x.txt'), 'x')
  const view = await app.value<FolderView>('folders:add', { folder, ...where, pathInRepo: 'shared' })
  const blocked = await app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === view.id && /Another Pail/.test(v.message)),
    'the folder told another process syncs',
  )
  assert.match(blocked[0]!.message, new RegExp(`pail sync \\(process ${process.pid}`))
  const taken = app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.folder?.id === view.id,
    'synced after the other stopped',
  )
  await other.release()
  await taken
  const [after] = await app.value<FolderView[]>('folders:list')
  assert.doesNotMatch(after!.message, /Another Pail/)
})
