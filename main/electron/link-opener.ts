/**
 * Opens links in the person's browser through the allow-list (main/core/shell/external-links.ts,
 * Electron security checklist #15): only pages of the Bitbucket the core talks to, whose web
 * address can change when the admin imports a provisioning file, so it is asked for each link.
 * `shell.openExternal` is called with the parser's serialisation, never the string as given.
 */
import { shell } from 'electron'
import type { Opener } from '../core/ports.js'
import { allowedLinkOrigins, externalLink } from '../core/shell/external-links.js'

/** An Opener for pages of the Bitbucket at `webUrl()` (null: not known yet, nothing opens). */
export function linkOpener(webUrl: () => Promise<string | null>): Opener {
  return {
    async open(url) {
      const web = await webUrl()
      const link = web ? externalLink(url, allowedLinkOrigins(web)) : null
      if (!link) return false
      await shell.openExternal(link)
      return true
    },
  }
}
