/**
 * Electron's safeStorage as the SecretCipher of the desktop app's secret file. Must be created
 * after `app` is ready (safeStorage needs it on Linux).
 */
import { safeStorage } from 'electron'
import type { SecretCipher } from '../core/secrets/secret-store.js'
import { decideSecretStorage, type StorageDecision } from '../core/secrets/storage-policy.js'

/** What safeStorage offers here, under the policy; the caller shows a refusal to the user. */
export function secretStorageDecision(userAcceptedPlainText: boolean): StorageDecision {
  return decideSecretStorage({
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
    userAcceptedPlainText,
  })
}

export const safeStorageCipher: SecretCipher = {
  description: 'encrypted by your system keychain',
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (sealed) => safeStorage.decryptString(sealed),
}
