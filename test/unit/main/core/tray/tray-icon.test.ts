/** Which icon file the tray takes on each platform: template PNGs on macOS, ICO on Windows, PNG elsewhere. */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { TRAY_ICON_STATES, trayIconFile } from '../../../../../main/core/tray/tray-icon.js'

test('the icon file per platform', () => {
  const dir = join('/opt', 'Pail', 'resources', 'tray')
  assert.equal(trayIconFile(dir, 'syncing', 'darwin'), join(dir, 'syncingTemplate.png'))
  assert.equal(trayIconFile(dir, 'syncing', 'win32'), join(dir, 'syncing.ico'))
  assert.equal(trayIconFile(dir, 'syncing', 'linux'), join(dir, 'syncing.png'))
  assert.equal(trayIconFile(dir, 'error', 'freebsd'), join(dir, 'error.png'))
})

test('six states, as the issue lists them', () => {
  assert.deepEqual(TRAY_ICON_STATES, ['signed-out', 'up-to-date', 'syncing', 'paused', 'attention', 'error'])
})
