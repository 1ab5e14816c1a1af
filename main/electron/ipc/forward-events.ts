/**
 * Forwards the core's events to the window: each contract event is sent on its own channel to the
 * window's webContents, which the preload turns into `window.pail.onX` calls. Never sent to a
 * destroyed webContents (that throws in Electron): it is checked before every send, and when the
 * window's contents are destroyed forwarding stops and the core's listeners are removed.
 */
import type { WebContents } from 'electron'
import { eventNames } from '../../../shared/ipc/contract.js'
import type { AppEvents } from '../../core/app/index.js'

/** What forwarding needs of a window's webContents. */
export type WindowContents = Pick<WebContents, 'send' | 'isDestroyed' | 'once'>

/** Sends every core event to `target` while it lives; answers the function that stops forwarding. */
export function forwardEvents(events: AppEvents, target: WindowContents): () => void {
  const unsubscribes = eventNames.map((name) =>
    events.on(name, (payload) => {
      if (!target.isDestroyed()) target.send(name, payload)
    }),
  )
  let stopped = false
  const stop = (): void => {
    if (stopped) return
    stopped = true
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
  target.once('destroyed', stop)
  return stop
}
