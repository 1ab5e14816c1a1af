/**
 * Applies the window policy (main/core/shell/window-policy.ts) to everything Electron creates:
 * every permission request and check of the default session refused (checklist #5), and for
 * every webContents — Pail's window or any other — navigation of the page and of its frames refused (#13), new windows refused
 * with links routed to the allow-listed opener (#14, #15), `<webview>` refused (#12). Called once,
 * before the first window.
 */
import { app, session, type Session } from 'electron'
import type { Opener } from '../core/ports.js'
import { mayGrantPermission, mayNavigate } from '../core/shell/window-policy.js'

/** Refuses every permission the pages of `target` ask for or check. */
export function refusePermissions(target: Session): void {
  target.setPermissionRequestHandler((_contents, permission, callback) => callback(mayGrantPermission(permission)))
  target.setPermissionCheckHandler((_contents, permission) => mayGrantPermission(permission))
}

/** Installs the policy app-wide; `opener` opens links the window asks to open (allow-listed). */
export function hardenApp(opener: Opener): void {
  refusePermissions(session.defaultSession)
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!mayNavigate(url)) event.preventDefault()
    })
    // The same for frames inside the page (will-navigate sees only the main frame).
    contents.on('will-frame-navigate', (event) => {
      if (!mayNavigate(event.url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!mayNavigate(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      void opener.open(url)
      return { action: 'deny' }
    })
  })
}
