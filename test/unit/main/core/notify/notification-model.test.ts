/**
 * Which notifications Pail shows: one per thing that needs a person, when it appears, grouped per
 * folder, with the screen a click opens; nothing for routine syncs; nothing with the setting off.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AccountView, AuthState, FolderView } from '../../../../../shared/ipc/views.js'
import { AppEventBus } from '../../../../../main/core/app/events.js'
import { feedNotifications } from '../../../../../main/core/notify/notification-feed.js'
import {
  decideNotifications,
  folderName,
  MAX_FOLDER_NOTIFICATIONS,
  nothingTold,
  REPEATED_FAILURES,
  type NotifyInput,
  type NotifyMemory,
  type PailNotification,
} from '../../../../../main/core/notify/notification-model.js'

const account: AccountView = {
  displayName: 'Alex',
  nickname: 'alex',
  kind: 'oauth',
  kindWords: 'your Bitbucket account, in the browser',
  permissions: [],
  features: [],
  renewedAt: null,
  expiresAt: null,
}
const signedIn: AuthState = { status: 'signed-in', account }

function folder(id: string, change: Partial<FolderView> = {}): FolderView {
  return {
    id,
    folder: `/home/alex/Folder ${id}`,
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    pathInRepo: '',
    state: 'up-to-date',
    message: 'Up to date',
    paused: null,
    lastSyncAt: 1,
    lastCommit: null,
    nextAttemptAt: null,
    progress: null,
    hold: null,
    conflicts: [],
    skipped: [],
    skippedCount: 0,
    link: 'https://bitbucket.org/pail-demo/handbook/src/main/',
    ...change,
  }
}

const held = (id: string): FolderView =>
  folder(id, {
    state: 'held',
    hold: {
      reason: 'mass-delete',
      message: 'Pail is holding back 120 deletions until you say.',
      files: ['a.txt'],
      count: 120,
      choices: ['delete', 'restore'],
    },
  })
const conflicted = (id: string, paths: string[]): FolderView =>
  folder(id, { conflicts: paths.map((path) => ({ path, copy: `${path} (conflict)` })) })
const failing = (id: string, retryAt: number): FolderView =>
  folder(id, {
    state: 'error',
    message: 'Bitbucket did not answer. Pail tries again at 10:05.',
    nextAttemptAt: retryAt,
  })

/** Runs the model over successive inputs; answers what each step showed. */
function run(steps: Partial<NotifyInput>[], memory: NotifyMemory = nothingTold): PailNotification[][] {
  const shown: PailNotification[][] = []
  for (const step of steps) {
    const decided = decideNotifications(memory, { auth: signedIn, folders: [], enabled: true, ...step })
    memory = decided.memory
    shown.push(decided.notifications)
  }
  return shown
}

test('routine syncs tell nothing: up to date, syncing, up to date again', () => {
  const shown = run([
    { folders: [folder('a')] },
    {
      folders: [
        folder('a', { state: 'syncing', progress: { filesDone: 0, filesTotal: 3, bytesSent: 1, bytesTotal: 9 } }),
      ],
    },
    { folders: [folder('a', { lastSyncAt: 2 })] },
  ])
  assert.deepEqual(shown, [[], [], []])
})

test('a conflict is told once, on the folders screen, and not again while it stays', () => {
  const shown = run([
    { folders: [folder('a')] },
    { folders: [conflicted('a', ['x.txt'])] },
    { folders: [conflicted('a', ['x.txt'])] },
  ])
  assert.equal(shown[1]?.length, 1)
  const [told] = shown[1] ?? []
  assert.equal(told?.key, 'folder:a')
  assert.equal(told?.screen, '#/folders')
  assert.equal(told?.title, 'Folder a needs you')
  assert.match(told?.body ?? '', /1 file was changed here and in Bitbucket; both versions are kept/)
  assert.deepEqual(shown[2], [])
})

test('a second conflict in the same folder is told; one going away is not', () => {
  const shown = run([
    { folders: [conflicted('a', ['x.txt'])] },
    { folders: [conflicted('a', ['x.txt', 'y.txt'])] },
    { folders: [conflicted('a', ['y.txt'])] },
  ])
  assert.equal(shown[0]?.length, 1)
  assert.match(shown[1]?.[0]?.body ?? '', /2 files were changed/)
  assert.deepEqual(shown[2], [])
})

test('a held deletion is told with its message; a conflict and a hold in one folder make one notification', () => {
  const both = { ...held('a'), conflicts: [{ path: 'x.txt', copy: 'x (conflict).txt' }] }
  const [first] = run([{ folders: [both] }])
  assert.equal(first?.length, 1)
  assert.match(first?.[0]?.body ?? '', /both versions are kept\. Pail is holding back 120 deletions until you say\./)
  const [holdOnly] = run([{ folders: [held('b')] }])
  assert.equal(holdOnly?.[0]?.key, 'folder:b')
  assert.match(holdOnly?.[0]?.body ?? '', /holding back 120 deletions/)
})

