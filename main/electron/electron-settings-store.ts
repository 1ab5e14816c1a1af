/**
 * The desktop app's settings through electron-store, in the one settings file every Pail process
 * of this home shares: `<pail home>/settings.json` (electron-store's `cwd` is Pail's home, its
 * name `settings`), the same JSON object the CLI's and `pail serve`'s JsonSettingsStore keep.
 *
 * What JsonSettingsStore guarantees holds here too: changes are read-modify-write under the home's
 * `settings` lock (so the app and a `pail add` never lose each other's change), the file is
 * readable only by the person (0600), and a file that is damaged or fails the schema is handed to
 * JsonSettingsStore, which moves it aside and says so (one implementation of that, not two).
 */
import Store from 'electron-store'
import { JsonSettingsStore, settingsSchema } from '../core/settings/settings-store.js'
import type { SettingsData, SettingsStore } from '../core/settings/settings-store.js'
import { settingsFileOptions } from '../core/shell/settings-file.js'
import type { HomeLocks } from '../core/store/home-locks.js'
import type { StoreContext } from '../core/store/json-store.js'

export class ElectronSettingsStore implements SettingsStore {
  private store: Store<SettingsData> | null = null
  private readonly json: JsonSettingsStore

  constructor(
    private readonly home: string,
    private readonly context: StoreContext & { locks: HomeLocks },
  ) {
    this.json = new JsonSettingsStore(home, context)
  }

  /** electron-store, made on first use (it reads the file when made, and a damaged one throws). */
  private open(): Store<SettingsData> {
    this.store ??= new Store<SettingsData>(settingsFileOptions(this.home))
    return this.store
  }

  async read(): Promise<SettingsData> {
    try {
      const parsed = settingsSchema.safeParse(this.open().store)
      if (parsed.success) return parsed.data
    } catch {
      // Unreadable JSON: JsonSettingsStore finds it too, keeps a copy and starts afresh.
    }
    this.store = null
    return this.json.read()
  }

  async update(change: (data: SettingsData) => void): Promise<SettingsData> {
    return this.context.locks.withLock('settings', async () => {
      const data = { ...(await this.read()) }
      change(data)
      this.open().store = data
      return data
    })
  }
}
