/**
 * Pail's settings: one JSON object in `<pail home>/settings.json` — the same format electron-store
 * writes in the desktop app — read whole and replaced atomically. No secrets ever go here.
 */
import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../store/json-file.js'

export type SettingsData = Record<string, unknown>

/** Settings storage as the core sees it; the Electron shell may back it with electron-store. */
export interface SettingsStore {
  read(): Promise<SettingsData>
  /** Applies `change` to the current settings and saves them; writes are serialised. */
  update(change: (data: SettingsData) => void): Promise<SettingsData>
}

export class JsonSettingsStore implements SettingsStore {
  private readonly file: string
  private queue: Promise<unknown> = Promise.resolve()

  constructor(home: string) {
    this.file = join(home, 'settings.json')
  }

  read(): Promise<SettingsData> {
    return readJsonFile<SettingsData>(this.file, {})
  }

  update(change: (data: SettingsData) => void): Promise<SettingsData> {
    const run = this.queue.then(async () => {
      const data = await this.read()
      change(data)
      await writeJsonFile(this.file, data)
      return data
    })
    this.queue = run.catch(() => undefined)
    return run
  }
}
