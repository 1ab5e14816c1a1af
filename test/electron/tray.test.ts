/**
 * What only Electron can show about the tray: Pail creates one at start, without the window's
 * help, and gives it the menu main/core/tray/tray-menu-model.ts builds for a person not signed in
 * (status line first, Sign in…, Open Pail, Quit) and a tooltip. Skipped, with the reason, where
 * the Electron binary is not installed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { launchPail, recordedTrays, waitFor } from './support/launch.js'

test('Pail has one tray with the signed-out menu and a tooltip', async (t) => {
  const pail = await launchPail(t)
  if (!pail) return
  const trays = await waitFor(
    'a tray with a context menu',
    () => recordedTrays(pail.app),
    (seen) => seen.some((tray) => !tray.isDestroyed && tray.menuLabels !== null),
  )
  const live = trays.filter((tray) => !tray.isDestroyed)
  assert.equal(live.length, 1, 'one tray')
  const [tray] = live
  assert.ok(tray!.menuLabels!.length > 0 && tray!.menuLabels![0], 'the menu starts with the status line')
  for (const label of ['Sign in…', 'Open Pail', 'Quit']) {
    assert.ok(tray!.menuLabels!.includes(label), `the menu has ${label}: ${JSON.stringify(tray!.menuLabels)}`)
  }
  assert.match(tray!.toolTip ?? '', /^Pail/, 'the tooltip names Pail')
})
