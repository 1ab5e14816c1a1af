/**
 * An in-memory SecretStore for tests, recording the order of writes.
 */
import type { SecretStore } from '../../main/core/secrets/secret-store.js'

export class MemorySecretStore implements SecretStore {
  readonly description = 'memory (tests)'
  readonly values = new Map<string, string>()
  /** Every `set` and `delete`, in order, as "set key" / "delete key". */
  readonly writes: string[] = []

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null
  }

  async set(key: string, value: string): Promise<void> {
    this.writes.push(`set ${key}`)
    this.values.set(key, value)
  }

  async delete(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.writes.push(`delete ${key}`)
      this.values.delete(key)
    }
  }

  async keys(): Promise<string[]> {
    return [...this.values.keys()]
  }
}
