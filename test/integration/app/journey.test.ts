/**
 * The core behind the window, end to end against the emulator: signing in through the consent
 * page answers at once with the page to open and pushes the outcome; the watch starts; a folder
 * added afterwards is synced at once and its first commit arrives as a `history:changed` event
 * with the commit's link; a revoked sign-in shows as expired, with the reason, and syncing stops.
 */
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import type { AuthState, FolderView, HistoryView } from '../../../shared/ipc/views.js'
import { appFixture } from './app-support.js'

test('sign-in → watch → folder added → its first commit is pushed to History → revoked sign-in shows as expired', async (t) => {
  const app = await appFixture(t)
  assert.deepEqual(await app.value<AuthState>('auth:get-state'), { status: 'signed-out', reason: null })

  const signedIn = app.event('auth:changed', (s) => s.status === 'signed-in', 'signed in')
  const waiting = await app.value<AuthState>('auth:sign-in')
  assert.equal(waiting.status, 'waiting-for-browser')
  assert.ok(waiting.status === 'waiting-for-browser' && waiting.authorizationUrl.startsWith(app.emu.info.webUrl))
  const state = await signedIn
  assert.ok(state.status === 'signed-in')
  assert.equal(state.account.displayName, 'Alex Staff')
  assert.ok(state.account.permissions.some((p) => p.label === 'Repositories: Write'))

  const folder = join(app.root, 'Team handbook')
  await mkdir(folder)
  await writeFile(join(folder, 'welcome.txt'), 'Hello from the office\n')
  const committed = app.event(
    'history:changed',
    (h) => h.outcome === 'committed' && h.files.some((f) => f.path === 'welcome.txt'),
    'the first commit of the new folder',
  )
  const view = await app.value<FolderView>('folders:add', {
    folder,
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    pathInRepo: '',
  })
  assert.equal(view.folder, folder)
  const entry: HistoryView = await committed
  assert.equal(entry.folder?.id, view.id)
  assert.match(entry.commit?.link ?? '', /\/pail-demo\/handbook\/commits\/[0-9a-f]{40}$/)
  const upToDate = await app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === view.id && v.state === 'up-to-date' && v.lastCommit !== null),
    'the folder shown up to date with its commit',
  )
  assert.equal(upToDate.find((v) => v.id === view.id)?.lastCommit?.hash, entry.commit?.hash)

  // Bitbucket stops accepting the sign-in: the next call Pail makes finds out, and the window is told.
  const expired = app.event('auth:changed', (s) => s.status === 'expired', 'the sign-in shown as expired')
  await app.emu.control('POST', '/tokens/revoke', { consumer: app.emu.info.publicConsumer.key })
  await app.emu.control('POST', '/tokens/expire', { consumer: app.emu.info.publicConsumer.key })
  const gone = await expired
  assert.ok(gone.status === 'expired' && gone.reason.length > 0)
  assert.equal(gone.account.displayName, 'Alex Staff')
  const folders = await app.value<FolderView[]>('folders:list')
  assert.equal(folders[0]?.state, 'signed-out')
})
