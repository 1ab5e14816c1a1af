/**
 * When one pair's next pass runs, in watch mode. Everything that wants a pass (the watcher's
 * dirty paths, the branch poll, the slow full rescan, "Sync now", a retry) only asks; the
 * scheduler keeps one "next attempt at" per pair and at most one timer, so asking never adds a
 * pass of its own:
 * - one pass at a time; what is asked while one runs is gathered and runs right after it;
 * - a pass looks at the paths asked for, or at the whole folder at the start, after an overflow
 *   or a watcher error (a rescan request) and on a slow timer (default 1 h, like Syncthing);
 * - every pass compares the branch, so each one counts as a poll;
 * - the poll is fast for a few minutes after a change here (someone is working: their colleagues'
 *   answers come soon), then slows down step by step to the idle poll, so that another person's
 *   change is seen within a minute or two without polling fast all day; each poll is told apart by
 *   a little jitter so that an office's computers do not ask together;
 * - after a failure nothing runs before the back-off ends (backoff.ts), whatever asks; the paths
 *   of the failed pass are kept for the next one, so nothing is lost while Bitbucket is away.
 */
import { silentLogger, type Logger } from '../../log/logger.js'
import { systemTimers, type Timers } from '../local/dirty-tracker.js'
import {
  classifyFailure,
  DEFAULT_BACKOFF,
  retryDelayMs,
  type BackoffPolicy,
  type FailureKind,
  type RetryAdvice,
} from './backoff.js'

/** Why a pass runs, for the log. */
export type PassReason = 'start' | 'changes' | 'rescan' | 'poll' | 'full-scan' | 'retry' | 'sync-now'

/** What one pass is to look at. */
export interface PassRequest {
  /** The whole folder; otherwise only `paths` (the branch is compared in full either way). */
  full: boolean
  /** Folder-relative paths (files or folders) to look at when not `full`; may be empty (a poll). */
  paths: ReadonlySet<string>
  reasons: PassReason[]
}

/** How a pass ended, as far as scheduling is concerned. */
export type PassVerdict =
  /** It ran; `scanned` says whether it looked at the whole folder. */
  | { kind: 'done'; scanned: 'full' | 'paths' }
  /** It waits for a person (a mass delete): its paths are looked at again with the next pass. */
  | { kind: 'held' }
  /** Nothing ran (the pair is paused): its paths wait for the next pass. */
  | { kind: 'idle' }
  /** The pair is gone: the scheduler stops. */
  | { kind: 'gone' }
  | { kind: 'failed'; retry: RetryAdvice }

/** A pass that ran: its verdict, and the result handed to whoever waits for it. */
export interface Ran<R> {
  verdict: PassVerdict
  /** Null when no pass ran (paused, gone) or it threw. */
  result: R | null
  /** What it threw, when it did (the runner's own failures are results, not throws). */
  thrown?: unknown
}

/** The attempt after a failure. */
export interface NextAttempt {
  at: number
  delayMs: number
  /** Consecutive failed passes so far. */
  failures: number
  kind: FailureKind
}

/** The branch poll's cadence when no fixed `pollMs` is given. */
export interface PollCadence {
  /** The poll right after a change here (default 15 s). */
  activeMs: number
  /** How long after the last change here the poll stays that fast (default 3 min). */
  activeForMs: number
  /** The slowest poll, reached by doubling after the fast period (default 60 s). */
  idleMs: number
  /** Each poll's delay is moved by up to this share, either way (default 0.1). */
  jitter: number
}

export const DEFAULT_CADENCE: PollCadence = { activeMs: 15_000, activeForMs: 3 * 60_000, idleMs: 60_000, jitter: 0.1 }

/** Options of a PairScheduler. */
export interface PairSchedulerOptions<R> {
  /** For the log. */
  pairId: string
  /** Runs one pass; should not throw (a throw counts as a failure and is logged). */
  run(request: PassRequest): Promise<Ran<R>>
  /** Told how a pass ended once its next attempt is decided (null: none beyond the normal poll), before the next pass. */
  settled?(ran: Ran<R>, next: NextAttempt | null): Promise<void>
  /** A fixed branch poll, without the cadence (tests and tuning); absent: `cadence` decides. */
  pollMs?: number
  /** The adaptive poll (DEFAULT_CADENCE for what is not given); ignored when `pollMs` is given. */
  cadence?: Partial<PollCadence>
  /** The full rescan (default 1 h). */
  fullScanMs?: number
  /** Above this many pending paths, look at the whole folder instead (default 500, as the tracker). */
  maxPaths?: number
  backoff?: Partial<BackoffPolicy>
  timers?: Timers
  /** In [0, 1), for the jitter. */
  random?: () => number
  logger?: Logger
}

