/**
 * A secret store that reads, lists and deletes as the one it wraps but refuses to save: the
 * desktop app when the person declined to keep the sign-in unprotected (no keyring). Signing out
 * still removes tokens; a sign-in made elsewhere (the CLI) still works; a new sign-in fails with
 * the refusal's own words instead of quietly writing a secret unprotected.
 */
import { AppError } from '../app/app-error.js'
import type { SecretStore } from './secret-store.js'

export function writeRefusingSecretStore(store: SecretStore, message: string): SecretStore {
  return {
    description: `${store.description} (Pail may not save a new sign-in here)`,
    get: (key) => store.get(key),
    keys: () => store.keys(),
    delete: (...keys) => store.delete(...keys),
    set: async () => {
      throw new AppError('secrets.unprotected-refused', message, 'Install or unlock a keyring, then start Pail again.')
    },
  }
}
