/**
 * Secrets in one JSON file readable only by the user (mode 0600 in a 0700 directory), replaced
 * atomically so a crash never leaves half a token, and changed under the home's `secrets` lock so
 * two Pail processes never lose each other's tokens. With a cipher (the Electron shell's
 * safeStorage) each value is encrypted; headless, the file permissions are the protection, as with
 * git's credential store. Values may be any length (Bitbucket's tokens exceed 2,500 characters,
 * bitbucket-api.md §1.4). A damaged file is removed (never copied: it may hold live tokens) and
 * read as empty: whoever was signed in is signed out, with a notice, and nothing else happens.
 */
import { dirname } from 'node:path'
import { z } from 'zod'
import { HomeLocks } from '../store/home-locks.js'
import { JsonStore, type StoreContext } from '../store/json-store.js'
import type { SecretCipher, SecretStore } from './secret-store.js'

const fileSchema = z.object({
  version: z.literal(1),
  encrypted: z.boolean(),
  values: z.record(z.string(), z.string()),
})

type FileShape = z.infer<typeof fileSchema>

export class FileSecretStore implements SecretStore {
  readonly description: string
  private readonly store: JsonStore<FileShape>

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher | null = null,
    context: StoreContext = {},
  ) {
    this.description = cipher ? `${cipher.description}, in ${file}` : `a file only you can read (${file})`
    this.store = new JsonStore({
      file,
      schema: fileSchema,
      empty: () => ({ version: 1, encrypted: cipher !== null, values: {} }),
      damage: {
        kind: 'reset',
        what: "Pail's saved sign-in",
        then: 'You are signed out: sign in again to carry on. Nothing was uploaded or deleted.',
        discard: true,
      },
      locks: context.locks ?? HomeLocks.for(dirname(file), context.logger),
      lockName: 'secrets',
      ...(context.notices ? { notices: context.notices } : {}),
      ...(context.logger ? { logger: context.logger } : {}),
    })
  }

  async get(key: string): Promise<string | null> {
    const value = (await this.read()).values[key]
    if (value === undefined) return null
    return this.cipher ? this.cipher.decrypt(Buffer.from(value, 'base64')) : value
  }

  async keys(): Promise<string[]> {
    return Object.keys((await this.read()).values)
  }

  async set(key: string, value: string): Promise<void> {
    await this.update((values) => {
      values[key] = this.cipher ? this.cipher.encrypt(value).toString('base64') : value
    })
  }

  async delete(...keys: string[]): Promise<void> {
    await this.update((values) => {
      // A record of secrets keyed by name: deleting by a computed key is the point here.
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      for (const key of keys) delete values[key]
    })
  }

  private async update(change: (values: Record<string, string>) => void): Promise<void> {
    await this.store.update((data) => {
      this.assertReadable(data)
      change(data.values)
    })
  }

  private async read(): Promise<FileShape> {
    const data = await this.store.read()
    this.assertReadable(data)
    return data
  }

  /** A file written with encryption cannot be read without it, and the other way round. */
  private assertReadable(data: FileShape): void {
    if (data.encrypted !== (this.cipher !== null)) {
      throw new Error(
        `The secrets file ${this.file} was written ${data.encrypted ? 'encrypted' : 'unencrypted'} and cannot be read here. Sign in again to replace it.`,
      )
    }
  }
}
