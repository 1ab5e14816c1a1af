/**
 * The core's events reach the window's webContents, each on its contract channel, and never a
 * destroyed one; once the contents are destroyed the core's listeners are gone.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eventNames } from '../../../../../shared/ipc/contract.js'
import { AppEventBus } from '../../../../../main/core/app/index.js'
import { forwardEvents } from '../../../../../main/electron/ipc/forward-events.js'
import { FakeWebContents } from './fake-ipc.js'

test('every core event is sent to the live window on its own channel', () => {
  const events = new AppEventBus()
  const window = new FakeWebContents()
  forwardEvents(events, window.contents)
  events.emit('folders:changed', [])
  events.emit('auth:changed', { status: 'signed-out', reason: null })
  assert.deepEqual(window.sent, [
    { channel: 'folders:changed', payload: [] },
    { channel: 'auth:changed', payload: { status: 'signed-out', reason: null } },
  ])
  for (const name of eventNames) assert.equal(events.listenerCount(name), 1, name)
})

test('nothing is sent to destroyed contents, and their end removes the core’s listeners', () => {
  const events = new AppEventBus()
  const window = new FakeWebContents()
  forwardEvents(events, window.contents)
  // Destroyed but not yet announced: the check before each send keeps it from throwing.
  window.destroy(false)
  events.emit('folders:changed', [])
  assert.deepEqual(window.sentWhileDestroyed, [])
  window.destroy(true)
  for (const name of eventNames) assert.equal(events.listenerCount(name), 0, name)
})

test('the function it answers stops forwarding', () => {
  const events = new AppEventBus()
  const window = new FakeWebContents()
  const stop = forwardEvents(events, window.contents)
  stop()
  events.emit('folders:changed', [])
  assert.deepEqual(window.sent, [])
})
