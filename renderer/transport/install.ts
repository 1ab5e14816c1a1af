/**
 * Makes sure the window has `window.pail`: the desktop app's preload has put it there already;
 * in a normal browser (`pail serve`) the browser client provides it.
 */
import type { RendererApi } from '../../shared/ipc/contract.js'
import { alwaysOpen, type Connection } from './connection.js'
import { browserDeps, createBrowserClient } from './browser-transport.js'

/** `window.pail` and whether its events are heard. */
export function installPail(win: Window): { api: RendererApi<File>; connection: Connection } {
  // The preload's object is frozen by contextBridge and never disconnects.
  if (win.pail !== undefined) return { api: win.pail, connection: alwaysOpen }
  const client = createBrowserClient(browserDeps(win))
  win.pail = client.api
  return client
}
