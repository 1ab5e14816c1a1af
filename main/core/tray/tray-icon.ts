/**
 * The tray's icon states and which file shows each on which platform (style-anchors.md §6): macOS
 * takes template images (`<state>Template.png`, its `@2x` found beside it by Electron), Windows
 * ICO files, Linux PNGs (with `@2x`). build/icons/make-icons.ts draws exactly these files.
 */
import { join } from 'node:path'

/** The six states the tray icon shows, most pressing last. */
export const TRAY_ICON_STATES = ['signed-out', 'up-to-date', 'syncing', 'paused', 'attention', 'error'] as const

export type TrayIconState = (typeof TRAY_ICON_STATES)[number]

/** The file for `state` on `platform` (`process.platform`) in the folder of tray icons. */
export function trayIconFile(iconDir: string, state: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return join(iconDir, `${state}Template.png`)
  if (platform === 'win32') return join(iconDir, `${state}.ico`)
  return join(iconDir, `${state}.png`)
}
