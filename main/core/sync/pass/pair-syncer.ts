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
import type { Session } from '../../auth/auth-service.js'
import { commitLink } from '../../bitbucket/api-paths.js'
import { InsideFolder } from '../../fs/inside-folder.js'
import type { HistoryStore } from '../../history/history-store.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { toLocalPath } from '../../../../shared/bitbucket/repo-path.js'
import { branchPosition, type WalkedCommit } from './branch-position.js'
import { commitChanges, type CommitContext, type Committed } from './commit-changes.js'
import { buildChangeSet, type LocalChangeSet } from './change-set.js'
import { DeletionLedger } from './deletion-ledger.js'
import { safetyCheck, type SafetyThresholds } from './deletion-guard.js'
import { HoldStore, type Hold, type HoldReason, type HoldRequest } from './hold-store.js'
import { IgnoreRules } from '../local/ignore-rules.js'
import { emptyIndex, IndexStore } from '../local/index-store.js'
import { changeTrailer, Journal } from './journal.js'
import { applyRemote } from '../remote/apply-remote.js'
import { recoverJournal } from './journal-recovery.js'
import { restoreHeld } from './restore-held.js'
import { UnconfirmedChanges } from './unconfirmed-changes.js'
import { reconcile, type LocalChange, type RemoteChange } from './reconcile.js'
import { listFiles, remoteChanges, type RepoRef } from '../remote/remote-tree.js'
import { StagingRecord } from '../remote/staging-record.js'
import { UnappliedStore } from '../remote/unapplied-store.js'
import { scanFolder, scanPaths } from '../local/scanner.js'
import type { SkippedPath } from '../local/skipped.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { PairIndex } from '../types.js'

export interface PairSyncDeps {
  session: Session
  history: HistoryStore
  /** Where the pair's index and journal live (`<pail home>/pairs/<id>`). */
  stateDir: string
  /** Names conflict copies, e.g. the computer's name. */
  device: string
  logger?: Logger
  thresholds?: Partial<SafetyThresholds>
  /** How long deletions count together towards the thresholds (default 24 h; deletion-ledger.ts). */
  deletionWindowMs?: number
  messageTemplate?: string
  now?: () => number
  /** Caps per commit; a larger change set becomes several commits (defaults: 2,000 files, 1 GiB). */
  maxFilesPerCommit?: number
  maxBytesPerCommit?: number
  /** Called between Bitbucket's 201 and the index write (tests kill the process here). */
  afterCommitLanded?: (commit: string) => Promise<void>
}

/** What a pass looked at and did not sync: a full scan's skips, or a partial scan's within `scope`. */
export interface PassSkips {
  skipped: SkippedPath[]
  /** Absent for a scan of the whole folder; for a scan of dirty paths, the paths it covered. */
  scope?: string[]
}

export type SyncOutcome =
  | ({ status: 'up-to-date'; downloaded: number } & PassSkips)
  | (Committed & PassSkips)
  | { status: 'held'; reason: HoldReason; message: string }

/** Options of one pass. */
export interface PassOptions {
  /**
   * Look only at these folder-relative paths (files or folders: the watcher's dirty paths)
   * instead of scanning the whole folder. The branch is always compared in full.
   */
  paths?: ReadonlySet<string>
}

/** How often a pass starts again after a 409 before it gives up for now. */
const MAX_STALE_ROUNDS = 5
/** How often a pass compares again files that changed here while it brought the branch's versions in. */
const MAX_RECOMPARE_ROUNDS = 3
/** A commit that changes nothing (it creates a branch); the pass fills in the rest. */
const EMPTY_PLAN = { uploads: [], deletions: [], hashed: new Map(), deletedLocal: [], conflicts: [] }
const MAX_FILES_PER_COMMIT = 2000
const MAX_BYTES_PER_COMMIT = 1024 ** 3

/**
 * The uploads that fit in one commit under the caps (at least one, however large). Deletions go
 * with the last batch, so a move never deletes before the new copy is stored.
 */
