/**
 * The window's sign-in channels against the emulator: the answer comes at once with the page to
 * open, the outcome is pushed; a refusal or a cancel leaves Pail signed out (with the reason, or
 * none for a cancel); signing out stops syncing; a provisioning file imported from the window
 * takes effect at once.
 */
import assert from 'node:assert/strict'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import type { AppInfo, AuthState, FolderView } from '../../../shared/ipc/views.js'
import { appFixture } from './app-support.js'

test('app:get-info says which shell, the callback to register and whether a consumer is set up', async (t) => {
  const app = await appFixture(t)
  const info = await app.value<AppInfo>('app:get-info')
  assert.equal(info.shell, 'headless')
  assert.equal(info.hasConsumer, true)
  assert.equal(info.webUrl, app.emu.info.webUrl)
  assert.match(info.callbackUrl, /^http:\/\/127\.0\.0\.1:\d+\/pail\/callback$/)
})

test('Deny on the consent page: signed out, with the reason pushed', async (t) => {
  const app = await appFixture(t, { button: 'deny' })
  const refused = app.event('auth:changed', (s) => s.status === 'signed-out' && s.reason !== null, 'the refusal')
  const waiting = await app.value<AuthState>('auth:sign-in')
  assert.equal(waiting.status, 'waiting-for-browser')
  const state = await refused
  assert.ok(state.status === 'signed-out')
  assert.match(state.reason ?? '', /chose not to give Pail access/)
  assert.equal((await app.value<AuthState>('auth:get-state')).status, 'signed-out')
})

test('Cancel while waiting for the browser: signed out with no reason, and signing in again works', async (t) => {
  const app = await appFixture(t, { ports: { opener: { open: async () => true } } })
  const waiting = await app.value<AuthState>('auth:sign-in')
  assert.equal(waiting.status, 'waiting-for-browser')
  assert.equal((await app.value<AuthState>('auth:get-state')).status, 'waiting-for-browser')
  const again = await app.value<AuthState>('auth:sign-in')
  assert.deepEqual(again, waiting, 'a second click answers the sign-in already waiting')
  const cancelled = app.event('auth:changed', (s) => s.status === 'signed-out', 'the cancel')
  await app.value('auth:cancel-sign-in')
  assert.deepEqual(await cancelled, { status: 'signed-out', reason: null })
  // The callback port is free again: a new sign-in starts.
  const retry = await app.value<AuthState>('auth:sign-in')
  assert.equal(retry.status, 'waiting-for-browser')
  await app.value('auth:cancel-sign-in')
})

test('auth:sign-out signs out, stops syncing and says so to every folder', async (t) => {
  const app = await appFixture(t)
  await app.signIn()
  const folder = join(app.root, 'Notes')
  await mkdir(folder)
  const pair = await app.value<FolderView>('folders:add', {
    folder,
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    pathInRepo: 'notes',
  })
  await app.event(
    'folders:changed',
    (views) => views.some((v) => v.id === pair.id && v.state === 'up-to-date'),
    'the first pass',
  )
  const out = app.event('auth:changed', (s) => s.status === 'signed-out', 'signed out')
  const told = app.event(
    'folders:changed',
    (views) => views.every((v) => v.state === 'signed-out'),
    'the folders told they are not syncing',
  )
  const state = await app.value<AuthState>('auth:sign-out')
  assert.deepEqual(state, { status: 'signed-out', reason: null })
  await out
  await told
  const accounts = JSON.parse(await readFile(join(app.home, 'accounts.json'), 'utf8')) as { current: string | null }
  assert.equal(accounts.current, null)
  const again = await app.call('repos:list')
  assert.ok(!again.ok && again.error.code === 'auth.signed-out')
})

test('auth:import-provisioning checks the file, keeps it in Pail’s home and takes effect without a restart', async (t) => {
  const app = await appFixture(t, { withoutProvisioning: true })
  assert.equal((await app.value<AppInfo>('app:get-info')).hasConsumer, false)
  const nothing = await app.call('auth:sign-in')
  assert.ok(!nothing.ok && nothing.error.code === 'auth.no-consumer')
  assert.match(nothing.error.action ?? '', /provisioning file/)

  const broken = await app.call('auth:import-provisioning', { text: '{"consumer": {"key": "k"}}' })
  assert.ok(!broken.ok)
  assert.equal(broken.error.code, 'auth.provisioning-invalid')
  assert.match(broken.error.message, /“consumer\.secret”/)
  const notJson = await app.call('auth:import-provisioning', { text: 'consumer=abc' })
  assert.ok(!notJson.ok && /not valid JSON/.test(notJson.error.message))
  await assert.rejects(readFile(join(app.home, 'provisioning.json')), 'nothing refused was written')

  const info = await app.value<AppInfo>('auth:import-provisioning', { text: app.provisioning })
  assert.equal(info.hasConsumer, true)
  assert.deepEqual(
    JSON.parse(await readFile(join(app.home, 'provisioning.json'), 'utf8')),
    JSON.parse(app.provisioning),
  )
  await app.signIn()
})

test('a revoked sign-in shows as expired with the reason, with no folder syncing: the session check finds out', async (t) => {
  const app = await appFixture(t, { ports: { watchTuning: { sessionCheckMs: 200 } } })
  await app.signIn()
  const expired = app.event('auth:changed', (s) => s.status === 'expired', 'the sign-in shown as expired')
  await app.emu.control('POST', '/tokens/revoke', { consumer: app.emu.info.publicConsumer.key })
  const state = await expired
  assert.ok(state.status === 'expired')
  assert.match(state.reason, /no longer accepts/)
  assert.equal((await app.value<AuthState>('auth:get-state')).status, 'expired')
})

test('a revoked sign-in found by a request: the request says to sign in, and the window is told', async (t) => {
  // No periodic look at the sign-in within the test: the failed request itself must tell.
  const app = await appFixture(t, { ports: { watchTuning: { accountCheckMs: 600_000, sessionCheckMs: 600_000 } } })
  await app.signIn()
  await app.emu.control('POST', '/tokens/revoke', { consumer: app.emu.info.publicConsumer.key })
  const expired = app.event('auth:changed', (s) => s.status === 'expired', 'the sign-in shown as expired')
  const refused = await app.call('repos:list')
  assert.ok(!refused.ok && refused.error.code === 'auth.signed-out', JSON.stringify(refused))
  await expired
  // Signing in again works and replaces the dead sign-in.
  await app.signIn()
  assert.equal((await app.value<AuthState>('auth:get-state')).status, 'signed-in')
})
