/**
 * Opens links in the user's browser, only http(s) to hosts Pail talks to (Electron security
 * checklist: validate before `shell.openExternal`).
 */
import { shell } from 'electron'
import type { Opener } from '../core/ports.js'

/** An Opener limited to the given origins (Bitbucket's web URL, the loopback callback). */
export function linkOpener(allowedOrigins: readonly string[]): Opener {
  return {
    async open(url) {
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        return false
      }
      if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !allowedOrigins.includes(parsed.origin))
        return false
      await shell.openExternal(parsed.toString())
      return true
    },
  }
}
