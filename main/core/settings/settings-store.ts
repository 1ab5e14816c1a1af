/**
 * Pail's settings: one JSON object in `<pail home>/settings.json` — the same format electron-store
 * writes in the desktop app — checked on every read, replaced atomically, changed under the home's
 * `settings` lock. No secrets ever go here.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { syncPairSchema } from '../sync/pairs/sync-pair.js'
import { HomeLocks } from '../store/home-locks.js'
import { JsonStore, type StoreContext } from '../store/json-store.js'

/** The settings Pail knows; other keys (a newer Pail's, electron-store's own) are kept as they are. */
export const settingsSchema = z.looseObject({
  pairs: z.array(syncPairSchema).optional(),
  commitMessageTemplate: z.string().optional(),
})

export type SettingsData = z.infer<typeof settingsSchema>

/** Settings storage as the core sees it; the Electron shell may back it with electron-store. */
export interface SettingsStore {
  read(): Promise<SettingsData>
  /** Applies `change` to the current settings and saves them; writes are serialised. */
  update(change: (data: SettingsData) => void): Promise<SettingsData>
}

export class JsonSettingsStore implements SettingsStore {
  private readonly store: JsonStore<SettingsData>

  constructor(home: string, context: StoreContext = {}) {
    this.store = new JsonStore({
      file: join(home, 'settings.json'),
      schema: settingsSchema,
      empty: () => ({}),
      damage: {
        kind: 'reset',
        what: "Pail's settings",
        then: 'Folders you had paired need to be added again; nothing was uploaded or deleted.',
      },
      locks: context.locks ?? HomeLocks.for(home, context.logger),
      lockName: 'settings',
      ...(context.notices ? { notices: context.notices } : {}),
      ...(context.logger ? { logger: context.logger } : {}),
    })
  }

  read(): Promise<SettingsData> {
    return this.store.read()
  }

  update(change: (data: SettingsData) => void): Promise<SettingsData> {
    return this.store.update(change)
  }
}
