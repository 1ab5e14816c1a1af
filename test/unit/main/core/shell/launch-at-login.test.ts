/**
 * Launch at login: a login start stays in the tray; the login item carries the marker; Linux's
 * autostart entry quotes paths with spaces and reserved characters as the Desktop Entry
 * Specification says.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  autostartEntry,
  autostartFile,
  launchCommand,
  loginItemSettings,
  STARTED_AT_LOGIN_ARG,
  startedAtLogin,
} from '../../../../../main/core/shell/launch-at-login.js'

test('a start from the login item stays in the tray; a start by hand opens the window', () => {
  assert.equal(startedAtLogin(['/opt/Pail/pail', STARTED_AT_LOGIN_ARG], false), true)
  assert.equal(startedAtLogin(['/Applications/Pail.app/Contents/MacOS/Pail'], true), true)
  assert.equal(startedAtLogin(['/opt/Pail/pail'], false), false)
})

test('the login item (macOS, Windows) carries the marker', () => {
  assert.deepEqual(loginItemSettings(true), { openAtLogin: true, args: [STARTED_AT_LOGIN_ARG] })
  assert.equal(loginItemSettings(false).openAtLogin, false)
})

test('what starts Pail: the AppImage, the packaged binary, or Electron with the app folder', () => {
  const base = { execPath: '/opt/Pail/pail', isPackaged: true, appPath: '/opt/Pail/resources/app.asar' }
  assert.deepEqual(launchCommand({ ...base, appImage: '/home/alex/Apps/Pail.AppImage' }), [
    '/home/alex/Apps/Pail.AppImage',
  ])
  assert.deepEqual(launchCommand({ ...base, appImage: undefined }), ['/opt/Pail/pail'])
  assert.deepEqual(
    launchCommand({ ...base, isPackaged: false, execPath: '/w/electron', appPath: '/w/app', appImage: undefined }),
    ['/w/electron', '/w/app'],
  )
})

test('the autostart entry lives in XDG_CONFIG_HOME/autostart, or ~/.config/autostart', () => {
  assert.equal(
    autostartFile({ XDG_CONFIG_HOME: '/x/conf' }, '/home/alex'),
    join('/x/conf', 'autostart', 'pail.desktop'),
  )
  assert.equal(autostartFile({}, '/home/alex'), join('/home/alex', '.config', 'autostart', 'pail.desktop'))
})

test('the autostart entry quotes every argument and escapes what the specification reserves', () => {
  const entry = autostartEntry(['/home/alex/My Apps/Pail "beta" $1 100%.AppImage'])
  assert.match(entry, /^\[Desktop Entry\]\nType=Application\nName=Pail\n/)
  const exec = entry.split('\n').find((line) => line.startsWith('Exec='))
  // Inside quotes: \" \$ ; then every backslash doubled for the string value; % doubled.
  assert.equal(exec, 'Exec="/home/alex/My Apps/Pail \\\\"beta\\\\" \\\\$1 100%%.AppImage" "--started-at-login"')
  assert.ok(entry.endsWith('\n'))
})
