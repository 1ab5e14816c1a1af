/**
 * What each tray item does: the core's channels with their payloads (checked against the
 * contract's schemas, as dispatch will), or the shell's own actions.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { invokeChannels } from '../../../../../shared/ipc/contract.js'
import { clickCommand, PAUSE_HOUR_MS, trayCommands } from '../../../../../main/core/tray/tray-commands.js'
import { trayMenuModel, type TrayMenuItem } from '../../../../../main/core/tray/tray-menu-model.js'
import { folder, NOW, signedIn } from './tray-fixtures.js'

const item = (action: TrayMenuItem['action'], link?: string): TrayMenuItem => ({
  id: String(action),
  type: 'normal',
  label: '',
  enabled: true,
  action,
  ...(link ? { link } : {}),
})
const folders = [
  folder({ id: '0000000a' }),
  folder({ id: '0000000b', paused: { until: null }, state: 'paused' }),
  folder({ id: '0000000c' }),
]

test('Sync now asks for a pass of every folder that is not paused', () => {
  assert.deepEqual(trayCommands(item('sync-now'), { folders }, NOW), [
    { kind: 'request', channel: 'folders:sync-now', input: { pairId: '0000000a' } },
    { kind: 'request', channel: 'folders:sync-now', input: { pairId: '0000000c' } },
  ])
})

test('the pause items pause everything for an hour from now, or until resumed; Resume resumes', () => {
  assert.deepEqual(trayCommands(item('pause-hour'), { folders }, NOW), [
    { kind: 'request', channel: 'settings:pause-all', input: { until: NOW + PAUSE_HOUR_MS } },
  ])
  assert.equal(PAUSE_HOUR_MS, 3_600_000)
  assert.deepEqual(trayCommands(item('pause-until-resumed'), { folders }, NOW), [
    { kind: 'request', channel: 'settings:pause-all', input: { until: null } },
  ])
  assert.deepEqual(trayCommands(item('resume'), { folders }, NOW), [
    { kind: 'request', channel: 'settings:resume-all', input: undefined },
  ])
})

test('the sign-in items ask the core, which opens the browser itself', () => {
  for (const [action, channel] of [
    ['sign-in', 'auth:sign-in'],
    ['cancel-sign-in', 'auth:cancel-sign-in'],
    ['sign-out', 'auth:sign-out'],
  ] as const)
    assert.deepEqual(trayCommands(item(action), { folders }, NOW), [{ kind: 'request', channel, input: undefined }])
})

test("the shell's own: the window, the upload screen, a commit's page, quitting; headings do nothing", () => {
  assert.deepEqual(trayCommands(item('open-window'), { folders }, NOW), [{ kind: 'open-window' }])
  assert.deepEqual(trayCommands(item('upload'), { folders }, NOW), [{ kind: 'open-upload' }])
  assert.deepEqual(trayCommands(item('open-commit', 'https://bitbucket.org/w/r/commits/1'), { folders }, NOW), [
    { kind: 'open-link', url: 'https://bitbucket.org/w/r/commits/1' },
  ])
  assert.deepEqual(trayCommands(item('open-commit'), { folders }, NOW), [])
  assert.deepEqual(trayCommands(item('quit'), { folders }, NOW), [{ kind: 'quit' }])
  assert.deepEqual(trayCommands(item(null), { folders }, NOW), [])
})

test("every request any menu item makes passes its channel's schema", () => {
  const states = [
    signedIn(folders),
    signedIn(folders, { pausedAll: { until: null } }),
    signedIn([], { auth: 'signed-out' }),
    signedIn([], { auth: 'waiting-for-browser' }),
  ]
  let requests = 0
  for (const state of states)
    for (const menuItem of trayMenuModel(state).items)
      for (const command of trayCommands(menuItem, state, NOW)) {
        if (command.kind !== 'request') continue
        requests++
        const parsed = invokeChannels[command.channel].input.safeParse(command.input)
        assert.ok(parsed.success, `${menuItem.id}: ${command.channel} refuses ${JSON.stringify(command.input)}`)
      }
  assert.ok(requests >= 8, `only ${requests} requests were checked`)
})

test('a click on the icon opens the window on Windows only', () => {
  assert.deepEqual(clickCommand('win32'), { kind: 'open-window' })
  assert.equal(clickCommand('darwin'), null)
  assert.equal(clickCommand('linux'), null)
})
