/**
 * The accounts file (`<pail home>/accounts.json`): non-secret facts of each account and which one
 * is current. Checked on every read; changed under the home's `accounts` lock, so the app, a
 * running `pail sync` and `git-credential` never lose each other's changes.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { HomeLocks } from '../store/home-locks.js'
import { JsonStore, type StoreContext } from '../store/json-store.js'
import { accountRecordSchema, type AccountRecord } from './account.js'

const accountsFileSchema = z.object({
  current: z.string().nullable(),
  accounts: z.array(accountRecordSchema),
})

type AccountsFile = z.infer<typeof accountsFileSchema>

export class AccountStore {
  private readonly store: JsonStore<AccountsFile>

  constructor(home: string, context: StoreContext = {}) {
    this.store = new JsonStore({
      file: join(home, 'accounts.json'),
      schema: accountsFileSchema,
      empty: () => ({ current: null, accounts: [] }),
      damage: {
        kind: 'reset',
        what: "Pail's list of sign-ins",
        then: 'You are signed out: sign in again to carry on. Nothing was uploaded or deleted.',
      },
      locks: context.locks ?? HomeLocks.for(home, context.logger),
      lockName: 'accounts',
      ...(context.notices ? { notices: context.notices } : {}),
      ...(context.logger ? { logger: context.logger } : {}),
    })
  }

  async current(): Promise<AccountRecord | null> {
    const data = await this.store.read()
    return data.accounts.find((a) => a.id === data.current) ?? null
  }

  async get(id: string): Promise<AccountRecord | null> {
    return (await this.store.read()).accounts.find((a) => a.id === id) ?? null
  }

  /** Every account id on record. */
  async ids(): Promise<string[]> {
    return (await this.store.read()).accounts.map((a) => a.id)
  }

  /** Adds or replaces an account and makes it current. */
  async save(account: AccountRecord, makeCurrent = true): Promise<void> {
    await this.store.update((data) => {
      data.accounts = data.accounts.filter((a) => a.id !== account.id)
      data.accounts.push(account)
      if (makeCurrent) data.current = account.id
    })
  }

  /** Changes some fields of an account. */
  async patch(id: string, change: Partial<AccountRecord>): Promise<void> {
    await this.store.update((data) => {
      const account = data.accounts.find((a) => a.id === id)
      if (account) Object.assign(account, change, { updatedAt: Date.now() })
    })
  }

  async remove(id: string): Promise<void> {
    await this.store.update((data) => {
      data.accounts = data.accounts.filter((a) => a.id !== id)
      if (data.current === id) data.current = null
    })
  }
}