export function takeBatch<T extends { size: number }>(
  uploads: readonly T[],
  maxFiles: number,
  maxBytes: number,
): { batch: T[]; rest: number } {
  const batch: T[] = []
  let bytes = 0
  for (const upload of uploads) {
    if (batch.length > 0 && (batch.length >= maxFiles || bytes + upload.size > maxBytes)) break
    batch.push(upload)
    bytes += upload.size
  }
  return { batch, rest: uploads.length - batch.length }
}

/** A link in the branch pointing outside the folder, which Pail does not create, as a skipped path. */
function remoteLinkSkip(path: string): SkippedPath {
  return {
    path,
    reason: 'link-outside',
    message: `“${path}” in Bitbucket is a shortcut (symbolic link) to something outside the synced folder, so Pail does not create it here.`,
  }
}

function localMapOf(changes: LocalChangeSet): Map<string, LocalChange> {
  const map = new Map<string, LocalChange>()
  for (const upload of changes.uploads) map.set(upload.repoPath, 'upload')
  for (const path of changes.deletions) map.set(path, 'delete')
  return map
}

/** What a pass gathers across its attempts. */
interface PassState {
  downloaded: number
  conflicts: string[]
  /** Conflicts already named in a commit's history entry. */
  noted: number
  committed: Committed | null
  /** Branch paths already in the folder as of `broughtInAt`: not downloaded twice at the same tip. */
  broughtIn: Set<string>
  broughtInAt: string | null
}

export class PairSyncer {
  private readonly index: IndexStore
  private readonly journal: Journal
  private readonly holds: HoldStore
  private readonly ledger: DeletionLedger
  private readonly staging: StagingRecord
  private readonly unapplied: UnappliedStore
  private readonly unconfirmed: UnconfirmedChanges
  private readonly inside: InsideFolder

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

