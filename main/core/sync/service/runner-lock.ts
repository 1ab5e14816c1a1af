/**
 * Only one process per Pail home runs sync passes (issue 7, point 10): the app, `pail sync`
 * (watching or `--once`) and anything else that syncs take the home's `sync` lock
 * (HomeLocks.hold) for as long as they run passes. A second one fails at once with
 * LockHeldError, whose message says which process runs (pid, what, since when).
 */
import { HomeLocks, LockHeldError, type HeldLock } from '../../store/home-locks.js'
import { silentLogger, type Logger } from '../../log/logger.js'

/** The lock's name in `<home>/locks`. */
export const SYNC_LOCK = 'sync'

/** The `sync` lock of one home, held while any section of this object runs (re-entrant within it). */
export class SyncRunnerLock {
  private held: Promise<HeldLock> | null = null
  private users = 0
  /** A release under way: the next take waits for it, or it would find this process's own lock. */
  private releasing: Promise<void> = Promise.resolve()

  constructor(
    private readonly home: string,
    /** What this process is, for the message another one shows: "pail sync", "the Pail app". */
    private readonly what: string,
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * Runs `section` holding the lock. Sections of this object share one hold (a watch and a
   * "Sync now" inside it); rejects with LockHeldError, before running `section`, when another
   * process (or another SyncRunnerLock of this process) holds it.
   */
  async whileHeld<T>(section: () => Promise<T>): Promise<T> {
    this.users++
    try {
      this.held ??= this.take()
      await this.held
      return await section()
    } finally {
      this.users--
      if (this.users === 0) await this.releaseNow()
    }
  }

  private async take(): Promise<HeldLock> {
    await this.releasing
    try {
      return await HomeLocks.for(this.home, this.logger).hold(SYNC_LOCK, {
        pid: process.pid,
        what: this.what,
        startedAt: Date.now(),
      })
    } catch (error) {
      if (error instanceof LockHeldError)
        this.logger.warn('sync.runner-refused', {
          heldBy: error.owner?.what ?? null,
          pid: error.owner?.pid ?? null,
          since: error.owner ? new Date(error.owner.startedAt).toISOString() : null,
        })
      throw error
    }
  }

  private releaseNow(): Promise<void> {
    const held = this.held
    this.held = null
    if (!held) return this.releasing
    this.releasing = held
      .then((lock) => lock.release())
      .catch((error: unknown) => {
        // A refused take has nothing to release; a failed release is logged (the lock goes stale).
        if (!(error instanceof LockHeldError))
          this.logger.warn('sync.runner-release-failed', { error: (error as Error).message })
      })
    return this.releasing
  }
}
