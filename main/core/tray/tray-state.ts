/**
 * What the tray shows, gathered from the contract's views (shared/ipc/views.ts) that the core
 * already pushes: the sign-in, the folders, the latest uploads and the settings. The tray
 * controller keeps the latest of each and rebuilds the menu from `trayStateFrom(…)`.
 */
import type { AuthState, FolderView, HistoryView, SettingsView } from '../../../shared/ipc/views.js'

/** How many uploads the tray lists. */
export const RECENT_UPLOADS = 5

/** One upload the tray lists: its words and the commit's page on Bitbucket. */
export interface RecentUpload {
  id: string
  label: string
  link: string
}

/** The tray's input: plain data, so the menu is a pure function of it. */
export interface TrayState {
  auth: AuthState['status']
  /** Why the person is signed out, when Pail knows (a refused renewal, a revoked sign-in). */
  authReason: string | null
  folders: readonly Pick<FolderView, 'id' | 'state' | 'message' | 'paused' | 'progress' | 'hold' | 'conflicts'>[]
  pausedAll: SettingsView['pausedAll']
  recentUploads: readonly RecentUpload[]
  /** How times are written ("15:00", "Tue 15:00"): the person's locale and time zone in the app. */
  formatTime: (epochMs: number, now: number) => string
  now: number
}

/** The views the tray is built from, as the core answers them. */
export interface TrayViews {
  auth: AuthState
  folders: readonly FolderView[]
  history: readonly HistoryView[]
  settings: Pick<SettingsView, 'pausedAll'>
  now: number
  /** Default: the system's locale and time zone. */
  formatTime?: TrayState['formatTime']
}

/**
 * Writes a time as the tray shows it: the hour alone today, with the weekday within a week, with
 * the date beyond. `locale` and `timeZone` default to the system's (tests pass their own).
 */
export function timeFormatter(locale?: string, timeZone?: string): TrayState['formatTime'] {
  const zone = timeZone ? { timeZone } : {}
  const hour = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone })
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'short', ...zone })
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...zone })
  const day = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...zone })
  return (epochMs, now) => {
    if (day.format(epochMs) === day.format(now)) return hour.format(epochMs)
    const within = Math.abs(epochMs - now) < 6 * 24 * 3600_000
    return `${within ? weekday.format(epochMs) : date.format(epochMs)} ${hour.format(epochMs)}`
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/** An upload as the tray lists it (where it went, how many files, when); only one that made a commit to open. */
function recentUpload(entry: HistoryView, now: number, formatTime: TrayState['formatTime']): RecentUpload | null {
  if (!entry.commit) return null
  return {
    id: entry.id,
    label: `${entry.repository}: ${plural(entry.files.length, 'file')}, ${formatTime(entry.time, now)}`,
    link: entry.commit.link,
  }
}

/** The tray's state from the core's views. */
export function trayStateFrom(views: TrayViews): TrayState {
  const formatTime = views.formatTime ?? timeFormatter()
  const recentUploads = [...views.history]
    .sort((a, b) => b.time - a.time)
    .map((entry) => recentUpload(entry, views.now, formatTime))
    .filter((upload) => upload !== null)
    .slice(0, RECENT_UPLOADS)
  return {
    auth: views.auth.status,
    authReason: views.auth.status === 'signed-out' || views.auth.status === 'expired' ? views.auth.reason : null,
    folders: views.folders,
    pausedAll: views.settings.pausedAll,
    recentUploads,
    formatTime,
    now: views.now,
  }
}

/**
 * The history the tray keeps after a `history:changed` event: the entry replaces the one with its
 * id (an upload moves from "uploading" to "committed") or joins the list; newest first, `max` kept.
 */
export function withHistoryEntry(history: readonly HistoryView[], entry: HistoryView, max = 20): HistoryView[] {
  return [entry, ...history.filter((e) => e.id !== entry.id)].sort((a, b) => b.time - a.time).slice(0, max)
}
