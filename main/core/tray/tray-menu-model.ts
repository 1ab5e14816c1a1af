/**
 * The tray's menu as data, a pure function of the tray's state (main/core/tray/tray-state.ts):
 * a status line, Sync now, the pause items or Resume, Upload files…, Open Pail, the last uploads
 * (each opening its commit on Bitbucket), Sign in… or Sign out, Quit; with the tooltip and which
 * icon to show. main/electron/tray/tray-controller.ts only turns it into Electron's Menu.
 */
import type { TrayIconState } from './tray-icon.js'
import type { TrayState } from './tray-state.js'

/** What choosing an item does; tray-commands.ts says how. */
export type TrayActionId =
  | 'sync-now'
  | 'pause-hour'
  | 'pause-until-resumed'
  | 'resume'
  | 'upload'
  | 'open-window'
  | 'open-commit'
  | 'sign-in'
  | 'cancel-sign-in'
  | 'sign-out'
  | 'quit'

/** One entry of the menu. */
export interface TrayMenuItem {
  id: string
  type: 'normal' | 'separator'
  label: string
  enabled: boolean
  /** null for the status line, headings and separators. */
  action: TrayActionId | null
  /** The page `open-commit` opens. */
  link?: string
}

/** The menu, the tooltip and the icon, as the tray controller applies them. */
export interface TrayMenu {
  items: TrayMenuItem[]
  tooltip: string
  icon: TrayIconState
}

/** Windows cuts tray tooltips at 127 characters (NOTIFYICONDATA's szTip is 128 with its NUL). */
const TOOLTIP_MAX = 127
/** A status line longer than this is cut: the menu is not the place for a paragraph. */
const LABEL_MAX = 64

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

