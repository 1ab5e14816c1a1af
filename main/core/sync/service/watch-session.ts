/**
 * Watch mode's wiring, pair by pair: a folder watcher whose dirty paths go to the pair's
 * PairScheduler, which runs the passes. No pair stops another: every pass, watcher callback and
 * start-up step is caught and becomes that pair's error. A pair whose watcher cannot start (its
 * folder missing, the system's watch limit reached) is still synced: each of its passes looks at
 * the whole folder, and the watcher is tried again before each one.
 */
import { silentLogger, type Logger } from '../../log/logger.js'
import type { FlushRequest } from '../local/dirty-tracker.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import { isPaused } from '../pairs/sync-pair.js'
import {
  PairScheduler,
  type NextAttempt,
  type PairSchedulerOptions,
  type PassRequest,
  type Ran,
} from './pair-scheduler.js'

/** What watch mode needs of a folder watcher (FolderWatcher, or a fake in tests). */
export interface PairWatcher {
  /** Hands over the pending dirty paths now instead of after the quiet period. */
  flushNow(): void
  close(): Promise<void>
}

/** What a WatchSession is given. */
export interface WatchSessionDeps<R> {
  /** The pairs as they are now; re-read before each pass, so a paused or removed pair is seen. */
  pairs(): Promise<SyncPair[]>
  /** One pass of `pair` looking at what `request` says. Should not throw. */
  pass(pair: SyncPair, request: PassRequest): Promise<Ran<R>>
  /** Saves and announces a pass once its next attempt is decided. */
  settled(pair: SyncPair, ran: Ran<R>, next: NextAttempt | null): Promise<void>
  /** Starts watching a pair's folder; `onFlush` gets its dirty paths. May throw. */
  startWatcher(pair: SyncPair, onFlush: (request: FlushRequest) => void): Promise<PairWatcher>
  /** The scheduler's timing, shared by every pair. */
  scheduling?: Omit<PairSchedulerOptions<R>, 'pairId' | 'run' | 'settled' | 'logger'>
  logger?: Logger
}

interface Watched<R> {
  pair: SyncPair
  scheduler: PairScheduler<R>
  watcher: PairWatcher | null
}

/** Every pair watched by one `watch()` call. */
export class WatchSession<R> {
  private readonly watched = new Map<string, Watched<R>>()
  private stopped = false

  constructor(private readonly deps: WatchSessionDeps<R>) {}

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  /** Starts every pair: its watcher first (so no change falls before it), then its first, full pass. */
  async start(pairs: readonly SyncPair[]): Promise<void> {
    await Promise.all(pairs.map((pair) => this.add(pair)))
  }

  /**
   * Brings the watched pairs in line with `pairs` (the pairs as they are now): a pair added since
   * is started as `start` does, a removed one is stopped (its running pass ends first).
   */
  async update(pairs: readonly SyncPair[]): Promise<void> {
    if (this.stopped) return
    const wanted = new Set(pairs.map((p) => p.id))
    const gone = [...this.watched.values()].filter((e) => !wanted.has(e.pair.id))
    for (const entry of gone) this.watched.delete(entry.pair.id)
    await Promise.all([
      ...gone.map(async (entry) => {
        await entry.scheduler.stop()
        await this.closeWatcher(entry)
      }),
      ...pairs.filter((p) => !this.watched.has(p.id)).map((pair) => this.add(pair)),
    ])
  }

  /** Whether `pairId` is watched now. */
  watches(pairId: string): boolean {
    return this.watched.has(pairId)
  }

  private async add(pair: SyncPair): Promise<void> {
    const entry: Watched<R> = {
      pair,
      watcher: null,
      scheduler: new PairScheduler<R>({
        ...this.deps.scheduling,
        pairId: pair.id,
        logger: this.log,
        run: (request) => this.run(entry, request),
        settled: (ran, next) => this.deps.settled(entry.pair, ran, next),
      }),
    }
    this.watched.set(pair.id, entry)
    if (!isPaused(pair, Date.now())) entry.watcher = await this.startWatcher(entry)
    if (!this.stopped) entry.scheduler.start()
  }

  /** "Sync now" for one pair: its pending paths and a pass at once. Null when the pair is not watched. */
  syncNow(pairId: string): Promise<R | null> | null {
    const entry = this.watched.get(pairId)
    if (!entry) return null
    entry.watcher?.flushNow()
    return entry.scheduler.syncNow()
  }

  /** When the pair's next attempt is after a failure (null: none pending, or not watched). */
  nextAttemptAt(pairId: string): number | null {
    return this.watched.get(pairId)?.scheduler.nextAttemptAt ?? null
  }

  /** Stops every scheduler and watcher; resolves once running passes have ended. */
  async stop(): Promise<void> {
    this.stopped = true
    const entries = [...this.watched.values()]
    await Promise.all(entries.map((e) => e.scheduler.stop()))
    await Promise.all(entries.map((e) => this.closeWatcher(e)))
  }

  private async run(entry: Watched<R>, request: PassRequest): Promise<Ran<R>> {
    const current = (await this.deps.pairs()).find((p) => p.id === entry.pair.id)
    if (!current) {
      this.log.info('sync.pair-gone', { pair: entry.pair.id })
      await this.closeWatcher(entry)
      return { verdict: { kind: 'gone' }, result: null }
    }
    entry.pair = current
    if (isPaused(current, Date.now())) return { verdict: { kind: 'idle' }, result: null }
    let effective = request
    if (!entry.watcher) {
      // Without a watcher nothing says where to look: look everywhere.
      entry.watcher = await this.startWatcher(entry)
      effective = { ...request, full: true, paths: new Set() }
    }
    return this.deps.pass(current, effective)
  }

  private async startWatcher(entry: Watched<R>): Promise<PairWatcher | null> {
    try {
      const watcher = await this.deps.startWatcher(entry.pair, (flush) => {
        entry.scheduler.request('rescan' in flush ? { full: true } : { paths: flush.paths })
      })
      if (this.stopped) {
        await watcher.close()
        return null
      }
      return watcher
    } catch (error) {
      this.log.warn('watch.start-failed', { pair: entry.pair.id, error: (error as Error).message })
      return null
    }
  }

  private async closeWatcher(entry: Watched<R>): Promise<void> {
    const watcher = entry.watcher
    entry.watcher = null
    await watcher
      ?.close()
      .catch((error: unknown) =>
        this.log.warn('watch.close-failed', { pair: entry.pair.id, error: (error as Error).message }),
      )
  }
}
