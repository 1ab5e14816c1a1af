/**
 * The window's screens and their addresses: `#/folders`, `#/folders?add=workspace/slug`. The hash
 * keeps every screen a plain link (the navigation is links), works from `file:` in the desktop
 * app and from `pail serve` alike, and survives a reload.
 */

/** The screens of the signed-in window, in the navigation's order. */
export const screens = ['account', 'repositories', 'folders', 'history', 'upload', 'settings'] as const
/** Screens reached by their links only, not in the navigation: the admin's check of an OAuth consumer. */
export const linkedScreens = ['admin-check'] as const
/** A screen's name, as the address writes it. */
export type Screen = (typeof screens)[number] | (typeof linkedScreens)[number]

/** The navigation's words for each screen. */
export const screenLabels: Record<Screen, string> = {
  account: 'Account',
  repositories: 'Repositories',
  folders: 'Folders',
  history: 'History',
  upload: 'Upload',
  settings: 'Settings',
  'admin-check': 'Check a Bitbucket consumer',
}

/** A screen and what the address adds to it (a repository to start with, a folder to show). */
export interface Route {
  screen: Screen | null
  params: URLSearchParams
}

/** `#/folders?add=a/b` → the folders screen with `add=a/b`; anything unknown is no screen (the default). */
export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, '')
  const [name = '', query = ''] = body.split('?', 2)
  const screen = ([...screens, ...linkedScreens] as readonly string[]).includes(name) ? (name as Screen) : null
  return { screen, params: new URLSearchParams(query) }
}

/** The address of a screen, with parameters. */
export function routeHref(screen: Screen, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString()
  return `#/${screen}${query ? `?${query}` : ''}`
}
