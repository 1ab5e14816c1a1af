/**
 * The core's LaunchAtLoginPort on the desktop (main/core/shell/launch-at-login.ts says what):
 * macOS and Windows through `app.setLoginItemSettings`, Linux through the autostart entry, which
 * Electron's login items do not cover there.
 */
import { app } from 'electron'
import { access, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import type { LaunchAtLoginPort } from '../core/app/index.js'
import { writeFileAtomic } from '../core/fs/atomic-write.js'
import { autostartEntry, autostartFile, launchCommand, loginItemSettings } from '../core/shell/launch-at-login.js'

function linuxAutostart(): LaunchAtLoginPort {
  const file = autostartFile(process.env, homedir())
  return {
    get: () =>
      access(file).then(
        () => true,
        () => false,
      ),
    async set(enabled) {
      if (!enabled) return rm(file, { force: true })
      const command = launchCommand({
        execPath: process.execPath,
        isPackaged: app.isPackaged,
        appPath: app.getAppPath(),
        appImage: process.env.APPIMAGE,
      })
      // Desktop files are read by the session, not secret: readable like any other.
      await writeFileAtomic(file, autostartEntry(command), { mode: 0o644 })
    },
  }
}

/** Launch at login on this platform. */
export function desktopLaunchAtLogin(): LaunchAtLoginPort {
  if (process.platform === 'linux') return linuxAutostart()
  const settings = loginItemSettings(true)
  return {
    get: async () => app.getLoginItemSettings({ args: settings.args }).openAtLogin,
    set: async (enabled) => app.setLoginItemSettings(loginItemSettings(enabled)),
  }
}
