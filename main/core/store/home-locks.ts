/**
 * Locks shared by every Pail process that uses one home (the desktop app, a running `pail sync`,
 * each `git-credential` call): a named lock is a folder in `<home>/locks`, taken and kept fresh by
 * proper-lockfile, so a process that dies leaves a lock that goes stale and is taken over, never
 * one that blocks forever. Within one process a queue per name comes first, because
 * proper-lockfile's locks are not re-entrant: a process would otherwise wait for itself.
 *
 * Two uses: `withLock` around a short read-modify-write (a store's update, a token refresh), and
 * `hold` for as long as a process does something only one process may do (run the sync).
 */
import { mkdir, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import pLimit, { type LimitFunction } from 'p-limit'
import { lock } from 'proper-lockfile'
import { silentLogger, type Logger } from '../log/logger.js'
import { z } from 'zod'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { readStoreFile } from './store-file.js'

/** Who holds a long-lived lock, for the sentence another process shows. */
export interface LockOwner {
  pid: number
  /** What it is, for people: "the Pail app", "pail sync". */
  what: string
  startedAt: number
  /** The computer it runs on (a home on a network drive may be shared); filled in by `hold`. */
  host?: string
}

/** The lock is held by another process; `owner` says which, when it wrote its card. */
export class LockHeldError extends Error {
  readonly code = 'lock.held'

  constructor(
    readonly lockName: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      owner
        ? `Pail is already doing this on this computer: ${owner.what} (process ${owner.pid}, since ${new Date(owner.startedAt).toLocaleString()}). Stop that one first, or use it.`
        : 'Another Pail process on this computer is already doing this. Stop it first, or use it.',
    )
  }
}

/** A lock kept until released. */
export interface HeldLock {
  release(): Promise<void>
}

/** A lock older than this without a refresh belongs to a process that died (proper-lockfile refreshes at half of it). */
const STALE_MS = 15_000
/** Short sections wait for each other up to about a minute (a token refresh may take that long). */
const WAIT = { retries: 120, factor: 1.2, minTimeout: 10, maxTimeout: 500 }

const registry = new Map<string, HomeLocks>()

const ownerSchema = z.object({
  pid: z.number().int(),
  what: z.string(),
  startedAt: z.number(),
  host: z.string().optional(),
})

export class HomeLocks {
  private readonly dir: string
  private readonly queues = new Map<string, LimitFunction>()

  /** The one HomeLocks of this process for `home`, so its in-process queues are shared by every store. */
  static for(home: string, logger?: Logger): HomeLocks {
    const key = resolve(home)
    let locks = registry.get(key)
    if (!locks) registry.set(key, (locks = new HomeLocks(key, logger)))
    return locks
  }

  constructor(
    home: string,
    private readonly logger: Logger = silentLogger,
    /** How old an unrefreshed lock must be to count as a dead process's (tests shorten it). */
    private readonly staleMs = STALE_MS,
  ) {
    this.dir = join(home, 'locks')
  }

  /** Runs `section` while holding the lock `name` in every process of this home. Do not nest the same name. */
  withLock<T>(name: string, section: () => Promise<T>): Promise<T> {
    return this.queue(name)(async () => {
      const release = await this.take(name, WAIT)
      try {
        return await section()
      } finally {
        await release().catch((error: unknown) =>
          this.logger.warn('lock.release-failed', { lock: name, error: String(error) }),
        )
      }
    })
  }

  /**
   * Takes `name` for good, or throws LockHeldError at once when another process has it. A lock
   * whose owner card names a process of this computer that no longer runs (killed, crashed) is
   * taken over at once rather than after it goes stale, so a restart never waits or names a dead pid.
   */
  async hold(name: string, owner: LockOwner): Promise<HeldLock> {
    let release: () => Promise<void>
    try {
      release = await this.take(name, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
      const holder = await this.ownerOf(name)
      if (!holder || holder.host !== hostname() || isRunning(holder.pid)) throw new LockHeldError(name, holder)
      this.logger.warn('lock.taken-over', { lock: name, deadPid: holder.pid })
      await rm(join(this.dir, `${name}.lock`), { recursive: true, force: true })
      try {
        release = await this.take(name, 0)
      } catch (retry) {
        if ((retry as NodeJS.ErrnoException).code !== 'ELOCKED') throw retry
        throw new LockHeldError(name, await this.ownerOf(name))
      }
    }
    const card = this.cardOf(name)
    await writeFileAtomic(card, JSON.stringify({ ...owner, host: hostname() }))
    return {
      release: async () => {
        await rm(card, { force: true })
        await release()
      },
    }
  }

  private queue(name: string): LimitFunction {
    let queue = this.queues.get(name)
    if (!queue) this.queues.set(name, (queue = pLimit(1)))
    return queue
  }

  private async take(name: string, retries: number | typeof WAIT): Promise<() => Promise<void>> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    return lock(join(this.dir, name), {
      realpath: false,
      lockfilePath: join(this.dir, `${name}.lock`),
      stale: this.staleMs,
      retries,
      // Another process took over a lock this one failed to refresh (the machine slept, say):
      // say so in the log rather than crash, which is proper-lockfile's default.
      onCompromised: (error) => this.logger.error('lock.compromised', { lock: name, error: error.message }),
    })
  }

  private cardOf(name: string): string {
    return join(this.dir, `${name}.owner.json`)
  }

  private async ownerOf(name: string): Promise<LockOwner | null> {
    const card = await readStoreFile(this.cardOf(name), ownerSchema).catch(() => null)
    return card?.kind === 'ok' ? card.value : null
  }
}

/** Whether a process with this id runs on this computer (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
