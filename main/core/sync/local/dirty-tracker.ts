/**
 * Collects "where to look" from watcher events and hands it over in batches (DESIGN.md §4,
 * peer-apps.md §5): after a quiet period with no new event, or at the latest after a maximum wait
 * for files that keep changing; and past a number of distinct paths it stops listing them and asks
 * for a rescan of the whole folder, which is cheaper than comparing thousands of single paths.
 */
import { silentLogger, type Logger } from '../../log/logger.js'
import { systemClock, type Clock } from '../../ports.js'

/** What to look at: some paths (files or folders, relative to the pair's folder), or everything. */
export type FlushRequest = { paths: Set<string> } | { rescan: true }

/** The clock plus a timer, injectable so the debounce logic is tested without sleeping. */
export interface Timers extends Clock {
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void
}

/** The real clock and timers. */
export const systemTimers: Timers = {
  now: () => systemClock.now(),
  setTimer: (fn, ms) => {
    const handle = setTimeout(fn, ms)
    return () => clearTimeout(handle)
  },
}

/** Timing of the flushes. */
export interface DirtyTrackerOptions {
  /** Flush after this long without a new event (default 3 s). */
  quietMs: number
  /** Flush at the latest this long after the first unflushed event (default 60 s). */
  maxWaitMs: number
  /** Above this many distinct paths, ask for a rescan instead (default 500). */
  maxPaths: number
  clock: Timers
  logger: Logger
}

/** Defaults from peer-apps.md §5: 2–10 s debounce, 60 s maximum wait, rescan above ~500 events. */
export const DEFAULT_DIRTY_TRACKER_OPTIONS: DirtyTrackerOptions = {
  quietMs: 3000,
  maxWaitMs: 60_000,
  maxPaths: 500,
  clock: systemTimers,
  logger: silentLogger,
}

/** Debounces dirty paths into flushes. */
export class DirtyTracker {
  private readonly options: DirtyTrackerOptions
  private paths = new Set<string>()
  private rescanAll = false
  /** When the oldest unflushed event arrived; null when nothing is pending. */
  private firstAt: number | null = null
  private cancelTimer: (() => void) | null = null
  private disposed = false

  constructor(
    private readonly onFlush: (request: FlushRequest) => void,
    options: Partial<DirtyTrackerOptions> = {},
  ) {
    this.options = { ...DEFAULT_DIRTY_TRACKER_OPTIONS, ...options }
  }

  /** Whether anything waits to be flushed. */
  get pending(): boolean {
    return this.firstAt !== null
  }

  /** Marks a path (file or folder, relative to the pair's folder) as worth looking at. */
  add(path: string): void {
    if (this.disposed) return
    if (!this.rescanAll) {
      this.paths.add(path)
      if (this.paths.size > this.options.maxPaths) this.collapse()
    }
    this.touch()
  }

  /** Asks for the whole folder to be looked at. */
  rescan(): void {
    if (this.disposed) return
    this.collapse()
    this.touch()
  }

  /** Flushes now whatever is pending (for "Sync now" and for shutting down). */
  flush(): void {
    this.cancel()
    if (this.firstAt === null || this.disposed) return
    const request: FlushRequest = this.rescanAll ? { rescan: true } : { paths: this.paths }
    this.paths = new Set()
    this.rescanAll = false
    this.firstAt = null
    try {
      this.onFlush(request)
    } catch (error) {
      // It runs from a timer: a throw here would end the process, and the paths are lost anyway.
      this.options.logger.error('watch.flush-failed', { error: (error as Error).message })
    }
  }

  /** Stops all timers and drops what is pending. */
  dispose(): void {
    this.cancel()
    this.disposed = true
    this.paths = new Set()
    this.firstAt = null
  }

  private collapse(): void {
    this.rescanAll = true
    this.paths = new Set()
  }

  private touch(): void {
    const now = this.options.clock.now()
    this.firstAt ??= now
    const due = Math.min(now + this.options.quietMs, this.firstAt + this.options.maxWaitMs)
    this.cancel()
    this.cancelTimer = this.options.clock.setTimer(
      () => {
        this.cancelTimer = null
        this.flush()
      },
      Math.max(0, due - now),
    )
  }

  private cancel(): void {
    this.cancelTimer?.()
    this.cancelTimer = null
  }
}
