/**
 * Secrets in one JSON file readable only by the user (mode 0600 in a 0700 directory), written
 * atomically (temporary file, fsync, rename) so a crash never leaves half a token. With a cipher
 * (the Electron shell's safeStorage) each value is encrypted; headless, the file permissions
 * are the protection, as with git's credential store. Values may be any length (Bitbucket's
 * tokens exceed 2,500 characters, bitbucket-api.md §1.4).
 */
import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { SecretCipher, SecretStore } from './secret-store.js'

interface FileShape {
  version: 1
  encrypted: boolean
  values: Record<string, string>
}

export class FileSecretStore implements SecretStore {
  readonly description: string
  /** Serialises writes within this process. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher | null = null,
  ) {
    this.description = cipher ? `${cipher.description}, in ${file}` : `a file only you can read (${file})`
  }

  async get(key: string): Promise<string | null> {
    const data = await this.read()
    const value = data.values[key]
    if (value === undefined) return null
    return this.cipher ? this.cipher.decrypt(Buffer.from(value, 'base64')) : value
  }

  set(key: string, value: string): Promise<void> {
    return this.update((values) => {
      values[key] = this.cipher ? this.cipher.encrypt(value).toString('base64') : value
    })
  }

  delete(key: string): Promise<void> {
    return this.update((values) => {
      // A record of secrets keyed by name: deleting by a computed key is the point here.
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete values[key]
    })
  }

  private update(change: (values: Record<string, string>) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const data = await this.read()
      change(data.values)
      await this.write(data)
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  private async read(): Promise<FileShape> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 1, encrypted: this.cipher !== null, values: {} }
      throw error
    }
    const data = JSON.parse(text) as FileShape
    if (data.encrypted !== (this.cipher !== null)) {
      throw new Error(
        `The secrets file ${this.file} was written ${data.encrypted ? 'encrypted' : 'unencrypted'} and cannot be read here. Sign in again to replace it.`,
      )
    }
    return data
  }

  private async write(data: FileShape): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${process.pid}.tmp`
    const handle = await open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(JSON.stringify(data))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await chmod(tmp, 0o600)
    await rename(tmp, this.file)
  }
}
