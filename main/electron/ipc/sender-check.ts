/**
 * Whether an IPC request comes from Pail's own window (Electron security checklist #17): the URL of
 * the frame that sent it, read with a real URL parser, must be one of the app's own pages — the
 * built window's index.html (compared by its whole path) or, for a window served over http, that
 * server's exact origin. A page the window was somehow navigated to, a frame inside it, or a
 * destroyed frame (no URL any more) is refused.
 */
import { pathToFileURL } from 'node:url'

/** Decides, from a sender frame's URL, whether it is the app's own window. */
export type SenderCheck = (frameUrl: string | null | undefined) => boolean

function parsed(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * The check for a window loaded from `rendererIndex` (the built index.html, a file path), plus any
 * `extraOrigins` (http origins of a development server).
 */
export function ownWindowCheck(rendererIndex: string, extraOrigins: readonly string[] = []): SenderCheck {
  const page = pathToFileURL(rendererIndex)
  const origins = new Set(extraOrigins.map((origin) => parsed(origin)?.origin).filter((o) => o !== undefined))
  return (frameUrl) => {
    const url = frameUrl ? parsed(frameUrl) : null
    if (!url) return false
    // file: URLs have no origin worth comparing ("null"): the page itself must be the app's.
    if (url.protocol === 'file:') return url.host === page.host && url.pathname === page.pathname
    return (url.protocol === 'http:' || url.protocol === 'https:') && origins.has(url.origin)
  }
}
