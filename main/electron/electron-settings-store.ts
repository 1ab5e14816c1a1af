/**
 * The desktop app's settings through electron-store: `settings.json` in the app's userData
 * folder, the same JSON object the headless JsonSettingsStore keeps in Pail's home.
 */
import Store from 'electron-store'
import type { SettingsData, SettingsStore } from '../core/settings/settings-store.js'

export class ElectronSettingsStore implements SettingsStore {
  private readonly store = new Store<SettingsData>({ name: 'settings' })

  async read(): Promise<SettingsData> {
    return { ...this.store.store }
  }

  async update(change: (data: SettingsData) => void): Promise<SettingsData> {
    const data = { ...this.store.store }
    change(data)
    this.store.store = data
    return data
  }
}
