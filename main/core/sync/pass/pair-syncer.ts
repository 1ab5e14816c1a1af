/**
 * One reconciliation of one sync pair (DESIGN.md §4): the folder and the branch are compared
 * with the index, the branch's changes are brought into the folder, the folder's changes become
 * one commit on top of the branch tip, and only after Bitbucket's 201 does the index move.
 * A 409 (the branch moved meanwhile) starts the comparison again from the new tip.
 *
 * The base (the commit the folder was last synced to) moves only past branch changes that are in
 * the folder: one refused because the file changed here meanwhile is compared again at once (the
 * path is then changed on both sides: the conflict rule keeps both versions), and one that cannot
 * be applied at all is kept in unapplied-store.ts. A branch that does not exist is started from
 * the main branch's tip, and a branch deleted on Bitbucket holds the pair until the person says to
 * create it again; no branch ever holds only part of the folder. Holds and their answers are the
 * pair's own (hold-store.ts).
 */
import { join } from 'node:path'
import { commitLink } from '../../bitbucket/api-paths.js'
import { InsideFolder } from '../../fs/inside-folder.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { toLocalPath } from '../../../../shared/bitbucket/repo-path.js'
import { branchPosition } from './branch-position.js'
import {
  type LookedHere,
  type PairSyncDeps,
  type PassOptions,
  type PassRun,
  type PassSkips,
  type Placed,
  type Round,
  type SyncOutcome,
} from './pass-run.js'
import { MAX_BYTES_PER_COMMIT, MAX_FILES_PER_COMMIT, takeBatch } from './commit-batches.js'
import { watchForLateCommits } from './late-commits.js'
import { bringIn, type BringInContext } from './bring-in.js'
import { commitChanges, type CommitContext } from './commit-changes.js'
import { buildChangeSet } from './change-set.js'
import { DeletionLedger } from './deletion-ledger.js'
import { safetyCheck } from './deletion-guard.js'
import { HoldStore, type Hold, type HoldRequest } from './hold-store.js'
import { IgnoreRules } from '../local/ignore-rules.js'
import { emptyIndex, IndexStore } from '../local/index-store.js'
import { Journal } from './journal.js'
import { quietPoll } from './quiet-poll.js'
import type { Applied } from '../remote/apply-remote.js'
import { recoverJournal } from './journal-recovery.js'
import { restoreHeld } from './restore-held.js'
import { UnconfirmedChanges } from './unconfirmed-changes.js'
import type { RepoRef } from '../remote/remote-tree.js'
import { branchTipsOf } from '../remote/branch-tips.js'
import { gitReaderOf, type GitBranchReader } from '../remote/git-branch-reader.js'
import { StagingRecord } from '../remote/staging-record.js'
import { UnappliedStore } from '../remote/unapplied-store.js'
import { scanFolder, scanPaths } from '../local/scanner.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { IndexEntry, PairIndex, Upload } from '../types.js'

/** How often a pass starts again after a 409 before it gives up for now. */
const MAX_STALE_ROUNDS = 5
/** A commit that changes nothing (it creates a branch); the pass fills in the rest. */
const EMPTY_PLAN = { uploads: [], deletions: [], hashed: new Map(), deletedLocal: [], conflicts: [] }

export class PairSyncer {
  private readonly index: IndexStore
  private readonly journal: Journal
  private readonly holds: HoldStore
  private readonly ledger: DeletionLedger
  private readonly staging: StagingRecord
  private readonly unapplied: UnappliedStore
  private readonly unconfirmed: UnconfirmedChanges
  private readonly inside: InsideFolder
  /** Other people's changes read through git (the pair's mirror), the REST API where git cannot. */
  private readonly git: GitBranchReader | null
  /** Files hashed by this pass's rounds, so a later round (the next batch) does not read them again. */
  private readonly hashed = new Map<string, IndexEntry>()

