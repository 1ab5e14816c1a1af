/**
 * Where secrets live: the only place tokens and consumer secrets are written. Each shell
 * provides one (Electron: safeStorage-encrypted; headless: a file only the user can read).
 */
export interface SecretStore {
  /** Human words for where secrets are kept, e.g. "the system keychain (safeStorage)". */
  readonly description: string
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

/** Turns secrets into bytes that are safe at rest and back (Electron's safeStorage, in the app). */
export interface SecretCipher {
  readonly description: string
  encrypt(plain: string): Buffer
  decrypt(sealed: Buffer): string
}
