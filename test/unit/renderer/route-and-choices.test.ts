import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pauseChoices, pauseUntil } from '../../../renderer/lib/pause-choices.js'
import { parseRoute, routeHref, screenLabels, screens } from '../../../renderer/lib/route.js'

test('the navigation names the six screens issue 9 lists, in its order', () => {
  assert.deepEqual(
    screens.map((s) => screenLabels[s]),
    ['Account', 'Repositories', 'Folders', 'History', 'Upload', 'Settings'],
  )
})

test('an address names a screen and its parameters; anything else is no screen', () => {
  const route = parseRoute('#/folders?add=acme%2Freports')
  assert.equal(route.screen, 'folders')
  assert.equal(route.params.get('add'), 'acme/reports')
  assert.equal(parseRoute('#/history').screen, 'history')
  assert.equal(parseRoute('').screen, null)
  assert.equal(parseRoute('#/constructor').screen, null)
  assert.equal(parseRoute('#/nowhere?x=1').screen, null)
})

test('a screen address reads back as the same route', () => {
  const href = routeHref('folders', { add: 'acme/reports' })
  assert.equal(href, '#/folders?add=acme%2Freports')
  assert.equal(parseRoute(href).params.get('add'), 'acme/reports')
  assert.equal(routeHref('upload'), '#/upload')
})

test('pausing is for one hour from now, or until resumed', () => {
  const now = Date.parse('2026-03-03T14:00:00Z')
  assert.equal(pauseUntil('hour', now), now + 3_600_000)
  assert.equal(pauseUntil('until-resumed', now), null)
  assert.deepEqual(
    pauseChoices.map((c) => c.label),
    ['For 1 hour', 'Until I resume'],
  )
})
