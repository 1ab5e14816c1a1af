/**
 * Feeds the core's events into the notification model (notification-model.ts) and hands each
 * notification it decides on to the shell: the desktop shows them with Electron's `Notification`
 * (main/electron/notifications.ts). Holds only the last sign-in, folders and setting it was told.
 */
import type { AuthState, FolderView } from '../../../shared/ipc/views.js'
import type { AppEvents } from '../app/events.js'
import { decideNotifications, nothingTold, type NotifyMemory, type PailNotification } from './notification-model.js'

/** Where the feed starts from: what the core says now (its first events went out before anyone listened). */
export interface NotifyStart {
  auth: AuthState
  folders: readonly FolderView[]
  enabled: boolean
}

/**
 * Listens to `events` and calls `show` with every notification to show; answers the function
 * that stops listening. What is already there at the start is told once, as it would be when it appears.
 */
export function feedNotifications(
  events: AppEvents,
  start: NotifyStart,
  show: (notification: PailNotification) => void,
): () => void {
  let memory: NotifyMemory = nothingTold
  let auth: AuthState | null = start.auth
  let folders: readonly FolderView[] = start.folders
  let enabled = start.enabled
  const decide = (): void => {
    const decided = decideNotifications(memory, { auth, folders, enabled })
    memory = decided.memory
    for (const notification of decided.notifications) show(notification)
  }
  const stops = [
    events.on('auth:changed', (state) => {
      auth = state
      decide()
    }),
    events.on('folders:changed', (views) => {
      folders = views
      decide()
    }),
    events.on('settings:changed', (settings) => {
      enabled = settings.notifications
    }),
  ]
  decide()
  return () => {
    for (const stop of stops) stop()
  }
}
