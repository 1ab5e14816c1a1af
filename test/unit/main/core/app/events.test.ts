/**
 * The core's event bus: typed listeners per event, unsubscribing, and one listener that throws
 * neither stops the others nor reaches the emitter (it is logged).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AppEventBus } from '../../../../../main/core/app/index.js'
import type { Logger } from '../../../../../main/core/log/logger.js'
import type { SettingsView } from '../../../../../shared/ipc/views.js'

const settings: SettingsView = { launchAtLogin: null, notifications: true, commitMessageTemplate: '', pausedAll: false }

test('listeners get the events they listen to, until they stop', () => {
  const bus = new AppEventBus()
  const got: string[] = []
  const stop = bus.on('settings:changed', (s) => got.push(`settings ${s.notifications}`))
  bus.on('auth:changed', (s) => got.push(`auth ${s.status}`))
  bus.emit('settings:changed', settings)
  bus.emit('auth:changed', { status: 'signed-out', reason: null })
  stop()
  bus.emit('settings:changed', { ...settings, notifications: false })
  assert.deepEqual(got, ['settings true', 'auth signed-out'])
  assert.equal(bus.listenerCount('settings:changed'), 0)
  assert.equal(bus.listenerCount('auth:changed'), 1)
})

test('a listener that throws is logged and the others still hear the event', () => {
  const logged: string[] = []
  const logger: Logger = { info: () => undefined, warn: () => undefined, error: (event) => logged.push(event) }
  const bus = new AppEventBus(logger)
  const heard: number[] = []
  bus.on('settings:changed', () => {
    throw new Error('a window went away')
  })
  bus.on('settings:changed', () => heard.push(1))
  assert.doesNotThrow(() => bus.emit('settings:changed', settings))
  assert.deepEqual(heard, [1])
  assert.deepEqual(logged, ['app.listener-failed'])
})