test('failures are told only when they keep coming back, and the same failure seen again is not a new one', () => {
  const steps: Partial<NotifyInput>[] = []
  for (let i = 1; i < REPEATED_FAILURES; i++) steps.push({ folders: [failing('a', 1000 * i)] })
  // The same retry time again (a folders push between attempts) is not another failure.
  steps.push({ folders: [failing('a', 1000 * (REPEATED_FAILURES - 1))] })
  steps.push({ folders: [folder('a', { state: 'syncing' })] })
  steps.push({ folders: [failing('a', 1000 * REPEATED_FAILURES)] })
  steps.push({ folders: [failing('a', 1000 * (REPEATED_FAILURES + 1))] })
  const shown = run(steps)
  const told = shown.flat()
  assert.equal(told.length, 1, 'told once')
  assert.deepEqual(shown[REPEATED_FAILURES + 1]?.length, 1, 'on the third distinct failure')
  assert.match(told[0]?.body ?? '', /Bitbucket did not answer/)
})

test('a success resets the run of failures', () => {
  const shown = run([
    { folders: [failing('a', 1)] },
    { folders: [failing('a', 2)] },
    { folders: [folder('a')] },
    { folders: [failing('a', 3)] },
    { folders: [failing('a', 4)] },
  ])
  assert.deepEqual(shown.flat(), [])
})

test('signed out by Bitbucket is told on the account screen, with the reason; folders say nothing then', () => {
  const expired: AuthState = {
    status: 'expired',
    reason: 'Bitbucket no longer accepts this sign-in.',
    account: { displayName: 'Alex', kindWords: 'your Bitbucket account' },
  }
  const shown = run([
    { folders: [folder('a')] },
    { auth: expired, folders: [held('a')] },
    { auth: expired, folders: [held('a')] },
  ])
  assert.deepEqual(shown[0], [])
  assert.equal(shown[1]?.length, 1)
  assert.equal(shown[1]?.[0]?.screen, '#/account')
  assert.match(shown[1]?.[0]?.body ?? '', /^Bitbucket no longer accepts this sign-in\. Open Pail to sign in again\.$/)
  assert.deepEqual(shown[2], [])
})

test('signing out on purpose (no reason) and waiting for the browser tell nothing', () => {
  const shown = run([
    { auth: { status: 'signed-out', reason: null } },
    {
      auth: {
        status: 'waiting-for-browser',
        authorizationUrl: 'https://bitbucket.org/site/oauth2/authorize',
        startedAt: 1,
      },
    },
  ])
  assert.deepEqual(shown, [[], []])
})

test('a missing permission for Pail’s work is told with the advice; one for a name only is not', () => {
  const missing = (feature: 'sync' | 'identify'): AuthState => ({
    status: 'signed-in',
    account: {
      ...account,
      features: [
        {
          feature,
          label: feature,
          ready: false,
          missing: [{ id: 'repository:write', label: 'Repositories: Write', description: 'write' }],
          advice: 'Ask your admin to add Repositories: Write to the consumer.',
        },
      ],
    },
  })
  const [sync] = run([{ auth: missing('sync') }])
  assert.equal(sync?.[0]?.screen, '#/account')
  assert.match(sync?.[0]?.body ?? '', /Repositories: Write/)
  assert.deepEqual(run([{ auth: missing('identify') }]), [[]])
})

test('each folder gets its own notification; many at once make one', () => {
  const [two] = run([{ folders: [held('a'), conflicted('b', ['x'])] }])
  assert.deepEqual(
    two?.map((n) => n.key),
    ['folder:a', 'folder:b'],
  )
  const many = Array.from({ length: MAX_FOLDER_NOTIFICATIONS + 1 }, (_v, i) => held(String(i)))
  const [one] = run([{ folders: many }])
  assert.equal(one?.length, 1)
  assert.equal(one?.[0]?.title, `${MAX_FOLDER_NOTIFICATIONS + 1} folders need you`)
  assert.equal(one?.[0]?.screen, '#/folders')
})

test('with the setting off nothing is shown, and turning it on again does not replay what was seen', () => {
  const shown = run([
    { folders: [held('a')], enabled: false },
    { folders: [held('a')], enabled: true },
    { folders: [held('a'), conflicted('b', ['x'])], enabled: true },
  ])
  assert.deepEqual(shown[0], [])
  assert.deepEqual(shown[1], [])
  assert.deepEqual(
    shown[2]?.map((n) => n.key),
    ['folder:b'],
  )
})

test('a folder removed and added again with the same trouble is told again', () => {
  const shown = run([{ folders: [held('a')] }, { folders: [] }, { folders: [held('a')] }])
  assert.deepEqual(
    shown.map((s) => s.length),
    [1, 0, 1],
  )
})

test('folder names come from the last part of the path on any platform', () => {
  assert.equal(folderName('/home/alex/Team files/'), 'Team files')
  assert.equal(folderName('C:\\Users\\alex\\Reports'), 'Reports')
})

test('the feed tells what is there at the start, then what the events bring, and follows the setting', () => {
  const events = new AppEventBus()
  const shown: PailNotification[] = []
  const stop = feedNotifications(events, { auth: signedIn, folders: [held('a')], enabled: true }, (n) => shown.push(n))
  assert.deepEqual(
    shown.map((n) => n.key),
    ['folder:a'],
  )
  events.emit('folders:changed', [held('a'), conflicted('b', ['x'])])
  assert.deepEqual(
    shown.map((n) => n.key),
    ['folder:a', 'folder:b'],
  )
  events.emit('settings:changed', {
    launchAtLogin: null,
    notifications: false,
    commitMessageTemplate: '',
    pausedAll: false,
  })
  events.emit('folders:changed', [held('a'), conflicted('b', ['x']), held('c')])
  assert.equal(shown.length, 2, 'nothing while turned off')
  stop()
  assert.equal(events.listenerCount('folders:changed'), 0)
})
