/**
 * Runs the sync pairs: once (`pail sync --once`) or continuously, with a watcher per folder, a
 * poll of the branch for other people's changes, and back-off after failures (the schedule of
 * each pair is pair-scheduler.ts's, the wiring watch-session.ts's). Each pair's last state is
 * written to `<pail home>/pairs/<id>/status.json` so any process can show it. Only one process
 * per home runs passes (runner-lock.ts): `watch`, `syncAllOnce` and `syncPair` reject with
 * LockHeldError at once when another one does.
 */
import { stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import pLimit, { type LimitFunction } from 'p-limit'
import type { Session } from '../../auth/auth-service.js'
import type { HistoryStore } from '../../history/history-store.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { MAX_LISTED_SKIPS, statusStore, type PairStatus } from './status-store.js'
import type { FlushRequest, Timers } from '../local/dirty-tracker.js'
import { FolderWatcher } from '../local/folder-watcher.js'
import { IgnoreRules } from '../local/ignore-rules.js'
import type { PairStore } from '../pairs/pair-store.js'
import { PairSyncer } from '../pass/pair-syncer.js'
import type { PassOptions, SyncOutcome } from '../pass/pass-run.js'
import type { CommitProgress } from '../../bitbucket/src-commit.js'
import { repoBase } from '../../bitbucket/api-paths.js'
import { isPaused, type SyncPair } from '../pairs/sync-pair.js'
import {
  classifyFailure,
  describeNextAttempt,
  failureMessage,
  type BackoffPolicy,
  type RetryAdvice,
} from './backoff.js'
import type { NextAttempt, PassVerdict, Ran } from './pair-scheduler.js'
import { SyncRunnerLock } from './runner-lock.js'
import { mergeSkips, type SkipList } from './skip-merge.js'
import { WatchSession, type PairWatcher } from './watch-session.js'
export type { PairState, PairStatus } from './status-store.js'
export { LockHeldError } from '../../store/home-locks.js'

export interface SyncServiceDeps {
  home: string
  pairs: PairStore
  history: HistoryStore
  session: Session
  logger?: Logger
  device?: string
  /** How often the branch is checked for other people's changes while watching (default 60 s). */
  pollMs?: number
  /** Quiet period after the last change before a pass (default 3 s). */
  quietMs?: number
  /** How often watch mode looks at the whole folder, besides the watcher's paths (default 1 h). */
  fullScanMs?: number
  /** Waits after failures (defaults in backoff.ts: 2 s doubling to 15 min; 429: 5 min doubling to 60 min). */
  backoff?: Partial<BackoffPolicy>
  /** The commit message template (settings `commitMessageTemplate`), or where to read it before each pass; see commit-message.ts. */
  messageTemplate?: string | (() => string)
  /** Told when a pass of a pair starts (the window shows the folder as syncing). */
  onPassStarted?: (pair: SyncPair) => void
  /** Told a pass's commit bytes as they are sent. */
  onCommitProgress?: (pair: SyncPair, progress: CommitProgress) => void
  /** False: read other people's changes over the REST API only (PairSyncDeps.readBranchOverGit; tests of that path). */
  readBranchOverGit?: boolean
  /** What this process is, for the message a second sync runner gets: "pail sync", "the Pail app". */
  runner?: string
  /** Watch mode's clock and timers, and the jitter's randomness (tests). */
  timers?: Timers
  random?: () => number
  /** Starts watching a pair's folder (default: FolderWatcher); tests replace it. */
  startWatcher?: (pair: SyncPair, onFlush: (request: FlushRequest) => void) => Promise<PairWatcher>
}

export interface PairResult {
  pair: SyncPair
  outcome: SyncOutcome | null
  error: string | null
  /** After a failure: how it is retried (a rate limit, Bitbucket unreachable, other). */
  retry?: RetryAdvice
  /** Watch mode, after a failure: when the next attempt is (epoch ms), and the same in plain words. */
  nextAttemptAt?: number | null
  nextAttempt?: string | null
  /** A warning for people, e.g. the repository nearing Bitbucket's size limit. */
  warning?: string | null
}

/** Bitbucket warns at 2 GB and refuses new commits at 4 GB (bitbucket-api.md, changes in force). */
export const SIZE_WARNING_BYTES = 2 * 1024 ** 3
export const SIZE_LIMIT_BYTES = 4 * 1024 ** 3
/** How long a repository's size, once looked at, is trusted: each look is a REST request from the budget the office shares. */
export const SIZE_CHECK_MS = 60 * 60_000

/** A sentence about the repository's size, or null while it is comfortably small. */
export function sizeWarning(bytes: number): string | null {
  const gb = (bytes / 1024 ** 3).toFixed(1)
  if (bytes >= SIZE_LIMIT_BYTES)
    return `The repository has reached Bitbucket's 4 GB limit (${gb} GB): Bitbucket refuses new commits until it is made smaller. Ask your Bitbucket admin.`
  if (bytes >= SIZE_WARNING_BYTES)
    return `The repository uses ${gb} GB of Bitbucket's 4 GB limit. At 4 GB Bitbucket stops taking new files; consider moving large files elsewhere.`
  return null
}

/** One pass before it is saved: the result for callers, the status to write, the verdict for the schedule. */
interface Attempt {
  result: PairResult
  status: PairStatus
  verdict: PassVerdict
}

export class SyncService {
  /** One pass at a time per pair, whoever asks (watch mode, `syncPair`). */
  private readonly queues = new Map<string, LimitFunction>()
  /** Each pair's full list of skipped paths (a status lists only the first MAX_LISTED_SKIPS). */
  private readonly skipLists = new Map<string, SkipList>()
  /** Each repository's size warning as last looked at (at most once per SIZE_CHECK_MS). */
  private readonly sizeChecks = new Map<string, { at: number; warning: string | null }>()
  private readonly runner: SyncRunnerLock
  private session: WatchSession<Attempt> | null = null
  private watching = false

  constructor(private readonly deps: SyncServiceDeps) {
    this.runner = new SyncRunnerLock(deps.home, deps.runner ?? 'Pail, syncing folders', this.log)
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  stateDir(pair: SyncPair): string {
    return join(this.deps.home, 'pairs', pair.id)
  }

  /** A pair's last state; never throws (a status file that cannot be read is reported as the pair's error). */
  status(pair: SyncPair): Promise<PairStatus> {
    return pairStatus(this.deps.home, pair, this.log)
  }

  /** Reconciles every pair that is not paused, one after another; never throws for one pair's failure. */
  async syncAllOnce(): Promise<PairResult[]> {
    return this.runner.whileHeld(async () => {
      const results: PairResult[] = []
      for (const pair of await this.deps.pairs.list()) {
        if (isPaused(pair, Date.now())) continue
        results.push(await this.syncPair(pair))
      }
      return results
    })
  }

  /** One full pass of one pair, after any pass of it already running; never throws for the pair's failure. */
  syncPair(pair: SyncPair): Promise<PairResult> {
    return this.runner.whileHeld(async () => {
      const attempt = await this.queued(pair, () => this.attempt(pair, {}))
      await this.saveStatus(pair, attempt.status)
      return attempt.result
    })
  }

  /**
   * "Sync now" (the window's and the tray's button): the pair's pending changes and a pass at
   * once, skipping the back-off after failures but not a wait Bitbucket asked for. While
   * watching, the watch runs it; otherwise it is one pass of `syncPair`. Null for an unknown pair.
   */
  async syncNow(pairId: string): Promise<PairResult | null> {
    const watched = this.session?.syncNow(pairId)
    if (watched) return (await watched)?.result ?? null
    const pair = (await this.deps.pairs.list()).find((p) => p.id === pairId)
    return pair ? this.syncPair(pair) : null
  }

  /**
   * Watches every pair until `signal` aborts: a full pass at the start, then passes over the
   * watcher's dirty paths after each burst of changes, a poll of the branch every `pollMs`, a
   * full rescan every `fullScanMs`, and after a failure nothing until its back-off ends.
   * Rejects with LockHeldError at once when another process runs the sync of this home.
   */
  async watch(signal: AbortSignal, onResult: (result: PairResult) => void = () => undefined): Promise<void> {
    if (this.watching) throw new Error('This SyncService is already watching; stop that watch first.')
    this.watching = true
    await this.runner
      .whileHeld(async () => {
        const session = new WatchSession<Attempt>({
          pairs: () => this.deps.pairs.list(),
          pass: (pair, request) =>
            this.queued(pair, async () => {
              const attempt = await this.attempt(pair, request.full ? {} : { paths: request.paths })
              return { verdict: attempt.verdict, result: attempt }
            }),
          settled: (pair, ran, next) => this.settled(pair, ran, next, onResult),
          startWatcher: this.deps.startWatcher ?? ((pair, onFlush) => this.startWatcher(pair, onFlush)),
          scheduling: {
            ...(this.deps.pollMs !== undefined ? { pollMs: this.deps.pollMs } : {}),
            ...(this.deps.fullScanMs !== undefined ? { fullScanMs: this.deps.fullScanMs } : {}),
            ...(this.deps.backoff ? { backoff: this.deps.backoff } : {}),
            ...(this.deps.timers ? { timers: this.deps.timers } : {}),
            ...(this.deps.random ? { random: this.deps.random } : {}),
          },
          logger: this.log,
        })
        this.session = session
        try {
          if (signal.aborted) return
          const stopped = new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          )
          await session.start(await this.deps.pairs.list())
          await stopped
        } finally {
          this.session = null
          await session.stop()
        }
      })
      .finally(() => (this.watching = false))
  }

  /**
   * While watching: starts watching pairs added since the watch began and stops those removed
   * (the window adds and removes folders while it syncs). Does nothing when not watching.
   */
  async pairsChanged(): Promise<void> {
    const session = this.session
    if (session) await session.update(await this.deps.pairs.list())
  }

  /** Whether a watch is running in this service now (it holds the runner lock). */
  get isWatching(): boolean {
    return this.session !== null
  }

  private queued<T>(pair: SyncPair, task: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(pair.id)
    if (!queue) this.queues.set(pair.id, (queue = pLimit(1)))
    return queue(task)
  }

  /** One pass, and the status it leads to (not yet saved); never throws. */
  private async attempt(pair: SyncPair, options: PassOptions): Promise<Attempt> {
    const previous = await this.status(pair)
    try {
      this.deps.onPassStarted?.(pair)
      const template =
        typeof this.deps.messageTemplate === 'function' ? this.deps.messageTemplate() : this.deps.messageTemplate
      const onProgress = this.deps.onCommitProgress
      const syncer = new PairSyncer(pair, {
        session: this.deps.session,
        history: this.deps.history,
        stateDir: this.stateDir(pair),
        device: this.deps.device ?? hostname(),
        logger: this.log,
        ...(template ? { messageTemplate: template } : {}),
        ...(onProgress ? { onCommitProgress: (progress: CommitProgress) => onProgress(pair, progress) } : {}),
        ...(this.deps.readBranchOverGit === false ? { readBranchOverGit: false } : {}),
      })
      const outcome = await syncer.syncOnce(options)
      if (outcome.status === 'held')
        return {
          result: { pair, outcome, error: null },
          status: { ...previous, state: 'held', message: outcome.message, nextAttemptAt: null },
          verdict: { kind: 'held' },
        }
      const skips = mergeSkips(
        this.skipLists.get(pair.id) ?? {
          skipped: previous.skipped,
          unlisted: Math.max(0, previous.skippedCount - previous.skipped.length),
        },
        outcome,
      )
      this.skipLists.set(pair.id, skips)
      const status: PairStatus = {
        pairId: pair.id,
        state: 'up-to-date',
        message:
          outcome.status === 'committed'
            ? `Uploaded ${outcome.uploaded} and deleted ${outcome.deleted} file(s)`
            : 'Up to date',
        lastSyncAt: Date.now(),
        lastCommit: outcome.status === 'committed' ? outcome.commit : previous.lastCommit,
        skipped: skips.skipped.slice(0, MAX_LISTED_SKIPS),
        skippedCount: skips.skipped.length + skips.unlisted,
        nextAttemptAt: null,
      }
      const warning = outcome.status === 'committed' ? await this.repositoryWarning(pair) : null
      if (warning) status.message = `${status.message}. ${warning}`
      if (outcome.status === 'committed' && outcome.conflicts.length > 0) {
        status.state = 'held'
        status.message = `Changed here and in Bitbucket: both versions kept for ${outcome.conflicts.join(', ')}. Compare them and delete the copy you do not need.`
      }
      return {
        result: { pair, outcome, error: null, warning },
        status,
        verdict: { kind: 'done', scanned: options.paths ? 'paths' : 'full' },
      }
    } catch (error) {
      return this.failed(pair, previous, error)
    }
  }

  /** A pass that failed: the error in plain words, the previous skips and sync kept. */
  private failed(pair: SyncPair, previous: PairStatus, error: unknown): Attempt {
    const retry = classifyFailure(error)
    const message = failureMessage(error, retry)
    this.log.error('sync.failed', { pair: pair.id, kind: retry.kind, error: (error as Error).message })
    return {
      result: { pair, outcome: null, error: message, retry },
      status: { ...previous, state: 'error', message, nextAttemptAt: null },
      verdict: { kind: 'failed', retry },
    }
  }

  /** A watched pass has ended and its next attempt is decided: save the status, tell the caller. */
  private async settled(
    pair: SyncPair,
    ran: Ran<Attempt>,
    next: NextAttempt | null,
    onResult: (result: PairResult) => void,
  ): Promise<void> {
    const attempt =
      ran.result ?? (ran.thrown !== undefined ? this.failed(pair, await this.status(pair), ran.thrown) : null)
    if (!attempt) return
    if (next) {
      const words = describeNextAttempt(next.at, this.deps.timers?.now() ?? Date.now())
      attempt.status.nextAttemptAt = next.at
      attempt.status.message = `${attempt.status.message} ${words}`
      attempt.result.nextAttemptAt = next.at
      attempt.result.nextAttempt = words
    }
    await this.saveStatus(pair, attempt.status)
    try {
      onResult(attempt.result)
    } catch (error) {
      this.log.error('sync.report-failed', { pair: pair.id, error: (error as Error).message })
    }
  }

  /** Writes a pair's status; a failure is logged, never thrown (the next pass writes it again). */
  private async saveStatus(pair: SyncPair, status: PairStatus): Promise<void> {
    try {
      await statusStore(this.stateDir(pair), this.log).replace(status)
    } catch (error) {
      this.log.error('sync.status-write-failed', { pair: pair.id, error: (error as Error).message })
    }
  }

  /** The default folder watcher: FolderWatcher with the folder's rules and the quiet period. */
  private async startWatcher(pair: SyncPair, onFlush: (request: FlushRequest) => void): Promise<PairWatcher> {
    // chokidar watches a missing folder silently; say it is missing, so its passes scan in full.
    if (!(await stat(pair.folder)).isDirectory()) throw new Error(`${pair.folder} is not a folder`)
    return FolderWatcher.start({
      root: pair.folder,
      rules: await IgnoreRules.load(pair.folder),
      onFlush,
      logger: this.log,
      ...(this.deps.quietMs ? { tracker: { quietMs: this.deps.quietMs } } : {}),
    })
  }

  /** The size warning of a pair's repository, if it nears Bitbucket's limits. */
  private async repositoryWarning(pair: SyncPair): Promise<string | null> {
    const key = `${pair.workspace}/${pair.repository}`
    const last = this.sizeChecks.get(key)
    if (last && Date.now() - last.at < SIZE_CHECK_MS) return last.warning
    try {
      const repo = await this.deps.session.api.getJson<{ size?: number }>(repoBase(pair))
      const warning = typeof repo.size === 'number' ? sizeWarning(repo.size) : null
      this.sizeChecks.set(key, { at: Date.now(), warning })
      return warning
    } catch {
      return null
    }
  }
}

/**
 * A pair's last state as recorded in `<home>/pairs/<id>/status.json` (paused shown as such), for
 * any process; never throws (a status file that cannot be read is reported as the pair's error).
 */
export async function pairStatus(home: string, pair: SyncPair, log: Logger = silentLogger): Promise<PairStatus> {
  const stateDir = join(home, 'pairs', pair.id)
  let saved: PairStatus | null
  try {
    saved = await statusStore(stateDir, log).read()
  } catch (error) {
    const file = join(stateDir, 'status.json')
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    log.error('sync.status-unreadable', { pair: pair.id, file, error: (error as Error).message })
    return {
      ...blankStatus(pair),
      state: 'error',
      message: `Pail cannot read what it last recorded for this folder (${file}: ${code}). Syncing goes on; if this message stays, delete that file and Pail writes it afresh.`,
    }
  }
  if (isPaused(pair, Date.now()))
    return {
      ...(saved ?? blankStatus(pair)),
      state: 'paused',
      message: pair.paused?.until ? `Paused until ${new Date(pair.paused.until).toLocaleString()}` : 'Paused',
      nextAttemptAt: null,
    }
  return saved ?? blankStatus(pair)
}

/** The status of a pair that has no saved one yet. */
function blankStatus(pair: SyncPair): PairStatus {
  return {
    pairId: pair.id,
    state: 'syncing',
    message: 'Not synced yet',
    lastSyncAt: null,
    lastCommit: null,
    skipped: [],
    skippedCount: 0,
    nextAttemptAt: null,
  }
}
