/**
 * The tray's state from the core's views: the sign-in and its reason, the folders and the pause
 * as they are, the five newest committed uploads (failed ones and ones without a commit left out),
 * and the history kept across `history:changed` events.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AuthState } from '../../../../../shared/ipc/views.js'
import { timeFormatter, trayStateFrom, withHistoryEntry } from '../../../../../main/core/tray/tray-state.js'
import { folder, formatTime, NOW, upload } from './tray-fixtures.js'

const signedOut: AuthState = { status: 'signed-out', reason: 'Bitbucket no longer accepts the sign-in.' }
const HOUR = 3600_000

test('the sign-in, its reason, the folders and the pause come through', () => {
  const folders = [folder()]
  const state = trayStateFrom({
    auth: signedOut,
    folders,
    history: [],
    settings: { pausedAll: { until: 5 } },
    now: NOW,
    formatTime,
  })
  assert.equal(state.auth, 'signed-out')
  assert.equal(state.authReason, 'Bitbucket no longer accepts the sign-in.')
  assert.equal(state.folders, folders)
  assert.deepEqual(state.pausedAll, { until: 5 })
  const waiting = trayStateFrom({
    auth: { status: 'waiting-for-browser', authorizationUrl: 'https://bitbucket.org/x', startedAt: 1 },
    folders: [],
    history: [],
    settings: { pausedAll: false },
    now: NOW,
  })
  assert.equal(waiting.authReason, null)
  assert.equal(
    trayStateFrom({
      auth: { status: 'expired', reason: 'Revoked.', account: { displayName: 'A', kindWords: 'b' } },
      folders: [],
      history: [],
      settings: { pausedAll: false },
      now: NOW,
    }).authReason,
    'Revoked.',
  )
})

test('recent uploads: the five newest with a commit, labelled with the repository, the file count and the time', () => {
  const history = [
    upload('a', NOW - 7 * HOUR),
    upload('failed', NOW - 1 * HOUR, { outcome: 'failed', commit: null }),
    upload('b', NOW - 2 * HOUR, {
      files: [
        { path: 'x', operation: 'add', bytes: 1 },
        { path: 'y', operation: 'delete', bytes: 0 },
      ],
    }),
    upload('c', NOW - 3 * HOUR),
    upload('uploading', NOW - 60_000, { outcome: 'uploading', commit: null }),
    upload('d', NOW - 4 * HOUR),
    upload('e', NOW - 5 * HOUR),
    upload('f', NOW - 6 * HOUR),
    upload('old', NOW - 30 * 24 * HOUR, { repository: 'notes' }),
  ]
  const state = trayStateFrom({
    auth: signedOut,
    folders: [],
    history,
    settings: { pausedAll: false },
    now: NOW,
    formatTime,
  })
  assert.deepEqual(
    state.recentUploads.map((u) => u.id),
    ['b', 'c', 'd', 'e', 'f'],
  )
  assert.deepEqual(state.recentUploads[0], {
    id: 'b',
    label: 'handbook: 2 files, 10:00',
    link: 'https://bitbucket.org/pail-demo/handbook/commits/b',
  })
  assert.equal(state.recentUploads[1]!.label, 'handbook: 1 file, 09:00')
  const older = trayStateFrom({
    auth: signedOut,
    folders: [],
    history: [history.at(-1)!],
    settings: { pausedAll: false },
    now: NOW,
    formatTime,
  })
  assert.equal(older.recentUploads[0]!.label, 'notes: 1 file, 31 Jan 12:00')
})

test('times: the hour today, the weekday within a week, the date beyond, in the given zone', () => {
  const format = timeFormatter('en-GB', 'UTC')
  assert.equal(format(Date.UTC(2026, 2, 2, 15, 0), NOW), '15:00')
  assert.equal(format(Date.UTC(2026, 2, 1, 9, 5), NOW), 'Sun 09:05')
  assert.equal(format(Date.UTC(2026, 2, 20, 9, 5), NOW), '20 Mar 09:05')
  // Another zone moves the day: 23:30 UTC on the 2nd is the 3rd in Berlin.
  assert.equal(timeFormatter('en-GB', 'Europe/Berlin')(Date.UTC(2026, 2, 2, 23, 30), NOW), 'Tue 00:30')
})

test('history across events: an entry replaces the one with its id, newest first, at most max kept', () => {
  const first = upload('a', 1, { outcome: 'uploading', commit: null })
  let history = withHistoryEntry([], first)
  history = withHistoryEntry(history, upload('b', 2))
  history = withHistoryEntry(history, upload('a', 1))
  assert.deepEqual(
    history.map((e) => [e.id, e.outcome]),
    [
      ['b', 'committed'],
      ['a', 'committed'],
    ],
  )
  assert.deepEqual(
    withHistoryEntry(history, upload('c', 3), 2).map((e) => e.id),
    ['c', 'b'],
  )
})
