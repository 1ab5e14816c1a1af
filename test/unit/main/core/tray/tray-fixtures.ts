/** Views and states for the tray's tests: one folder, history entries, a fixed clock and time zone. */
import type { FolderView, HistoryView } from '../../../../../shared/ipc/views.js'
import { timeFormatter, type TrayState } from '../../../../../main/core/tray/tray-state.js'

/** 2026-03-02 12:00 UTC, a Monday. */
export const NOW = Date.UTC(2026, 2, 2, 12, 0)
export const formatTime = timeFormatter('en-GB', 'UTC')

export function folder(change: Partial<FolderView> = {}): FolderView {
  return {
    id: '0123abcd',
    folder: '/home/alex/Team files',
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    pathInRepo: '',
    state: 'up-to-date',
    message: 'Up to date',
    paused: null,
    lastSyncAt: NOW - 60_000,
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

export function upload(id: string, time: number, change: Partial<HistoryView> = {}): HistoryView {
  return {
    id,
    time,
    folder: null,
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    files: [{ path: 'a.txt', operation: 'add', bytes: 3 }],
    outcome: 'committed',
    who: 'Alex',
    commit: { hash: id.padEnd(40, '0'), link: `https://bitbucket.org/pail-demo/handbook/commits/${id}` },
    error: null,
    note: null,
    ...change,
  }
}

/** A signed-in tray with `folders` and nothing else going on. */
export function signedIn(folders: TrayState['folders'] = [folder()], change: Partial<TrayState> = {}): TrayState {
  return {
    auth: 'signed-in',
    authReason: null,
    folders,
    pausedAll: false,
    recentUploads: [],
    formatTime,
    now: NOW,
    ...change,
  }
}
