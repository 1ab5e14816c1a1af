/**
 * The tray icons' folder: build/tray in the checkout, resources/tray in a packaged app (where
 * electron-builder.yml's extraResources puts them), on every platform's layout.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { trayIconDir, trayIconDirFor } from '../../../../main/core/tray-icon-dir.js'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '')

test('run from the checkout, the tray icons are in build/tray beside package.json', () => {
  assert.equal(trayIconDir(), join(ROOT, 'build', 'tray'))
})

for (const [layout, root, expected] of [
  ['Linux (AppImage, deb)', '/opt/Pail/resources/app.asar', '/opt/Pail/resources/tray'],
  ['macOS', '/Applications/Pail.app/Contents/Resources/app.asar', '/Applications/Pail.app/Contents/Resources/tray'],
  ['a package without asar', '/opt/Pail/resources/app', '/opt/Pail/resources/tray'],
] as const) {
  test(`in a packaged app (${layout}), the tray icons are in the resources folder, outside app.asar`, () => {
    assert.equal(trayIconDirFor(root), expected)
  })
}

test('a checkout in a folder named app is not taken for a packaged app', () => {
  assert.equal(trayIconDirFor('/home/someone/app'), '/home/someone/app/build/tray')
})
