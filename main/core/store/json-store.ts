/**
 * One of Pail's JSON files (settings, accounts, secrets, a pair's status or journal): read and
 * checked against its schema every time, replaced atomically, and changed by read-modify-write
 * under a lock that every Pail process on this home respects, so two processes never lose each
 * other's changes.
 *
 * A damaged file never stops Pail and never makes it upload or delete anything: it is moved aside
 * (kept for support), the store starts from its empty value, and, for files a person cares about,
 * a notice says which file, what Pail did and what to do.
 */
import { rm, unlink } from 'node:fs/promises'
import pLimit, { type LimitFunction } from 'p-limit'
import type { z } from 'zod'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { silentLogger, type Logger } from '../log/logger.js'
import type { HomeLocks } from './home-locks.js'
import { keepDamagedCopy, readStoreFile } from './store-file.js'

/** Something a person should be told about Pail's own files. */
export interface StoreNotice {
  file: string
  /** Where the damaged file was kept; null when another process had already moved it. */
  copy: string | null
  /** One or two plain sentences: what happened, what Pail did, what to do. */
  message: string
}

/** Where notices go: the CLI prints them, the app shows them. */
export type NoticeSink = (notice: StoreNotice) => void

/** What the stores of one home share: its locks, where notices go, the log. */
export interface StoreContext {
  locks?: HomeLocks
  notices?: NoticeSink
  logger?: Logger
}

/** What a damaged file means. */
export type DamagePolicy =
  /**
   * Start afresh and tell the person; `what` names the file for people, `then` says what follows.
   * `discard`: remove the damaged file instead of keeping a copy (secrets: a copy would keep dead
   * tokens on disk, which Pail never does).
   */
  | { kind: 'reset'; what: string; then: string; discard?: boolean }
  /** A cache that the next pass rebuilds: start afresh, log only. */
  | { kind: 'rebuild' }

export interface JsonStoreOptions<T> {
  file: string
  schema: z.ZodType<T>
  /** The value of a store that was never written (or was reset). */
  empty: () => T
  damage: DamagePolicy
  /** With `lockName`: the cross-process lock that updates take. Without: updates are serialised in this process only. */
  locks?: HomeLocks
  lockName?: string
  notices?: NoticeSink
  logger?: Logger
  /** File permissions (default 0600). */
  mode?: number
}

export class JsonStore<T> {
  private readonly local: LimitFunction = pLimit(1)

  constructor(private readonly options: JsonStoreOptions<T>) {}

  get file(): string {
    return this.options.file
  }

  /** The current value: the file's, or the empty value when it is missing or was damaged. */
  async read(): Promise<T> {
    const found = await readStoreFile(this.options.file, this.options.schema)
    if (found.kind === 'ok') return found.value
    if (found.kind === 'damaged') await this.damaged(found.detail)
    return this.options.empty()
  }

  /** Lets `change` modify the current value in place, then saves it. */
  update(change: (current: T) => void): Promise<T> {
    return this.exclusive(async () => {
      const current = await this.read()
      change(current)
      await this.write(current)
      return current
    })
  }

  /** Saves `value` as it is. */
  replace(value: T): Promise<void> {
    return this.exclusive(() => this.write(value))
  }

  /** Removes the file. */
  remove(): Promise<void> {
    return this.exclusive(() => rm(this.options.file, { force: true }))
  }

  private async write(value: T): Promise<void> {
    // A value that does not match its own schema is a bug here: refuse it before it reaches disk.
    const checked = this.options.schema.parse(value)
    await writeFileAtomic(this.options.file, `${JSON.stringify(checked, null, 2)}\n`, {
      mode: this.options.mode ?? 0o600,
    })
  }

  private exclusive<R>(section: () => Promise<R>): Promise<R> {
    const { locks, lockName } = this.options
    return locks && lockName ? locks.withLock(lockName, section) : this.local(section)
  }

  private async damaged(detail: string): Promise<void> {
    const { file, damage, logger = silentLogger } = this.options
    const discard = damage.kind === 'reset' && damage.discard === true
    const copy = discard ? null : await keepDamagedCopy(file)
    // Another process may have dealt with the same damage first: only the one that did tells.
    const handled = discard ? await removeIfPresent(file) : copy !== null
    logger.warn('store.damaged', { file, copy, detail, policy: damage.kind, handled })
    if (damage.kind !== 'reset' || !handled) return
    const kept = copy ? ` and kept the damaged file as ${copy}` : ' and removed the damaged file'
    this.options.notices?.({
      file,
      copy,
      message: `${damage.what} (${file}) was damaged (${detail}), so Pail started it afresh${kept}. ${damage.then}`,
    })
  }
}

/** Removes `file`; false when it was already gone. */
async function removeIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
