/**
 * A folder's view: what the Folders screen says first when several things are true at once
 * (signed out, paused, everything paused, another process syncing, held, syncing), the hold's
 * choices from the engine, skips with their labels, and the links to Bitbucket.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { folderView, type FolderContext } from '../../../../../main/core/app/folder-view.js'
import type { SyncPair } from '../../../../../main/core/sync/pairs/sync-pair.js'
import type { Hold } from '../../../../../main/core/sync/pass/hold-store.js'
import type { PairStatus } from '../../../../../main/core/sync/service/status-store.js'

const pair: SyncPair = {
  id: '0123abcd',
  folder: '/home/alex/Team files',
  workspace: 'pail-demo',
  repository: 'handbook',
  branch: 'main',
  pathInRepo: 'team files',
  paused: null,
  createdAt: 0,
}
const status: PairStatus = {
  pairId: pair.id,
  state: 'up-to-date',
  message: 'Up to date',
  lastSyncAt: 1000,
  lastCommit: 'f'.repeat(40),
  skipped: [{ path: 'big.iso', reason: 'too-large', message: 'big.iso is too big for Bitbucket.' }],
  skippedCount: 3,
  nextAttemptAt: null,
}
const hold: Hold = {
  reason: 'mass-delete',
  message: 'Pail is holding back 120 deletions.',
  deletions: ['a.txt', 'b.txt'],
  heldAt: 5,
  resolution: null,
  resolvedAt: null,
}
const ctx: FolderContext = {
  webUrl: 'https://bitbucket.example/',
  now: 10_000,
  signedIn: true,
  pausedAll: false,
  blockedBy: null,
  passing: false,
  progress: null,
  conflicts: [],
}

test('the state a folder shows, most pressing first', () => {
  const held = { ...ctx, passing: true }
  assert.equal(folderView(pair, status, hold, { ...held, signedIn: false }).state, 'signed-out')
  assert.equal(folderView({ ...pair, paused: { until: null } }, status, hold, held).state, 'paused')
  assert.equal(folderView(pair, status, hold, { ...held, pausedAll: { until: 20_000 } }).state, 'paused')
  const blocked = folderView(pair, status, hold, { ...held, blockedBy: 'Another Pail on this computer is syncing.' })
  assert.equal(blocked.state, 'error')
  assert.equal(blocked.message, 'Another Pail on this computer is syncing.')
  assert.equal(folderView(pair, status, hold, held).state, 'held')
  assert.equal(folderView(pair, status, null, held).state, 'syncing')
  assert.equal(folderView(pair, status, null, ctx).state, 'up-to-date')
  assert.equal(
    folderView({ ...pair, paused: { until: 5_000 } }, status, null, ctx).state,
    'up-to-date',
    'a pause that ended',
  )
})

test('the hold with the engine’s choices, an answered hold no more; skips with labels; links', () => {
  const view = folderView(pair, status, hold, ctx)
  assert.deepEqual(view.hold, {
    reason: 'mass-delete',
    message: 'Pail is holding back 120 deletions.',
    files: ['a.txt', 'b.txt'],
    count: 2,
    choices: ['delete', 'restore'],
  })
  assert.equal(folderView(pair, status, { ...hold, resolution: 'restore', resolvedAt: 6 }, ctx).hold, null)
  assert.deepEqual(view.skipped, [
    { path: 'big.iso', reason: 'too-large', label: 'Too big', message: 'big.iso is too big for Bitbucket.' },
  ])
  assert.equal(view.skippedCount, 3)
  assert.equal(view.link, 'https://bitbucket.example/pail-demo/handbook/src/main/team%20files')
  assert.equal(view.lastCommit?.link, `https://bitbucket.example/pail-demo/handbook/commits/${'f'.repeat(40)}`)
  const sending = folderView(pair, status, null, {
    ...ctx,
    passing: true,
    progress: { bytesSent: 5, bytesTotal: 10, currentPath: 'a', filesDone: 3, filesTotal: 12 },
  })
  assert.deepEqual(sending.progress, { filesDone: 3, filesTotal: 12, bytesSent: 5, bytesTotal: 10 })
})