  constructor(
    private readonly pair: SyncPair,
    private readonly deps: PairSyncDeps,
  ) {
    this.index = new IndexStore(join(deps.stateDir, 'index.json'), pair.branch)
    this.journal = new Journal(deps.stateDir, deps.logger)
    this.holds = new HoldStore(deps.stateDir, deps.logger)
    this.ledger = new DeletionLedger(deps.stateDir, deps.deletionWindowMs, deps.logger)
    this.staging = new StagingRecord(deps.stateDir, deps.logger)
    this.unapplied = new UnappliedStore(deps.stateDir, deps.logger)
    this.unconfirmed = new UnconfirmedChanges(deps.stateDir, deps.logger)
    this.inside = new InsideFolder(pair.folder)
    this.git = deps.readBranchOverGit === false ? null : gitReaderOf(deps.session, pair, deps.stateDir, this.log)
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  private get ref(): RepoRef {
    return { workspace: this.pair.workspace, repository: this.pair.repository }
  }

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  /** Reconciles once (see PassOptions); logs its start and end for support. */
  async syncOnce(options: PassOptions = {}): Promise<SyncOutcome> {
    const started = Date.now()
    const pair = this.pair.id
    this.log.info('sync.pass.start', { pair, scope: options.paths ? options.paths.size : 'all' })
    try {
      const outcome = await this.pass(options)
      const ms = Date.now() - started
      if (outcome.status === 'held')
        this.log.info('sync.pass.end', { pair, status: 'held', reason: outcome.reason, ms })
      else
        this.log.info('sync.pass.end', {
          pair,
          status: outcome.status,
          uploaded: outcome.status === 'committed' ? outcome.uploaded : 0,
          deleted: outcome.status === 'committed' ? outcome.deleted : 0,
          downloaded: outcome.downloaded,
          conflicts: outcome.status === 'committed' ? outcome.conflicts.length : 0,
          skipped: outcome.skipped.length,
          ms,
        })
      return outcome
    } catch (error) {
      this.log.warn('sync.pass.failed', { pair, ms: Date.now() - started, error: (error as Error).message })
      throw error
    }
  }

  /** One pass: prepared once, then rounds until one ends it (a 409 or a file changed here starts another). */
  private async pass(options: PassOptions): Promise<SyncOutcome> {
    // No dirty path and the branch where it was: over without reading the index (quiet-poll.ts).
    if (options.paths?.size === 0) {
      const quiet = await quietPoll({
        pairId: this.pair.id,
        folder: this.pair.folder,
        inside: this.inside,
        index: this.index,
        journal: this.journal,
        history: this.deps.history,
        holds: this.holds,
        unapplied: this.unapplied,
        staging: this.staging,
        tip: () => branchTipsOf(this.deps.session).tip(this.ref, this.pair.branch),
      })
      if (quiet) return quiet
    }
    try {
      const run = await this.prepare(options)
      for (;;) {
        const round = await this.round(run)
        if (round.kind === 'done') return round.outcome
      }
    } finally {
      // Kept for one pass's rounds only: between passes the index is the record.
      this.hashed.clear()
      await this.git?.endPass()
    }
  }

  /** Before any round: leftovers of a killed process, a journalled commit, the person's restore answer. */
  private async prepare(options: PassOptions): Promise<PassRun> {
    // Temporary files a killed process left in the folder go first.
    await this.staging.sweep(this.inside)
    let index = await this.recovered(await this.index.load())
    let hold = await this.holds.read()
    if (hold?.resolution === 'restore') {
      index = await restoreHeld(
        {
          api: this.deps.session.api,
          ref: this.ref,
          pair: this.pair,
          inside: this.inside,
          staging: this.staging,
          indexStore: this.index,
          logger: this.log,
        },
        hold,
        index,
      )
      await this.release(hold)
      hold = null
    }
    return {
      index,
      rules: await IgnoreRules.load(this.pair.folder),
      hold,
      confirmed: new Set(hold?.resolution === 'delete' ? hold.deletions : []),
      unapplied: await this.unapplied.read(),
      scope: options.paths ? new Set(options.paths) : null,
      fresh: false,
      staleRounds: 0,
      recompareRounds: 0,
      next: null,
      late: await watchForLateCommits({
        pairId: this.pair.id,
        unconfirmed: this.unconfirmed,
        history: this.deps.history,
        linkOf: (commit) => this.linkOf(commit),
        logger: this.log,
        now: this.now(),
      }),
      state: {
        downloaded: 0,
        conflicts: [],
        copies: new Map(),
        noted: 0,
        committed: null,
        broughtIn: new Set(),
        broughtInAt: null,
      },
    }
  }

  /** The index as a commit that landed before a crash left it (journal-recovery.ts). */
  private recovered(index: PairIndex): Promise<PairIndex> {
    return recoverJournal(
      {
        api: this.deps.session.api,
        ref: this.ref,
        branch: this.pair.branch,
        pairId: this.pair.id,
        journal: this.journal,
        index: this.index,
        history: this.deps.history,
        linkOf: (commit) => this.linkOf(commit),
        logger: this.log,
        unconfirmed: this.unconfirmed,
        onAdopted: (entry, before) =>
          this.ledger.record(
            { paths: entry.deletions, indexedBefore: Object.keys(before.files).length, confirmed: false },
            this.now(),
          ),
      },
      index,
    )
  }

  /** One round: where the branch stands, what changed here, the branch's changes in, then a commit. */
  private async round(run: PassRun): Promise<Round> {
    const next = run.next
    run.next = null
    if (next)
      return this.commitRound(run, { kind: 'ok', tip: next.tip, creates: false }, next.applied, next.skips, true)
    const position = await branchPosition({
      api: this.deps.session.api,
      ref: this.ref,
      pair: this.pair,
      index: run.index,
      hold: run.hold,
      logger: this.log,
      // Through git: a pass that finds the branch where it was costs no REST API request.
      tips: branchTipsOf(this.deps.session).tip,
      ...(this.git ? { readCommit: this.git.commit } : {}),
      ...(run.late.watch ? { onCommit: run.late.watch } : {}),
    })
    await run.late.settle()
    if (position.kind === 'held') return { kind: 'done', outcome: await this.held(position.request) }
    if (position.fresh && !run.fresh) {
      // The branch no longer holds the last synced commit: nothing Pail knew of it is assumed.
      run.fresh = true
      run.index = emptyIndex(this.pair.branch)
      run.unapplied = new Map()
      this.log.warn('sync.compare-afresh', { pair: this.pair.id })
    }
    const here = await this.lookHere(run, position)
    if (here.kind !== 'changes') return here
    const brought = await bringIn(this.bringInContext(), run, position.tip, here.local, here.skips)
    if (brought.kind !== 'applied') return brought
    return this.commitRound(run, position, brought.applied, brought.skips)
  }

  /** What changed in the folder, and whether it may go out unasked (deletion-guard.ts). */
  private async lookHere(run: PassRun, position: Placed): Promise<Round | LookedHere> {
    const { folder } = this.pair
    const { rules } = run
    const scan = run.scope ? await scanPaths(folder, run.scope, { rules }) : await scanFolder(folder, { rules })
    const local = await buildChangeSet(scan, run.index, {
      pathInRepo: this.pair.pathInRepo,
      isIgnored: (p) => rules.isIgnored(p, false),
      hashedBefore: this.hashed,
    })
    for (const [path, entry] of local.hashed) this.hashed.set(path, entry)
    // The change set's list holds the scan's skips plus its own (too large, changing, unreadable when hashed).
    const skips: PassSkips = { skipped: local.skipped, ...(scan.scope ? { scope: scan.scope } : {}) }
    const verdict = safetyCheck(local, run.index, scan, this.deps.thresholds, {
      confirmed: run.confirmed,
      recent: await this.ledger.recent(this.now()),
    })
    if (verdict.ok) {
      for (const [path, entry] of local.unchanged) run.index.files[path] = entry
      return { kind: 'changes', local, skips }
    }
    // Told to create the deleted branch again, but what changed here needs its own answer: the
    // branch comes back as last synced (an empty commit on the last synced commit), so the
    // person's answer is carried out, and the new hold asks about the rest.
    if (position.creates && !position.fresh && run.hold?.resolution === 'recreate-branch') {
      const created = await commitChanges(this.commitContext(), {
        ...EMPTY_PLAN,
        index: run.index,
        parent: position.tip,
        creates: true,
        confirmed: run.confirmed,
      })
      if (created === 'stale') return { kind: 'again' }
      await this.release(run.hold)
    }
    return {
      kind: 'done',
      outcome: await this.held({ reason: verdict.hold, message: verdict.message, deletions: verdict.deletions }),
    }
  }

  /**
   * The folder's changes as a commit on the tip (one batch of a large change set), or the pass's
   * end. `continued`: a later batch, sent from the first round's change set (PassRun.next).
   */
  private async commitRound(
    run: PassRun,
    position: Placed,
    applied: Applied,
    skips: PassSkips,
    continued = false,
  ): Promise<Round> {
    const { state, index } = run
    const { tip } = position
    // Every branch change up to the tip is now in the folder (or remembered as unapplied): the base
    // moves to the tip before anything is committed, so a commit that fails does not leave the index
    // holding files of the tip against an older base (a later diff from that base would miss a
    // file added and removed meanwhile, and the folder would keep it for ever).
    if (!position.creates && tip !== null && index.base !== tip) {
      index.base = tip
      await this.index.save(index)
    }
    const mustCreate = position.creates && tip !== null
    if (applied.uploads.length === 0 && applied.deletions.length === 0 && !mustCreate) {
      await this.finishHold(run.hold)
      return { kind: 'done', outcome: this.finished(run, skips) }
    }
    const sized = applied.uploads.map((u) => ({
      upload: u,
      size: applied.hashed.get(this.localOf(u.repoPath))?.size ?? 0,
    }))
    const { batch, rest } = takeBatch(
      sized,
      this.deps.maxFilesPerCommit ?? MAX_FILES_PER_COMMIT,
      this.deps.maxBytesPerCommit ?? MAX_BYTES_PER_COMMIT,
    )
    const last = rest === 0
    // The folder was looked at before the first batch: what this one sends is looked at again.
    if (
      continued &&
      !(await this.stillAsFound(
        run,
        batch.map((b) => b.upload),
        last ? applied.deletedLocal : [],
      ))
    )
      return { kind: 'again' }
    const outcome = await commitChanges(this.commitContext(), {
      index,
      parent: tip,
      creates: position.creates,
      uploads: batch.map((b) => b.upload),
      deletions: last ? applied.deletions : [],
      hashed: applied.hashed,
      deletedLocal: last ? applied.deletedLocal : [],
      conflicts: state.conflicts.slice(state.noted),
      confirmed: run.confirmed,
    })
    if (outcome === 'stale') {
      if (++run.staleRounds >= MAX_STALE_ROUNDS)
        throw new Error(`The branch ${this.pair.branch} keeps moving while Pail commits; it will try again shortly.`)
      return { kind: 'again' }
    }
    state.noted = state.conflicts.length
    state.committed = state.committed
      ? {
          ...outcome,
          uploaded: state.committed.uploaded + outcome.uploaded,
          deleted: state.committed.deleted + outcome.deleted,
        }
      : outcome
    if (!last) {
      // More to send: the next round commits the rest on top (the index already has this batch),
      // without a scan of the whole folder for each batch (a first sync of 100,000 files is 50).
      run.staleRounds = 0
      run.next = { tip: outcome.commit, applied: { ...applied, uploads: applied.uploads.slice(batch.length) }, skips }
      return { kind: 'again' }
    }
    if (run.hold?.resolution === 'delete') await this.ledger.confirmAll(this.now())
    await this.finishHold(run.hold)
    return { kind: 'done', outcome: this.finished(run, skips) }
  }

  /**
   * Whether a later batch's files are still what the first round found (each there, of the same
   * kind) and its deletions still gone. Content that changed is fine: the commit records what it
   * sent. Anything else makes the next round a full one, which looks at the folder again.
   */
  private async stillAsFound(
    run: PassRun,
    uploads: readonly Upload[],
    deletedLocal: readonly string[],
  ): Promise<boolean> {
    const paths = uploads.map((u) => this.localOf(u.repoPath))
    const scan = await scanPaths(this.pair.folder, [...paths, ...deletedLocal], { rules: run.rules })
    if (scan.rootStatus !== 'ok') return false
    // A link stays a link and a file a file; a changed executable bit is recorded as sent, and looked at next pass.
    const same = uploads.every((u, i) => {
      const found = scan.entries.get(paths[i]!)
      return found !== undefined && (found.mode === 'link') === (u.mode === 'link')
    })
    if (!same || deletedLocal.some((path) => scan.entries.has(path))) {
      this.log.info('sync.batch-rescan', { pair: this.pair.id })
      return false
    }
    return true
  }

  /** The pass's outcome once nothing is left to do. */
  private finished(run: PassRun, skips: PassSkips): SyncOutcome {
    const { state } = run
    return state.committed
      ? {
          ...state.committed,
          ...skips,
          downloaded: state.downloaded,
          conflicts: state.conflicts,
          conflictCopies: state.conflicts.map((path) => ({ path, copy: state.copies.get(path) ?? null })),
        }
      : { status: 'up-to-date', downloaded: state.downloaded, ...skips }
  }

  private linkOf(commit: string): string {
    return commitLink(this.deps.session.account.webUrl, this.ref, commit)
  }

  /** Writes the hold (the person's answer to the same hold is kept) and reports it. */
  private async held(request: HoldRequest): Promise<SyncOutcome> {
    const hold = await this.holds.hold(request, this.now())
    this.log.warn('sync.held', {
      pair: this.pair.id,
      reason: hold.reason,
      deletions: hold.deletions.length,
      answered: hold.resolution,
    })
    return { status: 'held', reason: hold.reason, message: hold.message }
  }

  /** A pass went through: the hold it started with is over (its answer applied, or no longer needed). */
  private async finishHold(hold: Hold | null): Promise<void> {
    if (hold) await this.release(hold)
  }

  private async release(hold: Hold): Promise<void> {
    await this.holds.release(hold)
    this.log.info('sync.hold-released', { pair: this.pair.id, reason: hold.reason, answer: hold.resolution })
  }

  private bringInContext(): BringInContext {
    return {
      deps: this.deps,
      pair: this.pair,
      ref: this.ref,
      index: this.index,
      staging: this.staging,
      unapplied: this.unapplied,
      inside: this.inside,
      git: this.git,
      logger: this.log,
    }
  }

  private commitContext(): CommitContext {
    return {
      session: this.deps.session,
      history: this.deps.history,
      pair: this.pair,
      journal: this.journal,
      index: this.index,
      ledger: this.ledger,
      logger: this.log,
      now: () => this.now(),
      ...(this.deps.messageTemplate ? { messageTemplate: this.deps.messageTemplate } : {}),
      ...(this.deps.afterCommitLanded ? { afterCommitLanded: this.deps.afterCommitLanded } : {}),
      ...(this.deps.onCommitProgress ? { onProgress: this.deps.onCommitProgress } : {}),
    }
  }

  private localOf(repoPath: string): string {
    return toLocalPath(repoPath, this.pair.pathInRepo)
  }
}
