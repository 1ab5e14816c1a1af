/**
 * Where the desktop app's electron-store keeps settings: the same file as JsonSettingsStore,
 * `<pail home>/settings.json`, so the app, the CLI and `pail serve` share one settings file; 0600
 * like every file in Pail's home; a damaged file never silently emptied (JsonSettingsStore moves it
 * aside and says so); no file watcher (every read goes to the file, so another process's change is
 * seen at once).
 */

/** The options main/electron/electron-settings-store.ts gives electron-store. */
export interface SettingsFileOptions {
  cwd: string
  name: 'settings'
  fileExtension: 'json'
  configFileMode: number
  clearInvalidConfig: false
  watch: false
}

export function settingsFileOptions(home: string): SettingsFileOptions {
  return {
    cwd: home,
    name: 'settings',
    fileExtension: 'json',
    configFileMode: 0o600,
    clearInvalidConfig: false,
    watch: false,
  }
}