function cut(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`
}

/** Bytes in the units people read: "640 KB", "4.2 MB". */
function sizeWords(bytes: number): string {
  if (bytes < 1000 * 1000) return `${Math.max(1, Math.round(bytes / 1000))} KB`
  if (bytes < 1000 ** 3) return `${(bytes / 1000 ** 2).toFixed(1)} MB`
  return `${(bytes / 1000 ** 3).toFixed(1)} GB`
}

/** What the status line says and which icon goes with it, most pressing first; `detail` goes in the tooltip. */
export function trayStatus(state: TrayState): { icon: TrayIconState; label: string; detail: string | null } {
  const { folders } = state
  if (state.auth === 'waiting-for-browser')
    return { icon: 'signed-out', label: 'Waiting for you to sign in, in your browser…', detail: null }
  if (state.auth !== 'signed-in')
    return {
      icon: 'signed-out',
      label: state.auth === 'expired' ? 'Signed out: sign in again to keep syncing' : 'Not signed in',
      detail: state.authReason,
    }
  if (state.pausedAll)
    return {
      icon: 'paused',
      label:
        state.pausedAll.until === null
          ? 'Paused until you resume'
          : `Paused until ${state.formatTime(state.pausedAll.until, state.now)}`,
      detail: null,
    }
  if (folders.length === 0) return { icon: 'up-to-date', label: 'No folders synced yet', detail: null }
  const failing = folders.filter((f) => f.state === 'error')
  if (failing.length > 0)
    return {
      icon: 'error',
      label: `Not syncing: ${plural(failing.length, 'folder')} with a problem`,
      detail: failing[0]!.message,
    }
  const conflicts = folders.reduce((sum, f) => sum + f.conflicts.length, 0)
  const held = folders.filter((f) => f.state === 'held' || f.hold !== null).length
  if (conflicts + held > 0) {
    const parts = [
      ...(conflicts > 0 ? [plural(conflicts, 'conflict')] : []),
      ...(held > 0 ? [`${plural(held, 'folder')} waiting for you`] : []),
    ]
    return { icon: 'attention', label: `Needs attention: ${parts.join(', ')}`, detail: 'Open Pail to see what to do.' }
  }
  const syncing = folders.filter((f) => f.state === 'syncing')
  if (syncing.length > 0) return { icon: 'syncing', label: syncingLabel(syncing), detail: null }
  const paused = folders.filter((f) => f.state === 'paused').length
  if (paused === folders.length)
    return { icon: 'paused', label: `Paused: ${paused === 1 ? 'the folder' : `all ${paused} folders`}`, detail: null }
  return {
    icon: 'up-to-date',
    label: `Up to date · ${plural(folders.length, 'folder')}${paused > 0 ? `, ${paused} paused` : ''}`,
    detail: null,
  }
}

/** "Syncing 3 of 12 files…" when the files are counted, else the bytes, else just "Syncing…". */
function syncingLabel(syncing: TrayState['folders']): string {
  let filesDone = 0
  let filesTotal = 0
  let bytesSent = 0
  let bytesTotal = 0
  for (const { progress } of syncing) {
    if (!progress) continue
    filesDone += progress.filesDone
    filesTotal += progress.filesTotal
    bytesSent += progress.bytesSent
    bytesTotal += progress.bytesTotal
  }
  if (filesTotal > 0) return `Syncing ${filesDone} of ${plural(filesTotal, 'file')}…`
  if (bytesTotal > 0) return `Syncing ${sizeWords(bytesSent)} of ${sizeWords(bytesTotal)}…`
  return syncing.length === 1 ? 'Syncing…' : `Syncing ${syncing.length} folders…`
}

function item(id: string, label: string, action: TrayActionId | null, enabled = true): TrayMenuItem {
  return { id, type: 'normal', label, enabled, action }
}

function separator(id: string): TrayMenuItem {
  return { id, type: 'separator', label: '', enabled: false, action: null }
}

/** The tray's menu, tooltip and icon for `state`. */
export function trayMenuModel(state: TrayState): TrayMenu {
  const status = trayStatus(state)
  const isSignedIn = state.auth === 'signed-in'
  const canSync = isSignedIn && !state.pausedAll && state.folders.some((f) => f.paused === null)
  const items: TrayMenuItem[] = [
    item('status', cut(status.label, LABEL_MAX), null, false),
    separator('separator-sync'),
    item('sync-now', 'Sync now', 'sync-now', canSync),
    ...(state.pausedAll
      ? [item('resume', 'Resume', 'resume')]
      : [
          item('pause-hour', 'Pause for 1 hour', 'pause-hour', isSignedIn),
          item('pause-until-resumed', 'Pause until I resume', 'pause-until-resumed', isSignedIn),
        ]),
    separator('separator-window'),
    item('upload', 'Upload files…', 'upload', isSignedIn),
    item('open-window', 'Open Pail', 'open-window'),
  ]
  if (state.recentUploads.length > 0) {
    items.push(separator('separator-recent'), item('recent-heading', 'Recent uploads', null, false))
    for (const upload of state.recentUploads)
      items.push({ ...item(`recent-${upload.id}`, cut(upload.label, LABEL_MAX), 'open-commit'), link: upload.link })
  }
  items.push(separator('separator-account'))
  if (state.auth === 'signed-in') items.push(item('sign-out', 'Sign out', 'sign-out'))
  else if (state.auth === 'waiting-for-browser') items.push(item('cancel-sign-in', 'Cancel sign-in', 'cancel-sign-in'))
  else items.push(item('sign-in', 'Sign in…', 'sign-in'))
  items.push(item('quit', 'Quit', 'quit'))
  return { items, tooltip: tooltipOf(status.label, status.detail), icon: status.icon }
}

/** The status, and on a second line the detail when it fits. */
function tooltipOf(label: string, detail: string | null): string {
  const first = cut(`Pail: ${label}`, TOOLTIP_MAX)
  const room = TOOLTIP_MAX - first.length - 1
  return detail && room > 1 ? `${first}\n${cut(detail, room)}` : first
}
