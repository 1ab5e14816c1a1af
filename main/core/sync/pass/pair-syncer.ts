/**
 * One reconciliation of one sync pair (DESIGN.md §4): the folder and the branch are compared
 * with the index, the branch's changes are brought into the folder, the folder's changes become
 * one commit on top of the branch tip, and only after Bitbucket's 201 does the index move.
 * A 409 (the branch moved meanwhile) starts the comparison again from the new tip.
 */
import { join } from 'node:path'
import type { Session } from '../../auth/auth-service.js'
import { StaleParentError } from '../../bitbucket/commit-errors.js'
import { createCommit } from '../../bitbucket/src-commit.js'
import type { HistoryFile, HistoryStore } from '../../history/history-store.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { toLocalPath } from '../../../../shared/bitbucket/repo-path.js'
import { buildChangeSet, safetyCheck, type LocalChangeSet, type SafetyThresholds } from './change-set.js'
import { commitMessage, DEFAULT_TEMPLATE } from './commit-message.js'
import { IgnoreRules } from '../local/ignore-rules.js'
import { IndexStore } from '../local/index-store.js'
import { changeTrailer, Journal, newChangeId } from './journal.js'
import { applyRemote } from '../remote/apply-remote.js'
import { recoverJournal } from './journal-recovery.js'
import { reconcile, type LocalChange } from './reconcile.js'
import { branchTip, listFiles, remoteChanges, type RepoRef } from '../remote/remote-tree.js'
import { scanFolder, scanPaths } from '../local/scanner.js'
import type { SkippedPath } from '../local/skipped.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { PairIndex, Upload } from '../types.js'

export interface PairSyncDeps {
  session: Session
  history: HistoryStore
  /** Where the pair's index and journal live (`<pail home>/pairs/<id>`). */
  stateDir: string
  /** Names conflict copies, e.g. the computer's name. */
  device: string
  logger?: Logger
  thresholds?: Partial<SafetyThresholds>
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

/** What the commits of a pass did. */
interface Committed {
  status: 'committed'
  commit: string
  uploaded: number
  deleted: number
  downloaded: number
  conflicts: string[]
}

export type SyncOutcome =
  | ({ status: 'up-to-date'; downloaded: number } & PassSkips)
  | (Committed & PassSkips)
  | { status: 'held'; reason: string; message: string }

/** Options of one pass. */
export interface PassOptions {
  /** Lets a held change set (mass delete, emptied folder) go through. */
  confirmed?: boolean
  /**
   * Look only at these folder-relative paths (files or folders: the watcher's dirty paths)
   * instead of scanning the whole folder. The branch is always compared in full.
   */
  paths?: ReadonlySet<string>
}

const MAX_ATTEMPTS = 5
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

/** The web page of a commit, for people. */
export function commitLink(webUrl: string, ref: RepoRef, commit: string): string {
  return `${webUrl}/${encodeURIComponent(ref.workspace)}/${encodeURIComponent(ref.repository)}/commits/${commit}`
}

function localMapOf(changes: LocalChangeSet): Map<string, LocalChange> {
  const map = new Map<string, LocalChange>()
  for (const upload of changes.uploads) map.set(upload.repoPath, 'upload')
  for (const path of changes.deletions) map.set(path, 'delete')
  return map
}

export class PairSyncer {
  private readonly index: IndexStore
  private readonly journal: Journal

  constructor(
    private readonly pair: SyncPair,
    private readonly deps: PairSyncDeps,
  ) {
    this.index = new IndexStore(join(deps.stateDir, 'index.json'), pair.branch)
    this.journal = new Journal(deps.stateDir, deps.logger)
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger
  }

  private get ref(): RepoRef {
    return { workspace: this.pair.workspace, repository: this.pair.repository }
  }

