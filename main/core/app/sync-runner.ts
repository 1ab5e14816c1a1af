/**
 * The sync service in watch mode while someone is signed in: started at sign-in (or when the core
 * starts signed in), stopped at sign-out, when Bitbucket refuses the sign-in, while everything is
 * paused, and on `close()` (the pass in flight finishes; anything cut short is the journal's).
 * It holds the home's sync runner lock while watching; when another process holds it (a running
 * `pail sync`), every folder says so and the runner tries again now and then, never fighting it.
 */
import type { Session } from '../auth/auth-service.js'
import type { CommitProgress } from '../bitbucket/src-commit.js'
import type { HistoryStore } from '../history/history-store.js'
import { silentLogger, type Logger } from '../log/logger.js'
import { LockHeldError } from '../store/home-locks.js'
import type { PairStore } from '../sync/pairs/pair-store.js'
import type { SyncPair } from '../sync/pairs/sync-pair.js'
import { SyncService, type PairResult } from '../sync/service/sync-service.js'
import type { WatchTuning } from './ports.js'

/** What the runner tells the core as it goes. */
export interface SyncRunnerEvents {
  /** Something a folder shows changed: a pass started or ended, the runner started or stopped. */
  changed(): void
  /** A pass ended (the core looks at the sign-in after it: Bitbucket may have refused it). */
  result(result: PairResult): void
}

export interface SyncRunnerDeps {
  home: string
  pairs: PairStore
  history: HistoryStore
  logger?: Logger
  tuning?: WatchTuning
  runnerName: string
  messageTemplate: () => string
  events: SyncRunnerEvents
}

/** A pass's commit as it goes. */
export interface PassProgress {
  bytesSent: number
  bytesTotal: number
  currentPath: string | null
  filesDone: number
  filesTotal: number
}

interface Running {
  session: Session
  service: SyncService
  abort: AbortController
  done: Promise<void>
}

export class SyncRunner {
  private running: Running | null = null
  /** The session to watch with (null: none); `settle` makes it so. */
  private wanted: Session | null = null
  private transition: Promise<void> = Promise.resolve()
  /** The message of the process that holds the runner lock, while it does. */
  private heldElsewhere: string | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private readonly passing = new Set<string>()
  private readonly progress = new Map<string, PassProgress>()
  /** The last pass's conflicts per pair: paths changed on both sides, and the copy keeping this side's version. */
  private readonly conflicts = new Map<string, { path: string; copy: string | null }[]>()

  constructor(private readonly deps: SyncRunnerDeps) {}

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  /** Whether a watch runs now. */
  get watching(): boolean {
    return this.running !== null && this.heldElsewhere === null
  }

  /** The sentence every folder shows while another process syncs this home; null otherwise. */
  get blockedBy(): string | null {
    return this.heldElsewhere
  }

  isPassing(pairId: string): boolean {
    return this.passing.has(pairId)
  }

  progressOf(pairId: string): PassProgress | null {
    return this.progress.get(pairId) ?? null
  }

  conflictsOf(pairId: string): { path: string; copy: string | null }[] {
    return this.conflicts.get(pairId) ?? []
  }

  /** The service of the running watch (for "Sync now"), or a service for one pass when not watching. */
  serviceFor(session: Session): SyncService {
    return this.running?.session === session ? this.running.service : this.newService(session)
  }

  /** Watches every pair with `session` (after the watch of another session, if any, has stopped). */
  start(session: Session): void {
    this.wanted = session
    void this.settle()
  }

  /** Stops watching; resolves once the passes under way have ended. */
  stop(): Promise<void> {
    this.wanted = null
    return this.settle()
  }

  /**
   * Brings the watch in line with `wanted`, one change at a time: a new watch never starts before
   * the old one let go of the runner lock (it would find its own process holding it).
   */
  private settle(): Promise<void> {
    this.transition = this.transition.then(async () => {
      const running = this.running
      if (running && running.session === this.wanted) return
      if (running) {
        this.clearRetry()
        this.running = null
        this.heldElsewhere = null
        running.abort.abort()
        await running.done
        this.passing.clear()
        this.progress.clear()
        this.deps.events.changed()
      }
      if (this.wanted) this.begin(this.wanted)
    })
    return this.transition
  }

  /** Pairs were added or removed: the watch follows. */
  async pairsChanged(): Promise<void> {
    await this.running?.service.pairsChanged()
  }

  private begin(session: Session): void {
    const service = this.newService(session)
    const abort = new AbortController()
    const running: Running = { session, service, abort, done: Promise.resolve() }
    this.running = running
    running.done = service
      .watch(abort.signal, (result) => this.deps.events.result(result))
      .then(() => {
        if (this.heldElsewhere !== null) {
          this.heldElsewhere = null
          this.deps.events.changed()
        }
      })
      .catch((error: unknown) => {
        if (this.running !== running) return
        if (error instanceof LockHeldError) {
          const first = this.heldElsewhere === null
          this.heldElsewhere = `Another Pail on this computer is syncing these folders: ${error.message}`
          if (first) this.deps.events.changed()
          this.retryLater(running)
          return
        }
        this.log.error('app.watch-failed', { error: (error as Error).message })
        this.heldElsewhere = `Pail stopped syncing: ${(error as Error).message}`
        this.deps.events.changed()
        this.retryLater(running)
      })
    this.deps.events.changed()
  }

  private retryLater(running: Running): void {
    this.clearRetry()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.running !== running) return
      // The failed watch is over: settle starts a new one for the session still wanted.
      this.running = null
      void this.settle()
    }, this.deps.tuning?.lockRetryMs ?? 15_000)
    this.retryTimer.unref()
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  private newService(session: Session): SyncService {
    const tuning = this.deps.tuning ?? {}
    return new SyncService({
      home: this.deps.home,
      pairs: this.deps.pairs,
      history: this.deps.history,
      session,
      logger: this.log,
      runner: this.deps.runnerName,
      messageTemplate: this.deps.messageTemplate,
      ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}),
      ...(tuning.quietMs !== undefined ? { quietMs: tuning.quietMs } : {}),
      onPassStarted: (pair) => this.passStarted(pair),
      onCommitProgress: (pair, progress) => this.passProgressed(pair, progress),
    })
  }

  private passStarted(pair: SyncPair): void {
    // A pass runs only under the runner lock: whoever held it before has let go.
    this.heldElsewhere = null
    this.passing.add(pair.id)
    this.progress.delete(pair.id)
    this.deps.events.changed()
  }

  private passProgressed(pair: SyncPair, progress: CommitProgress): void {
    this.progress.set(pair.id, { ...progress })
    this.deps.events.changed()
  }

  /** Called by the core with each result (watched or not): the pass is over. */
  passEnded(result: PairResult): void {
    this.passing.delete(result.pair.id)
    this.progress.delete(result.pair.id)
    const outcome = result.outcome
    if (outcome?.status !== 'committed' || outcome.conflicts.length === 0) return
    // Kept until the copy is gone (the core looks before showing them): the person decides.
    const known = this.conflicts.get(result.pair.id) ?? []
    const fresh = outcome.conflictCopies ?? outcome.conflicts.map((path) => ({ path, copy: null }))
    const keys = new Set(fresh.map((c) => `${c.path}\0${c.copy}`))
    this.conflicts.set(result.pair.id, [...known.filter((c) => !keys.has(`${c.path}\0${c.copy}`)), ...fresh])
  }
}
