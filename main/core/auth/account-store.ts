/**
 * The accounts file (`<pail home>/accounts.json`): non-secret facts of each account and which one
 * is current. Writes are serialised and atomic.
 */
import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../store/json-file.js'
import type { AccountRecord } from './account.js'

interface AccountsFile {
  current: string | null
  accounts: AccountRecord[]
}

export class AccountStore {
  private readonly file: string
  private queue: Promise<unknown> = Promise.resolve()

  constructor(home: string) {
    this.file = join(home, 'accounts.json')
  }

  async current(): Promise<AccountRecord | null> {
    const data = await this.read()
    return data.accounts.find((a) => a.id === data.current) ?? null
  }

  async get(id: string): Promise<AccountRecord | null> {
    return (await this.read()).accounts.find((a) => a.id === id) ?? null
  }

  /** Adds or replaces an account and makes it current. */
  save(account: AccountRecord, makeCurrent = true): Promise<void> {
    return this.update((data) => {
      data.accounts = data.accounts.filter((a) => a.id !== account.id)
      data.accounts.push(account)
      if (makeCurrent) data.current = account.id
    })
  }

  /** Changes some fields of an account. */
  patch(id: string, change: Partial<AccountRecord>): Promise<void> {
    return this.update((data) => {
      const account = data.accounts.find((a) => a.id === id)
      if (account) Object.assign(account, change, { updatedAt: Date.now() })
    })
  }

  remove(id: string): Promise<void> {
    return this.update((data) => {
      data.accounts = data.accounts.filter((a) => a.id !== id)
      if (data.current === id) data.current = null
    })
  }

  private read(): Promise<AccountsFile> {
    return readJsonFile<AccountsFile>(this.file, { current: null, accounts: [] })
  }

  private update(change: (data: AccountsFile) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const data = await this.read()
      change(data)
      await writeJsonFile(this.file, data)
    })
    this.queue = run.catch(() => undefined)
    return run
  }
}