/** Timers cannot wait longer than this (about 24.8 days); a longer wait is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** The schedule of one pair's passes. */
export class PairScheduler<R> {
  private readonly timers: Timers
  private readonly policy: BackoffPolicy
  /** A fixed poll, or null for the cadence. */
  private readonly fixedPollMs: number | null
  private readonly cadence: PollCadence
  /** The last change here (or the start): the poll is fast for `cadence.activeForMs` after it. */
  private lastActivityAt: number
  /** The cadence's current poll interval, before jitter. */
  private pollIntervalMs: number
  private readonly fullScanMs: number
  private readonly log: Logger
  private pendingPaths = new Set<string>()
  private pendingFull = true
  private readonly reasons = new Set<PassReason>(['start'])
  /** Whether pending work asks for a pass as soon as the back-off allows (not only at the next poll). */
  private due = true
  private nextPollAt: number
  private nextFullScanAt: number
  /** The back-off: no pass starts before this. */
  private notBefore = 0
  /** Until when Bitbucket asked us to wait: even "Sync now" respects it. */
  private rateLimitedUntil = 0
  private failures = 0
  private running: Promise<void> | null = null
  private cancelTimer: (() => void) | null = null
  private waiters: ((result: R | null) => void)[] = []
  private stopped = false

  constructor(private readonly options: PairSchedulerOptions<R>) {
    this.timers = options.timers ?? systemTimers
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff }
    this.fixedPollMs = options.pollMs ?? null
    this.cadence = { ...DEFAULT_CADENCE, ...options.cadence }
    this.fullScanMs = options.fullScanMs ?? 60 * 60_000
    this.log = options.logger ?? silentLogger
    const now = this.timers.now()
    this.lastActivityAt = now
    this.pollIntervalMs = this.cadence.activeMs
    this.nextPollAt = now + this.nextPollDelay(now)
    this.nextFullScanAt = now + this.fullScanMs
  }

  /** Starts: the first pass (a full one) runs now. */
  start(): void {
    this.arm()
  }

  /** When the next pass may start at the earliest (the back-off), or null when nothing holds it back. */
  get nextAttemptAt(): number | null {
    return this.notBefore > this.timers.now() ? this.notBefore : null
  }

  /** Whether a pass is running now. */
  get busy(): boolean {
    return this.running !== null
  }

  /** Asks for a pass looking at `paths`, or at the whole folder (`full`: a rescan). */
  request(work: { paths?: Iterable<string>; full?: boolean }): void {
    if (this.stopped) return
    if (work.full) this.markFull()
    else if (!this.pendingFull) for (const path of work.paths ?? []) this.pendingPaths.add(path)
    if (this.pendingPaths.size > (this.options.maxPaths ?? 500)) this.markFull()
    this.reasons.add(work.full ? 'rescan' : 'changes')
    this.activity()
    this.due = true
    this.arm()
  }

  /**
   * "Sync now": a pass as soon as possible, skipping the back-off after failures but not a wait
   * Bitbucket asked for. Resolves with the result of the pass that starts after this call (null
   * if the scheduler stops first).
   */
  syncNow(): Promise<R | null> {
    if (this.stopped) return Promise.resolve(null)
    const result = new Promise<R | null>((resolve) => this.waiters.push(resolve))
    this.reasons.add('sync-now')
    this.activity()
    this.due = true
    const now = this.timers.now()
    this.notBefore = this.rateLimitedUntil > now ? this.rateLimitedUntil : 0
    this.arm()
    return result
  }

  /** Stops scheduling; resolves once a running pass has ended. */
  async stop(): Promise<void> {
    this.stopped = true
    this.cancel()
    for (const waiter of this.waiters.splice(0)) waiter(null)
    await this.running
  }

  /** A change here: the poll is fast again. */
  private activity(): void {
    this.lastActivityAt = this.timers.now()
    this.pollIntervalMs = this.cadence.activeMs
  }

  /**
   * How long until the next poll, from a pass that ended at `now`: the fixed poll; or the fast poll
   * while a change here is recent, then twice the last interval each time up to the idle poll,
   * with jitter.
   */
  private nextPollDelay(now: number): number {
    if (this.fixedPollMs !== null) return this.fixedPollMs
    const { activeMs, activeForMs, idleMs, jitter } = this.cadence
    this.pollIntervalMs =
      now - this.lastActivityAt < activeForMs ? activeMs : Math.min(idleMs, Math.max(activeMs, this.pollIntervalMs * 2))
    const random = this.options.random ?? Math.random
    return Math.round(this.pollIntervalMs * (1 - jitter + 2 * jitter * random()))
  }

  private markFull(): void {
    this.pendingFull = true
    this.pendingPaths = new Set()
  }

  /** (Re)sets the one timer to when the next pass is due. */
  private arm(): void {
    this.cancel()
    if (this.stopped || this.running) return
    const now = this.timers.now()
    const wanted = Math.min(this.due ? now : Infinity, this.nextPollAt, this.nextFullScanAt)
    const at = Math.max(wanted, this.notBefore)
    this.cancelTimer = this.timers.setTimer(
      () => {
        this.cancelTimer = null
        if (this.timers.now() < at) this.arm()
        else this.fire()
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - now)),
    )
  }

  private cancel(): void {
    this.cancelTimer?.()
    this.cancelTimer = null
  }

  private fire(): void {
    if (this.stopped || this.running) return
    const now = this.timers.now()
    if (now >= this.nextFullScanAt) {
      this.markFull()
      this.reasons.add('full-scan')
    }
    if (now >= this.nextPollAt) this.reasons.add('poll')
    if (this.failures > 0) this.reasons.add('retry')
    const request: PassRequest = {
      full: this.pendingFull,
      paths: this.pendingPaths,
      reasons: [...this.reasons],
    }
    this.pendingPaths = new Set()
    this.pendingFull = false
    this.reasons.clear()
    this.due = false
    const waiting = this.waiters.splice(0)
    this.running = this.runOnce(request, waiting).finally(() => {
      this.running = null
      this.arm()
    })
  }

  private async runOnce(request: PassRequest, waiting: ((result: R | null) => void)[]): Promise<void> {
    if (!(request.reasons.length === 1 && request.reasons[0] === 'poll'))
      this.log.info('sync.pass-start', {
        pair: this.options.pairId,
        why: request.reasons.join(','),
        scope: request.full ? 'folder' : `${request.paths.size} path(s)`,
      })
    let ran: Ran<R>
    try {
      ran = await this.options.run(request)
    } catch (error) {
      // The runner turns what it knows into results; this is the last guard, so that one pair's
      // surprise (a store that cannot be read, a bug) becomes its error and never stops the rest.
      this.log.error('sync.pass-crashed', { pair: this.options.pairId, error: (error as Error).message })
      ran = { verdict: { kind: 'failed', retry: classifyFailure(error) }, result: null, thrown: error }
    }
    const next = this.settle(request, ran.verdict)
    try {
      await this.options.settled?.(ran, next)
    } catch (error) {
      this.log.error('sync.settle-failed', { pair: this.options.pairId, error: (error as Error).message })
    }
    for (const waiter of waiting) waiter(ran.result)
  }

  /** Moves the schedule on after a pass; returns the attempt after a failure. */
  private settle(request: PassRequest, verdict: PassVerdict): NextAttempt | null {
    const now = this.timers.now()
    switch (verdict.kind) {
      case 'done':
        this.failures = 0
        this.notBefore = 0
        this.rateLimitedUntil = 0
        this.nextPollAt = now + this.nextPollDelay(now)
        if (verdict.scanned === 'full') this.nextFullScanAt = now + this.fullScanMs
        return null
      case 'held':
      case 'idle':
        // Not a failure: nothing to back off from. The paths wait for the next pass, which the
        // next poll or change brings.
        this.failures = 0
        this.notBefore = 0
        this.keep(request)
        this.nextPollAt = now + this.nextPollDelay(now)
        return null
      case 'gone':
        this.stopped = true
        return null
      case 'failed': {
        this.failures++
        this.keep(request)
        this.due = true
        const delayMs = retryDelayMs(verdict.retry, this.failures, this.options.random ?? Math.random, this.policy)
        this.notBefore = now + delayMs
        if (verdict.retry.kind === 'rate-limited') this.rateLimitedUntil = this.notBefore
        this.log.warn('sync.backoff', {
          pair: this.options.pairId,
          kind: verdict.retry.kind,
          failures: this.failures,
          delayMs,
          nextAttemptAt: new Date(this.notBefore).toISOString(),
        })
        return { at: this.notBefore, delayMs, failures: this.failures, kind: verdict.retry.kind }
      }
    }
  }

  /** Puts a pass's work back, so the next pass looks at it too. */
  private keep(request: PassRequest): void {
    if (request.full) this.markFull()
    else if (!this.pendingFull) for (const path of request.paths) this.pendingPaths.add(path)
    for (const reason of request.reasons) if (reason !== 'poll' && reason !== 'retry') this.reasons.add(reason)
  }
}
