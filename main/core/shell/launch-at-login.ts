/**
 * Launch at login, as data: what the desktop shell registers with the system so Pail starts when
 * the person logs in — quietly, in the tray, without opening its window.
 *
 * macOS and Windows keep login items themselves (Electron's `app.setLoginItemSettings`); Linux has
 * no such API in Electron, so Pail writes a freedesktop autostart entry,
 * `~/.config/autostart/pail.desktop` (XDG_CONFIG_HOME when set), which every desktop that
 * follows the Desktop Application Autostart Specification starts at login.
 */
import { join } from 'node:path'

/** The argument a login start carries, so Pail starts in the tray without its window. */
export const STARTED_AT_LOGIN_ARG = '--started-at-login'

/** Whether this start came from the login item: then Pail stays in the tray. */
export function startedAtLogin(argv: readonly string[], openedAtLoginOnMac: boolean): boolean {
  return openedAtLoginOnMac || argv.includes(STARTED_AT_LOGIN_ARG)
}

/** What `app.setLoginItemSettings` is given (macOS, Windows). */
export function loginItemSettings(enabled: boolean): { openAtLogin: boolean; args: string[] } {
  return { openAtLogin: enabled, args: [STARTED_AT_LOGIN_ARG] }
}

/** What starts Pail: the AppImage when it runs as one, the app's binary, or Electron with the app's folder (development). */
export function launchCommand(facts: {
  execPath: string
  isPackaged: boolean
  appPath: string
  appImage: string | undefined
}): string[] {
  if (facts.appImage) return [facts.appImage]
  return facts.isPackaged ? [facts.execPath] : [facts.execPath, facts.appPath]
}

/** Where the Linux autostart entry goes. */
export function autostartFile(env: NodeJS.ProcessEnv, homeDir: string): string {
  const config = env.XDG_CONFIG_HOME?.trim() || join(homeDir, '.config')
  return join(config, 'autostart', 'pail.desktop')
}

/**
 * One argument of an `Exec` key: quoted, with the characters the Desktop Entry Specification
 * reserves inside quotes escaped, then the backslashes escaped again for the string value, and
 * `%` doubled (it starts a field code).
 */
function execArgument(arg: string): string {
  const quoted = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%')
}

/** The autostart entry that starts `command` (from `launchCommand`) at login, in the tray. */
export function autostartEntry(command: readonly string[]): string {
  const exec = [...command, STARTED_AT_LOGIN_ARG].map(execArgument).join(' ')
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Pail',
    'Comment=Keeps your folders in sync with Bitbucket',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}
