/**
 * The icon's throttle: the first value at once, then at most one per interval and always the
 * newest, an unchanged value not applied again, nothing after dispose.
 */
import assert from 'node:assert/strict'
import { beforeEach, afterEach, mock, test } from 'node:test'
import { LatestThrottle } from '../../../../../main/core/tray/latest-throttle.js'

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }))
afterEach(() => mock.timers.reset())

test('the first value at once, the newest at the end of the interval, nothing in between', () => {
  const applied: string[] = []
  const throttle = new LatestThrottle<string>((v) => applied.push(v), 200)
  throttle.push('syncing')
  assert.deepEqual(applied, ['syncing'])
  throttle.push('up-to-date')
  throttle.push('syncing2')
  mock.timers.tick(199)
  assert.deepEqual(applied, ['syncing'])
  mock.timers.tick(1)
  assert.deepEqual(applied, ['syncing', 'syncing2'])
  mock.timers.tick(500)
  throttle.push('paused')
  assert.deepEqual(applied, ['syncing', 'syncing2', 'paused'])
})

test('a value equal to the one applied is not applied again, even after a change in between', () => {
  const applied: string[] = []
  const throttle = new LatestThrottle<string>((v) => applied.push(v), 200)
  throttle.push('a')
  throttle.push('b')
  throttle.push('a')
  mock.timers.tick(200)
  mock.timers.tick(1000)
  throttle.push('a')
  assert.deepEqual(applied, ['a'])
})

test('dispose drops what is pending and ignores what comes after', () => {
  const applied: string[] = []
  const throttle = new LatestThrottle<string>((v) => applied.push(v), 200)
  throttle.push('a')
  throttle.push('b')
  throttle.dispose()
  mock.timers.tick(1000)
  throttle.push('c')
  assert.deepEqual(applied, ['a'])
})
