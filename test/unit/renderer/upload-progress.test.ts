import assert from 'node:assert/strict'
import { test } from 'node:test'
import { commitLeg, forward, uploadBar } from '../../../renderer/lib/upload-progress.js'

const MB = 1024 * 1024

test('in the browser the bar counts both legs: sending to Pail, then saving to Bitbucket', () => {
  assert.deepEqual(uploadBar({ staging: { sent: 0, total: 24 * MB }, commit: null }), {
    percent: 0,
    words: 'Sending to Pail: 0 bytes of 24 MB',
  })
  // Half of the files sent is a quarter of the whole upload.
  assert.equal(uploadBar({ staging: { sent: 12 * MB, total: 24 * MB }, commit: null }).percent, 25)
  const saving = uploadBar({ staging: { sent: 24 * MB, total: 24 * MB }, commit: { sent: 12 * MB, total: 24 * MB } })
  assert.deepEqual(saving, { percent: 75, words: 'Saving to Bitbucket: 12 MB of 24 MB' })
  assert.equal(
    uploadBar({ staging: { sent: 24 * MB, total: 24 * MB }, commit: { sent: 24 * MB, total: 24 * MB } }).percent,
    100,
  )
})

test('on the desktop there is only the leg to Bitbucket', () => {
  assert.equal(uploadBar({ staging: null, commit: { sent: 6 * MB, total: 24 * MB } }).percent, 25)
  assert.equal(uploadBar({ staging: null, commit: null }).percent, 0)
})

test('the bar never goes past 100 nor below 0, whatever is reported', () => {
  const over = uploadBar({ staging: { sent: 50, total: 10 }, commit: { sent: 99, total: 10 } })
  assert.equal(over.percent, 100)
  assert.equal(uploadBar({ staging: { sent: -5, total: 10 }, commit: null }).percent, 0)
})

test('the leg to Bitbucket comes from an upload:progressed event', () => {
  assert.deepEqual(commitLeg({ bytesSent: 3, bytesTotal: 9 }), { sent: 3, total: 9 })
})

test("a first report of Bitbucket's leg without a total does not fill the bar", () => {
  const staged = { sent: 24 * MB, total: 24 * MB }
  assert.equal(uploadBar({ staging: staged, commit: { sent: 0, total: 0 } }).percent, 50)
  assert.equal(uploadBar({ staging: null, commit: { sent: 0, total: 0 } }).percent, 0)
})

test('the bar shown never moves back', () => {
  const at = (percent: number) => ({ percent, words: `${percent}` })
  assert.deepEqual(forward(null, at(10)), at(10))
  assert.deepEqual(forward(at(10), at(30)), at(30))
  assert.deepEqual(forward(at(60), at(58)), { percent: 60, words: '58' })
})
