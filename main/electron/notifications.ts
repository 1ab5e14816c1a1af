/**
 * Shows the notifications the core's model decides on (main/core/notify/) with Electron's
 * `Notification`, and opens the screen each names when clicked. Nothing here decides what to
 * show. A notification for the same subject (a folder, the account) replaces the one before it;
 * each is kept referenced until closed, or its click handler could be collected while it is on
 * screen.
 */
import { Notification } from 'electron'
import type { AppEvents } from '../core/app/index.js'
import type { Logger } from '../core/log/logger.js'
import { feedNotifications, type NotifyStart } from '../core/notify/notification-feed.js'
import type { PailNotification } from '../core/notify/notification-model.js'

/** Starts showing notifications; answers the function that stops it and closes those on screen. */
export function showNotifications(
  events: AppEvents,
  start: NotifyStart,
  openScreen: (screen: PailNotification['screen']) => void,
  logger: Logger,
): () => void {
  const shown = new Map<string, Notification>()
  const show = (told: PailNotification): void => {
    if (!Notification.isSupported()) {
      logger.info('notify.unsupported', { key: told.key })
      return
    }
    shown.get(told.key)?.close()
    const notification = new Notification({ title: told.title, body: told.body, silent: false })
    notification.on('click', () => openScreen(told.screen))
    notification.on('close', () => {
      if (shown.get(told.key) === notification) shown.delete(told.key)
    })
    shown.set(told.key, notification)
    notification.show()
    logger.info('notify.shown', { key: told.key, screen: told.screen })
  }
  const stop = feedNotifications(events, start, show)
  return () => {
    stop()
    for (const notification of shown.values()) notification.close()
    shown.clear()
  }
}
