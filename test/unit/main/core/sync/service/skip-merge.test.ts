import assert from 'node:assert/strict'
import { test } from 'node:test'
import { skippedPath } from '../../../../../../main/core/sync/local/skipped.js'
import { inScope, mergeSkips } from '../../../../../../main/core/sync/service/skip-merge.js'

const fifo = skippedPath('pipes/fifo', 'special')
const big = skippedPath('video.mov', 'too-large', '5 GB')
const locked = skippedPath('docs/locked.xlsx', 'unreadable', 'EACCES')

test('a full scan replaces the skips', () => {
  assert.deepEqual(mergeSkips({ skipped: [fifo, big], unlisted: 3 }, { skipped: [locked] }), {
    skipped: [locked],
    unlisted: 0,
  })
})

test('a partial scan keeps the skips outside its scope and replaces those inside it', () => {
  const previous = { skipped: [fifo, big, locked], unlisted: 0 }
  // The person fixed docs/locked.xlsx and a new link appeared in docs/: only docs/ was looked at.
  const link = skippedPath('docs/out', 'link-outside')
  assert.deepEqual(mergeSkips(previous, { skipped: [link], scope: ['docs'] }).skipped, [link, fifo, big])
  // Looking at one file leaves its neighbours' skips alone.
  assert.deepEqual(mergeSkips(previous, { skipped: [], scope: ['video.mov'] }).skipped, [locked, fifo])
  // A poll looks at no path: nothing changes.
  assert.deepEqual(mergeSkips(previous, { skipped: [], scope: [] }).skipped, [locked, fifo, big])
  // The same path skipped again for another reason is listed once, with the new reason.
  const changing = skippedPath('video.mov', 'changing')
  assert.deepEqual(mergeSkips(previous, { skipped: [changing], scope: ['video.mov'] }).skipped, [
    locked,
    fifo,
    changing,
  ])
})

test('skips counted but not listed by an earlier status are kept until a full scan', () => {
  assert.equal(mergeSkips({ skipped: [fifo], unlisted: 250 }, { skipped: [], scope: ['x'] }).unlisted, 250)
})

test('scope covers a path itself and everything under it, not its namesakes', () => {
  assert.equal(inScope('docs', ['docs']), true)
  assert.equal(inScope('docs/a/b.txt', ['docs']), true)
  assert.equal(inScope('docs-old/a.txt', ['docs']), false)
  assert.equal(inScope('a.txt', ['']), true)
  assert.equal(inScope('a.txt', []), false)
})