  private async pass(options: PassOptions): Promise<SyncOutcome> {
    const { api } = this.deps.session
    const pair = this.pair
    // Temporary files a killed process left in the folder go first.
    await this.staging.sweep(this.inside)
    let index: PairIndex = await this.index.load()
    index = await recoverJournal(
      {
        api,
        ref: this.ref,
        branch: pair.branch,
        pairId: pair.id,
        journal: this.journal,
        index: this.index,
        history: this.deps.history,
        linkOf: (commit) => commitLink(this.deps.session.account.webUrl, this.ref, commit),
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
    const rules = await IgnoreRules.load(pair.folder)
    let hold = await this.holds.read()
    if (hold?.resolution === 'restore') {
      index = await restoreHeld(
        {
          api,
          ref: this.ref,
          pair,
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
    const confirmed: ReadonlySet<string> = new Set(hold?.resolution === 'delete' ? hold.deletions : [])
    let unapplied = await this.unapplied.read()
    const state: PassState = {
      downloaded: 0,
      conflicts: [],
      noted: 0,
      committed: null,
      broughtIn: new Set(),
      broughtInAt: null,
    }
    const scope = options.paths ? new Set(options.paths) : null
    let fresh = false
    let staleRounds = 0
    let recompareRounds = 0
    const late = await this.lateCommits()
    for (;;) {
      const position = await branchPosition({
        api,
        ref: this.ref,
        pair,
        index,
        hold,
        logger: this.log,
        ...(late.watch ? { onCommit: late.watch } : {}),
      })
      await late.settle()
      if (position.kind === 'held') return this.held(position.request)
      if (position.fresh && !fresh) {
        // The branch no longer holds the last synced commit: nothing Pail knew of it is assumed.
        fresh = true
        index = emptyIndex(pair.branch)
        unapplied = new Map()
        this.log.warn('sync.compare-afresh', { pair: pair.id })
      }
      const tip = position.tip
      const scan = scope ? await scanPaths(pair.folder, scope, { rules }) : await scanFolder(pair.folder, { rules })
      const local = await buildChangeSet(scan, index, {
        pathInRepo: pair.pathInRepo,
        isIgnored: (p) => rules.isIgnored(p, false),
      })
      // The change set's list holds the scan's skips plus its own (too large, changing, unreadable when hashed).
      const skips: PassSkips = { skipped: local.skipped, ...(scan.scope ? { scope: scan.scope } : {}) }
      const verdict = safetyCheck(local, index, scan, this.deps.thresholds, {
        confirmed,
        recent: await this.ledger.recent(this.now()),
      })
      if (!verdict.ok) {
        // Told to create the deleted branch again, but what changed here needs its own answer: the
        // branch comes back as last synced (an empty commit on the last synced commit), so the
        // person's answer is carried out, and the new hold asks about the rest.
        if (position.creates && !position.fresh && hold?.resolution === 'recreate-branch') {
          const created = await commitChanges(this.commitContext(), {
            ...EMPTY_PLAN,
            index,
            parent: tip,
            creates: true,
            confirmed,
          })
          if (created === 'stale') continue
          await this.release(hold)
        }
        return this.held({ reason: verdict.hold, message: verdict.message, deletions: verdict.deletions })
      }
      for (const [path, entry] of local.unchanged) index.files[path] = entry

      const remote = await this.remoteSide(index, tip, unapplied)
      if (state.broughtInAt !== tip) {
        state.broughtIn.clear()
        state.broughtInAt = tip
      }
      for (const path of state.broughtIn) remote.delete(path)
      const actions = reconcile(localMapOf(local), remote)
      const run = this.staging.start(this.inside)
      let applied
      try {
        applied = await applyRemote({
          api,
          ref: this.ref,
          pair,
          tip,
          actions,
          local,
          index,
          device: this.deps.device,
          now: this.deps.now ?? Date.now,
          inside: this.inside,
          staging: run,
          logger: this.log,
        })
      } finally {
        await run.finish()
      }
      await this.index.save(index)
      state.downloaded += applied.downloaded
      for (const path of applied.conflicts) if (!state.conflicts.includes(path)) state.conflicts.push(path)
      const refused = new Map(applied.refused.map((r) => [r.path, r]))
      for (const path of remote.keys()) if (!refused.has(path)) state.broughtIn.add(path)
      this.logApplied(applied.downloaded, applied.conflicts, applied.refused)
      // Links in the branch that point outside the folder are never created: reported like the scan's skips.
      const skipsNow: PassSkips = {
        ...skips,
        skipped: [
          ...skips.skipped,
          ...applied.refused
            .filter((r) => r.reason === 'link-outside')
            .map((r) => remoteLinkSkip(this.localOf(r.path))),
        ],
      }

      const changedHere = applied.refused.filter((r) => r.reason === 'changed-here')
      if (changedHere.length > 0 && recompareRounds < MAX_RECOMPARE_ROUNDS) {
        // Changed here while the branch's version came in: compared again, now changed on both sides.
        recompareRounds++
        if (scope)
          for (const path of [...changedHere.map((r) => this.localOf(r.path)), ...applied.copies]) scope.add(path)
        continue
      }
      // What could not be brought in is remembered before the base moves past it.
      unapplied = new Map([...refused.keys()].map((path) => [path, remote.get(path)!]))
      await this.unapplied.replace(unapplied)
      // Every branch change up to the tip is now in the folder (or remembered above): the base moves
      // to the tip before anything is committed, so a commit that fails does not leave the index
      // holding files of the tip against an older base (a later diff from that base would miss a
      // file added and removed meanwhile, and the folder would keep it for ever).
      if (!position.creates && tip !== null && index.base !== tip) {
        index.base = tip
        await this.index.save(index)
      }

      const mustCreate = position.creates && tip !== null
      if (applied.uploads.length === 0 && applied.deletions.length === 0 && !mustCreate) {
        await this.finishHold(hold)
        return state.committed
          ? { ...state.committed, ...skipsNow, downloaded: state.downloaded, conflicts: state.conflicts }
          : { status: 'up-to-date', downloaded: state.downloaded, ...skipsNow }
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
      const outcome = await commitChanges(this.commitContext(), {
        index,
        parent: tip,
        creates: position.creates,
        uploads: batch.map((b) => b.upload),
        deletions: last ? applied.deletions : [],
        hashed: applied.hashed,
        deletedLocal: last ? applied.deletedLocal : [],
        conflicts: state.conflicts.slice(state.noted),
        confirmed,
      })
      if (outcome === 'stale') {
        if (++staleRounds >= MAX_STALE_ROUNDS)
          throw new Error(`The branch ${pair.branch} keeps moving while Pail commits; it will try again shortly.`)
        continue
      }
      state.noted = state.conflicts.length
      state.committed = state.committed
        ? {
            ...outcome,
            uploaded: state.committed.uploaded + outcome.uploaded,
            deleted: state.committed.deleted + outcome.deleted,
          }
        : outcome
      if (last) {
        if (hold?.resolution === 'delete') await this.ledger.confirmAll(this.now())
        await this.finishHold(hold)
        return { ...state.committed, ...skipsNow, downloaded: state.downloaded, conflicts: state.conflicts }
      }
      // More to send: the next round commits the rest on top (the index already has this batch).
      staleRounds = 0
    }
  }

  /**
   * Watches the commits the ancestry walk meets for attempts a crash left unconfirmed (they may
   * land after the restart looked): one found has its history entry corrected to "committed".
   */
  private async lateCommits(): Promise<{ watch?: (commit: WalkedCommit) => void; settle: () => Promise<void> }> {
    const watched = await this.unconfirmed.list(this.now())
    if (watched.length === 0) return { settle: async () => undefined }
    const found: { changeId: string; historyId: string; commit: string }[] = []
    return {
      watch: (commit) => {
        for (const change of watched)
          if (
            commit.message.includes(changeTrailer(change.changeId)) &&
            !found.some((f) => f.changeId === change.changeId)
          )
            found.push({ ...change, commit: commit.hash })
      },
      settle: async () => {
        const settled = found.splice(0)
        for (const { historyId, commit } of settled) {
          const link = commitLink(this.deps.session.account.webUrl, this.ref, commit)
          await this.deps.history.finishById(historyId, { status: 'committed', commit, link, error: null })
          this.log.info('sync.recovered', { pair: this.pair.id, outcome: 'landed-late', commit })
        }
        await this.unconfirmed.settle(settled.map((f) => f.changeId))
      },
    }
  }

  /** The branch's changes since the base (with those not yet brought in), or every file on a first sync. */
  private async remoteSide(
    index: PairIndex,
    tip: string | null,
    unapplied: ReadonlyMap<string, RemoteChange>,
  ): Promise<Map<string, RemoteChange>> {
    if (tip === null) return new Map()
    if (index.base === null) return this.everythingAdded(tip)
    const changes =
      tip === index.base
        ? new Map<string, RemoteChange>()
        : await remoteChanges(this.deps.session.api, this.ref, index.base, tip, this.pair.pathInRepo, this.log)
    for (const [path, change] of unapplied) if (!changes.has(path)) changes.set(path, change)
    return changes
  }

  /** First sync: every file of the branch under the pair's folder counts as added remotely. */
  private async everythingAdded(tip: string): Promise<Map<string, RemoteChange>> {
    const files = await listFiles(this.deps.session.api, this.ref, tip, this.pair.pathInRepo, this.log)
    return new Map([...files.keys()].map((path) => [path, 'added' as const]))
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

  private logApplied(
    downloaded: number,
    conflicts: string[],
    refused: readonly { path: string; reason: string }[],
  ): void {
    const pair = this.pair.id
    if (downloaded > 0) this.log.info('sync.downloaded', { pair, files: downloaded })
    if (conflicts.length > 0) this.log.warn('sync.conflicts', { pair, paths: conflicts })
    for (const r of refused) this.log.warn('sync.remote-change-refused', { pair, path: r.path, reason: r.reason })
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
    }
  }

  private localOf(repoPath: string): string {
    return toLocalPath(repoPath, this.pair.pathInRepo)
  }
}
