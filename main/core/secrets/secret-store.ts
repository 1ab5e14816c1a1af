/**
 * Where secrets live: the only place tokens and consumer secrets are written. Each shell
 * provides one (Electron: safeStorage-encrypted; headless: a file only the user can read).
 */
export interface SecretStore {
  /** Human words for where secrets are kept, e.g. "the system keychain (safeStorage)". */
  readonly description: string
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  /** Removes the given keys (missing ones are ignored), in one write. */
  delete(...keys: string[]): Promise<void>
  /** Every key held, so secrets nobody uses any more can be found and removed. */
  keys(): Promise<string[]>
}

/** Turns secrets into bytes that are safe at rest and back (Electron's safeStorage, in the app). */
export interface SecretCipher {
  readonly description: string
  encrypt(plain: string): Buffer
  decrypt(sealed: Buffer): string
}