  /** Reconciles once (see PassOptions). */
  async syncOnce(options: PassOptions = {}): Promise<SyncOutcome> {
    const { api } = this.deps.session
    const pair = this.pair
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
      },
      index,
    )
    const rules = await IgnoreRules.load(pair.folder)
    let downloaded = 0
    let committed: Committed | null = null
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const scan = options.paths
        ? await scanPaths(pair.folder, options.paths, { rules })
        : await scanFolder(pair.folder, { rules })
      const skips: PassSkips = { skipped: scan.skipped, ...(scan.scope ? { scope: scan.scope } : {}) }
      const local = await buildChangeSet(scan, index, {
        pathInRepo: pair.pathInRepo,
        isIgnored: (p) => rules.isIgnored(p, false),
      })
      if (!options.confirmed) {
        const verdict = safetyCheck(local, index, scan, this.deps.thresholds)
        if (!verdict.ok) {
          this.log.warn('sync.held', { pair: pair.id, reason: verdict.hold })
          return { status: 'held', reason: verdict.hold, message: verdict.message }
        }
      }
      for (const [path, entry] of local.unchanged) index.files[path] = entry
      const tip = await branchTip(api, this.ref, pair.branch)
      const remote =
        tip === null
          ? new Map()
          : index.base === null
            ? await this.everythingAdded(tip)
            : tip === index.base
              ? new Map()
              : await remoteChanges(api, this.ref, index.base, tip, pair.pathInRepo)
      const actions = reconcile(localMapOf(local), remote)
      const applied = await applyRemote({
        api,
        ref: this.ref,
        pair,
        tip,
        actions,
        local,
        index,
        device: this.deps.device,
        now: this.deps.now ?? Date.now,
      })
      downloaded += applied.downloaded
      await this.index.save(index)
      if (applied.uploads.length === 0 && applied.deletions.length === 0) {
        if (tip !== null && index.base !== tip) {
          index.base = tip
          await this.index.save(index)
        }
        return committed ? { ...committed, ...skips, downloaded } : { status: 'up-to-date', downloaded, ...skips }
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
      const uploads: Upload[] = batch.map((b) => b.upload)
      const last = rest === 0
      const outcome = await this.commit(
        index,
        tip,
        uploads,
        last ? applied.deletions : [],
        applied.hashed,
        last ? applied.deletedLocal : [],
        applied.conflicts,
      )
      if (outcome === 'stale') continue
      committed = committed
        ? {
            ...outcome,
            uploaded: committed.uploaded + outcome.uploaded,
            deleted: committed.deleted + outcome.deleted,
            conflicts: [...committed.conflicts, ...outcome.conflicts],
          }
        : outcome
      if (last) return { ...committed, ...skips, downloaded }
      // More to send: the next round commits the rest on top (the index already has this batch).
      attempt = 0
    }
    throw new Error(`The branch ${pair.branch} keeps moving while Pail commits; it will try again shortly.`)
  }

  /** First sync: every file of the branch under the pair's folder counts as added remotely. */
  private async everythingAdded(tip: string): Promise<Map<string, 'added'>> {
    const files = await listFiles(this.deps.session.api, this.ref, tip, this.pair.pathInRepo)
    return new Map([...files.keys()].map((path) => [path, 'added' as const]))
  }

  private async commit(
    index: PairIndex,
    tip: string | null,
    uploads: Upload[],
    deletions: string[],
    hashed: Map<string, PairIndex['files'][string]>,
    deletedLocal: string[],
    conflicts: string[],
  ): Promise<'stale' | Committed> {
    const { session, history } = this.deps
    const changeId = newChangeId()
    const added = uploads.filter((u) => !index.files[this.localOf(u.repoPath)]).map((u) => u.repoPath)
    const changed = uploads.filter((u) => index.files[this.localOf(u.repoPath)]).map((u) => u.repoPath)
    const message = `${commitMessage({ added, changed, deleted: deletions }, this.deps.messageTemplate ?? DEFAULT_TEMPLATE)}\n\n${changeTrailer(changeId)}`
    const uploadsByLocal = Object.fromEntries(
      uploads.map((u) => [this.localOf(u.repoPath), hashed.get(this.localOf(u.repoPath))!]),
    )
    const files: HistoryFile[] = [
      ...added.map((path) => ({ path, operation: 'add' as const, bytes: hashed.get(this.localOf(path))?.size ?? 0 })),
      ...changed.map((path) => ({
        path,
        operation: 'change' as const,
        bytes: hashed.get(this.localOf(path))?.size ?? 0,
      })),
      ...deletions.map((path) => ({ path, operation: 'delete' as const, bytes: 0 })),
    ]
    const entry = await history.start({
      time: Date.now(),
      source: { kind: 'pair', pairId: this.pair.id, folder: this.pair.folder },
      workspace: this.pair.workspace,
      repository: this.pair.repository,
      branch: this.pair.branch,
      files,
      ...(conflicts.length
        ? { note: `Changed here and in Bitbucket: kept both versions (${conflicts.join(', ')}).` }
        : {}),
    })
    // History first, then the journal naming it: whoever learns the outcome (this pass, or the
    // next start's recovery) finishes the same entry.
    await this.journal.write({
      changeId,
      parent: tip,
      uploads: uploadsByLocal,
      deletions: deletedLocal,
      historyId: entry.id,
      startedAt: Date.now(),
    })
    let result
    try {
      result = await createCommit(session, {
        workspace: this.pair.workspace,
        repository: this.pair.repository,
        branch: this.pair.branch,
        parents: tip,
        message,
        uploads,
        deletions,
      })
    } catch (error) {
      await this.journal.clear()
      if (error instanceof StaleParentError) {
        await history.finish(entry, {
          status: 'failed',
          error: 'Someone changed the branch at the same moment; Pail compared again and retried.',
        })
        return 'stale'
      }
      await history.finish(entry, { status: 'failed', error: (error as Error).message })
      throw error
    }
    await this.deps.afterCommitLanded?.(result.commit)
    for (const sent of result.sent) {
      const local = this.localOf(sent.repoPath)
      const planned = hashed.get(local)
      // What Bitbucket stored decides; a file that changed meanwhile keeps mtime 0 and is looked at again.
      index.files[local] = {
        size: sent.size,
        sha: sent.sha,
        mode: sent.mode,
        mtimeMs: planned && planned.sha === sent.sha ? planned.mtimeMs : 0,
      }
    }
    const gone = new Set(deletedLocal)
    index.files = Object.fromEntries(Object.entries(index.files).filter(([path]) => !gone.has(path)))
    index.base = result.commit
    await this.index.save(index)
    await this.journal.clear()
    const link = commitLink(session.account.webUrl, this.ref, result.commit)
    await history.finish(entry, { status: conflicts.length ? 'conflict' : 'committed', commit: result.commit, link })
    this.log.info('sync.committed', {
      pair: this.pair.id,
      commit: result.commit,
      uploads: uploads.length,
      deletions: deletions.length,
    })
    return {
      status: 'committed',
      commit: result.commit,
      uploaded: uploads.length,
      deleted: deletions.length,
      downloaded: 0,
      conflicts,
    }
  }

  private localOf(repoPath: string): string {
    return toLocalPath(repoPath, this.pair.pathInRepo)
  }
}
