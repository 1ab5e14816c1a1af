/**
 * Filesystem calls made synchronously while they are fast. On a local disk a small file's open,
 * stat, read and close take microseconds each, and the thread pool's hand-offs cost far more than
 * the calls: 1,000 files of 0.5–4 KiB opened, checked, read and hashed took 20–28 ms synchronously
 * against 125–180 ms through `fs/promises` (this machine, warm cache). On a slow filesystem (a
 * network drive, a disk waking up) a synchronous call would hold up the event loop instead, so
 * SLOW_RUNS runs in a row slower than `slowMs` send that kind of call through the thread pool for
 * `offForMs`. One slow run is not enough: a garbage collection or the process losing its core for
 * a moment makes a single run slow, and one such run in a 100,000-file first sync had sent the
 * rest of it through the thread pool (measured: hashing 5.5 s instead of ~0.5 s).
 *
 * Each use keeps its own switch (a scan's stats, the reads of small files), so one slow kind of
 * call does not slow the others.
 */

/** A synchronous run slower than this is slow (one batch of stats, one small file). */
export const SLOW_MS = 10
/** This many slow runs in a row turn the switch off. */
export const SLOW_RUNS = 3
/** How long the thread pool is used after the slow runs, before synchronous calls are tried again. */
export const OFF_FOR_MS = 60_000

export class SyncWhileFast {
  private offUntil = -Infinity
  private slowInARow = 0
  private pinned: boolean | null = null

  constructor(
    private readonly slowMs = SLOW_MS,
    private readonly offForMs = OFF_FOR_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether calls may be made synchronously now. */
  get on(): boolean {
    return this.pinned ?? this.now() >= this.offUntil
  }

  /** Runs `work` (synchronous filesystem calls) and times it; SLOW_RUNS slow runs in a row turn the switch off. Errors pass through. */
  time<T>(work: () => T): T {
    const started = this.now()
    try {
      return work()
    } finally {
      if (this.now() - started <= this.slowMs) this.slowInARow = 0
      else if (++this.slowInARow >= SLOW_RUNS) {
        this.offUntil = this.now() + this.offForMs
        this.slowInARow = 0
      }
    }
  }

  /**
   * For tests, which must know which path they take: always synchronous (true), always through
   * the thread pool (false), or timed again (null).
   */
  pin(on: boolean | null): void {
    this.pinned = on
    this.offUntil = -Infinity
    this.slowInARow = 0
  }
}

/**
 * Files up to this size are read in one synchronous call while `smallFileReads` is on (hashed for
 * the change set, read for an upload); larger ones stream through the thread pool in chunks.
 */
export const SMALL_FILE_BYTES = 64 * 1024

/** The switch of the reads of small files (and of the stats that prepare an upload). */
export const smallFileReads = new SyncWhileFast()
