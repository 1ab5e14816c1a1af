/**
 * Whether the desktop app may keep secrets with the OS encryption it found. On Linux without a
 * keyring, Electron's safeStorage falls back to a hard-coded key ('basic_text'), which is no
 * encryption at all: Pail refuses it unless the user accepts it knowingly (DESIGN.md §3,
 * style-anchors.md §7.2).
 */

export interface StorageFacts {
  platform: NodeJS.Platform
  encryptionAvailable: boolean
  /** Electron's `safeStorage.getSelectedStorageBackend()` on Linux; null elsewhere. */
  linuxBackend: string | null
  userAcceptedPlainText: boolean
}

export type StorageDecision = { kind: 'encrypted' } | { kind: 'plain-accepted' } | { kind: 'refused'; message: string }

export function decideSecretStorage(facts: StorageFacts): StorageDecision {
  const plain = facts.platform === 'linux' && (facts.linuxBackend === 'basic_text' || facts.linuxBackend === 'unknown')
  if (facts.encryptionAvailable && !plain) return { kind: 'encrypted' }
  if (facts.userAcceptedPlainText) return { kind: 'plain-accepted' }
  return {
    kind: 'refused',
    message:
      'This computer has no keyring (such as GNOME Keyring or KWallet) to protect your Bitbucket sign-in, so Pail would have to store it unprotected. Install or unlock a keyring and restart Pail, or choose "Store without protection" if this computer is only yours.',
  }
}
