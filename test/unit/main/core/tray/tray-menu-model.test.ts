/**
 * The tray's menu for every state: the status line and icon (most pressing first), which items
 * there are and which work, the recent uploads with their links, the sign-in item, the tooltip.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { trayMenuModel, type TrayMenu } from '../../../../../main/core/tray/tray-menu-model.js'
import { folder, NOW, signedIn } from './tray-fixtures.js'

const ids = (menu: TrayMenu) => menu.items.map((i) => i.id)
const status = (menu: TrayMenu) => menu.items[0]!.label
const itemOf = (menu: TrayMenu, id: string) => {
  const found = menu.items.find((i) => i.id === id)
  assert.ok(found, `no ${id} item in ${ids(menu).join(', ')}`)
  return found
}
const HOUR = 3600_000

test('up to date: the folder count, every item, Sign out and Quit last', () => {
  const menu = trayMenuModel(signedIn([folder(), folder({ id: '0123abce' })]))
  assert.equal(menu.icon, 'up-to-date')
  assert.equal(status(menu), 'Up to date · 2 folders')
  assert.deepEqual(ids(menu), [
    'status',
    'separator-sync',
    'sync-now',
    'pause-hour',
    'pause-until-resumed',
    'separator-window',
    'upload',
    'open-window',
    'separator-account',
    'sign-out',
    'quit',
  ])
  assert.equal(itemOf(menu, 'status').enabled, false)
  for (const id of ['sync-now', 'pause-hour', 'pause-until-resumed', 'upload', 'open-window', 'sign-out', 'quit'])
    assert.equal(itemOf(menu, id).enabled, true, id)
  assert.deepEqual(
    menu.items.filter((i) => i.type === 'separator').map((i) => i.id),
    ['separator-sync', 'separator-window', 'separator-account'],
  )
  assert.equal(itemOf(menu, 'quit').label, 'Quit')
  assert.equal(menu.tooltip, 'Pail: Up to date · 2 folders')
  assert.equal(status(trayMenuModel(signedIn([folder()]))), 'Up to date · 1 folder')
})

test('up to date with some folders paused says how many', () => {
  const menu = trayMenuModel(signedIn([folder(), folder({ id: 'b', state: 'paused', paused: { until: null } })]))
  assert.equal(menu.icon, 'up-to-date')
  assert.equal(status(menu), 'Up to date · 2 folders, 1 paused')
  assert.equal(itemOf(menu, 'sync-now').enabled, true)
})

test('syncing: files when counted, else bytes, else plain', () => {
  const counted = folder({
    state: 'syncing',
    progress: { filesDone: 3, filesTotal: 12, bytesSent: 10, bytesTotal: 100 },
  })
  assert.equal(trayMenuModel(signedIn([counted])).icon, 'syncing')
  assert.equal(status(trayMenuModel(signedIn([counted, folder()]))), 'Syncing 3 of 12 files…')
  const bytes = folder({
    state: 'syncing',
    progress: { filesDone: 0, filesTotal: 0, bytesSent: 4_200_000, bytesTotal: 10_000_000 },
  })
  assert.equal(status(trayMenuModel(signedIn([bytes]))), 'Syncing 4.2 MB of 10.0 MB…')
  assert.equal(status(trayMenuModel(signedIn([folder({ state: 'syncing' })]))), 'Syncing…')
  const two = [folder({ state: 'syncing' }), folder({ id: 'b', state: 'syncing' })]
  assert.equal(status(trayMenuModel(signedIn(two))), 'Syncing 2 folders…')
})

test('paused everything: until a time (today, or another day), or until resumed; Resume replaces the pause items', () => {
  const today = trayMenuModel(signedIn([folder()], { pausedAll: { until: Date.UTC(2026, 2, 2, 15, 0) } }))
  assert.equal(today.icon, 'paused')
  assert.equal(status(today), 'Paused until 15:00')
  assert.deepEqual(
    today.items.filter((i) => i.id.startsWith('pause') || i.id === 'resume').map((i) => [i.id, i.label, i.enabled]),
    [['resume', 'Resume', true]],
  )
  assert.equal(itemOf(today, 'sync-now').enabled, false)
  const tomorrow = trayMenuModel(signedIn([folder()], { pausedAll: { until: NOW + 24 * HOUR } }))
  assert.equal(status(tomorrow), 'Paused until Tue 12:00')
  const later = trayMenuModel(signedIn([folder()], { pausedAll: { until: NOW + 30 * 24 * HOUR } }))
  assert.equal(status(later), 'Paused until 1 Apr 12:00')
  assert.equal(status(trayMenuModel(signedIn([folder()], { pausedAll: { until: null } }))), 'Paused until you resume')
})

test('every folder paused on its own: the paused icon, Sync now off, the pause items stay', () => {
  const menu = trayMenuModel(
    signedIn([
      folder({ state: 'paused', paused: { until: null } }),
      folder({ id: 'b', state: 'paused', paused: { until: 5 } }),
    ]),
  )
  assert.equal(menu.icon, 'paused')
  assert.equal(status(menu), 'Paused: all 2 folders')
  assert.equal(itemOf(menu, 'sync-now').enabled, false)
  assert.equal(itemOf(menu, 'pause-hour').enabled, true)
})

test('needs attention: conflicts and held changes counted, ahead of syncing', () => {
  const conflicted = folder({ conflicts: [{ path: 'a.txt', copy: 'a (conflict).txt' }] })
  const menu = trayMenuModel(signedIn([conflicted, folder({ id: 'b', state: 'syncing' })]))
  assert.equal(menu.icon, 'attention')
  assert.equal(status(menu), 'Needs attention: 1 conflict')
  const hold = { reason: 'mass-delete', message: 'Held', files: [], count: 120, choices: [] }
  const both = trayMenuModel(
    signedIn([
      folder({ conflicts: [conflicted.conflicts[0]!, { path: 'b', copy: 'c' }] }),
      folder({ id: 'b', state: 'held', hold }),
    ]),
  )
  assert.equal(status(both), 'Needs attention: 2 conflicts, 1 folder waiting for you')
  assert.equal(
    both.tooltip,
    'Pail: Needs attention: 2 conflicts, 1 folder waiting for you\nOpen Pail to see what to do.',
  )
})

test('error: ahead of everything a signed-in tray shows, the message in the tooltip', () => {
  const failing = folder({ id: 'b', state: 'error', message: 'Another Pail on this computer is syncing.' })
  const menu = trayMenuModel(signedIn([folder({ conflicts: [{ path: 'a', copy: 'b' }] }), failing]))
  assert.equal(menu.icon, 'error')
  assert.equal(status(menu), 'Not syncing: 1 folder with a problem')
  assert.equal(menu.tooltip, 'Pail: Not syncing: 1 folder with a problem\nAnother Pail on this computer is syncing.')
})

test('signed in with no folders', () => {
  const menu = trayMenuModel(signedIn([]))
  assert.equal(menu.icon, 'up-to-date')
  assert.equal(status(menu), 'No folders synced yet')
  assert.equal(itemOf(menu, 'sync-now').enabled, false)
})

test('signed out: the signed-out icon, Sign in…, and nothing that needs a sign-in works', () => {
  for (const [auth, label] of [
    ['signed-out', 'Not signed in'],
    ['expired', 'Signed out: sign in again to keep syncing'],
  ] as const) {
    const menu = trayMenuModel(signedIn([folder({ state: 'signed-out' })], { auth, authReason: 'Bitbucket refused.' }))
    assert.equal(menu.icon, 'signed-out')
    assert.equal(status(menu), label)
    assert.equal(menu.tooltip, `Pail: ${label}\nBitbucket refused.`)
    assert.equal(itemOf(menu, 'sign-in').label, 'Sign in…')
    assert.equal(itemOf(menu, 'sign-in').enabled, true)
    assert.ok(!ids(menu).includes('sign-out'))
    for (const id of ['sync-now', 'pause-hour', 'pause-until-resumed', 'upload'])
      assert.equal(itemOf(menu, id).enabled, false, `${auth}: ${id}`)
    assert.equal(itemOf(menu, 'open-window').enabled, true)
  }
})

test('waiting for the browser: Cancel sign-in instead of Sign in…', () => {
  const menu = trayMenuModel(signedIn([], { auth: 'waiting-for-browser' }))
  assert.equal(menu.icon, 'signed-out')
  assert.equal(status(menu), 'Waiting for you to sign in, in your browser…')
  assert.equal(itemOf(menu, 'cancel-sign-in').action, 'cancel-sign-in')
  assert.ok(!ids(menu).includes('sign-in'))
})

test('recent uploads: a heading, then each opening its commit', () => {
  const recentUploads = [
    { id: 'u1', label: 'handbook: 2 files, 11:00', link: 'https://bitbucket.org/w/r/commits/1' },
    { id: 'u2', label: 'x'.repeat(100), link: 'https://bitbucket.org/w/r/commits/2' },
  ]
  const menu = trayMenuModel(signedIn([folder()], { recentUploads }))
  const start = ids(menu).indexOf('separator-recent')
  assert.ok(start > ids(menu).indexOf('open-window'))
  assert.deepEqual(ids(menu).slice(start, start + 4), ['separator-recent', 'recent-heading', 'recent-u1', 'recent-u2'])
  assert.equal(itemOf(menu, 'recent-heading').enabled, false)
  const first = itemOf(menu, 'recent-u1')
  assert.deepEqual(
    [first.label, first.action, first.link],
    ['handbook: 2 files, 11:00', 'open-commit', recentUploads[0]!.link],
  )
  assert.equal(itemOf(menu, 'recent-u2').label.length, 64)
  assert.ok(itemOf(menu, 'recent-u2').label.endsWith('…'))
})

test('a long message is cut to fit a Windows tooltip', () => {
  const failing = folder({ state: 'error', message: 'word '.repeat(60) })
  const menu = trayMenuModel(signedIn([failing]))
  assert.ok(menu.tooltip.length <= 127, `${menu.tooltip.length} characters`)
  assert.ok(menu.tooltip.endsWith('…'))
})
