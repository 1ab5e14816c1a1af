/**
 * Where the tray icons are at run time: files on disk, never inside app.asar, so the platform's
 * tray can read them by path (macOS finds `@2x` beside a `…Template.png` by its name).
 *
 * The rule, from the package root (main/core/build-output.ts):
 * - run from the checkout (`npm start`, the Electron tests), the icons are where the icon script
 *   writes them, `build/tray/` beside package.json;
 * - in a packaged app the package root is `resources/app.asar` (or `resources/app` without asar),
 *   and electron-builder copies `build/tray/` to `resources/tray/` (electron-builder.yml
 *   `extraResources`). macOS spells the folder `Resources`.
 */
import { basename, dirname, join } from 'node:path'
import { packageRoot } from './build-output.js'

/** The tray icons' folder in the checkout, relative to the package root (electron-builder.yml `extraResources.from`). */
export const TRAY_ICON_SOURCE_DIR = 'build/tray'

/** The tray icons' folder in a packaged app, relative to its resources folder (`extraResources.to`). */
export const TRAY_ICON_RESOURCE_DIR = 'tray'

/** Whether `root` is the app inside a packaged app's resources folder. */
function isPackagedRoot(root: string): boolean {
  const name = basename(root)
  return (name === 'app.asar' || name === 'app') && basename(dirname(root)).toLowerCase() === 'resources'
}

/** The tray icons' folder for the package root `root`: the checkout's build/tray or a packaged app's resources/tray. */
export function trayIconDirFor(root: string): string {
  return isPackagedRoot(root) ? join(dirname(root), TRAY_ICON_RESOURCE_DIR) : join(root, TRAY_ICON_SOURCE_DIR)
}

/** The tray icons' folder of this Pail (pass it to `trayIconFile` in main/core/tray/tray-icon.ts). */
export function trayIconDir(): string {
  return trayIconDirFor(packageRoot())
}
