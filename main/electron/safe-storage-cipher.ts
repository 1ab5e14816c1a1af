/**
 * Electron's safeStorage as the SecretCipher of the desktop app's secret file, and the facts the
 * storage policy needs of it. Use only after `app` is ready (safeStorage needs it on Linux).
 */
import { safeStorage } from 'electron'
import type { SecretCipher } from '../core/secrets/secret-store.js'
import type { StorageFacts } from '../core/secrets/storage-policy.js'

/** What safeStorage offers on this computer. */
export function safeStorageFacts(): Omit<StorageFacts, 'userAcceptedPlainText'> {
  return {
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
  }
}

export const safeStorageCipher: SecretCipher = {
  description: 'encrypted by your system keychain',
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (sealed) => safeStorage.decryptString(sealed),
}
