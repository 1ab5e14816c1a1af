/**
 * One change set becomes one commit, with everything around it that makes a crash harmless
 * (DESIGN.md §4): the history entry first, then the journal naming it, then `POST …/src`; after
 * Bitbucket's 201 the index moves to what Bitbucket stored, the history learns the outcome, and
 * only then does the journal go. The deletions it carried are added to the deletion ledger.
 */
import type { Session } from '../../auth/auth-service.js'
import { commitLink } from '../../bitbucket/api-paths.js'
import { StaleParentError } from '../../bitbucket/commit-errors.js'
import { createCommit, type CommitProgress } from '../../bitbucket/src-commit.js'
import type { HistoryFile, HistoryStore } from '../../history/history-store.js'
import type { Logger } from '../../log/logger.js'
import { toLocalPath } from '../../../../shared/bitbucket/repo-path.js'
import type { IndexStore } from '../local/index-store.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { IndexEntry, PairIndex, Upload } from '../types.js'
import { branchCreatedMessage, commitMessage, DEFAULT_TEMPLATE } from './commit-message.js'
import type { DeletionLedger } from './deletion-ledger.js'
import { lostDeletions } from './deletion-guard.js'
import { changeTrailer, newChangeId, type Journal } from './journal.js'

/** What a commit needs of the pass around it. */
export interface CommitContext {
  session: Session
  history: HistoryStore
  pair: SyncPair
  journal: Journal
  index: IndexStore
  ledger: DeletionLedger
  logger: Logger
  now: () => number
  messageTemplate?: string
  /** Called between Bitbucket's 201 and the index write (tests kill the process here). */
  afterCommitLanded?: (commit: string) => Promise<void>
  /** Told the commit's bytes as they are sent. */
  onProgress?: (progress: CommitProgress) => void
}

/** What the commits of a pass did. */
export interface Committed {
  status: 'committed'
  commit: string
  uploaded: number
  deleted: number
  downloaded: number
  conflicts: string[]
  /** Each conflict with the copy that keeps the folder's version (set on a pass's outcome). */
  conflictCopies?: { path: string; copy: string | null }[]
}

/** What one commit carries. */
export interface CommitPlan {
  /** The pass's index; moved in place (and saved) once the commit landed. */
  index: PairIndex
  /** Sent as `parents`: the tip it asserts, or the commit a new branch starts from; null: a root commit. */
  parent: string | null
  /** The commit creates the branch (it may then be empty). */
  creates: boolean
  uploads: Upload[]
  /** Repository paths to delete. */
  deletions: string[]
  /** Index entries of the pass's uploads (all batches), by folder path. */
  hashed: Map<string, IndexEntry>
  /** Folder paths of `deletions`. */
  deletedLocal: string[]
  /** Folder paths changed on both sides, for the history's note. */
  conflicts: string[]
  /** Deletions the person confirmed (recorded as such in the ledger). */
  confirmed: ReadonlySet<string>
}

/**
 * Makes the commit. 'stale' after a 409 (the branch moved: the caller compares again); throws
 * createCommit's errors after recording them in the history.
 */
export async function commitChanges(ctx: CommitContext, plan: CommitPlan): Promise<'stale' | Committed> {
  const { session, history, pair } = ctx
  const localOf = (repoPath: string): string => toLocalPath(repoPath, pair.pathInRepo)
  const ref = { workspace: pair.workspace, repository: pair.repository }
  const { index, uploads, deletions, hashed, deletedLocal, conflicts } = plan
  const changeId = newChangeId()
  const added = uploads.filter((u) => !index.files[localOf(u.repoPath)]).map((u) => u.repoPath)
  const changed = uploads.filter((u) => index.files[localOf(u.repoPath)]).map((u) => u.repoPath)
  const empty = uploads.length === 0 && deletions.length === 0
  const message = `${
    empty && plan.creates
      ? branchCreatedMessage(pair.branch)
      : commitMessage({ added, changed, deleted: deletions }, ctx.messageTemplate ?? DEFAULT_TEMPLATE)
  }\n\n${changeTrailer(changeId)}`
  const uploadsByLocal = Object.fromEntries(uploads.map((u) => [localOf(u.repoPath), hashed.get(localOf(u.repoPath))!]))
  const files: HistoryFile[] = [
    ...added.map((path) => ({ path, operation: 'add' as const, bytes: hashed.get(localOf(path))?.size ?? 0 })),
    ...changed.map((path) => ({
      path,
      operation: 'change' as const,
      bytes: hashed.get(localOf(path))?.size ?? 0,
    })),
    ...deletions.map((path) => ({ path, operation: 'delete' as const, bytes: 0 })),
  ]
  const entry = await history.start({
    time: Date.now(),
    source: { kind: 'pair', pairId: pair.id, folder: pair.folder },
    workspace: pair.workspace,
    repository: pair.repository,
    branch: pair.branch,
    files,
    ...(conflicts.length
      ? { note: `Changed here and in Bitbucket: kept both versions (${conflicts.join(', ')}).` }
      : {}),
  })
  // History first, then the journal naming it: whoever learns the outcome (this pass, or the
  // next start's recovery) finishes the same entry.
  await ctx.journal.write({
    changeId,
    parent: plan.parent,
    uploads: uploadsByLocal,
    deletions: deletedLocal,
    historyId: entry.id,
    startedAt: Date.now(),
  })
  let result
  try {
    result = await createCommit(session, {
      workspace: pair.workspace,
      repository: pair.repository,
      branch: pair.branch,
      // On an existing branch this asserts the tip; on a new one, the commit it starts from (§3).
      parents: plan.parent,
      message,
      uploads,
      deletions,
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    })
  } catch (error) {
    await ctx.journal.clear()
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
  await ctx.afterCommitLanded?.(result.commit)
  const indexedBefore = Object.keys(index.files).length
  const lost = lostDeletions(deletedLocal, hashed, index)
  for (const sent of result.sent) {
    const local = localOf(sent.repoPath)
    const planned = hashed.get(local)
    // What Bitbucket stored decides; a file that changed meanwhile keeps mtime 0 and is looked at again.
    index.files[local] = {
      size: sent.size,
      sha: sent.sha,
      mode: sent.mode,
      mtimeMs: planned && planned.sha === sent.sha ? planned.mtimeMs : 0,
    }
  }
  // In place: rebuilding the record would cost the whole index for every commit (index-store.ts writes only what changed).
  for (const path of deletedLocal) Reflect.deleteProperty(index.files, path)
  index.base = result.commit
  await ctx.index.save(index)
  // The history learns the outcome before the journal goes: a kill in between leaves the journal,
  // and the next start's recovery adopts the commit again (harmless), rather than a journal-less
  // "uploading" entry that recovery would have to call interrupted although the commit landed.
  const link = commitLink(session.account.webUrl, ref, result.commit)
  await history.finish(entry, { status: conflicts.length ? 'conflict' : 'committed', commit: result.commit, link })
  await ctx.journal.clear()
  const now = ctx.now()
  await ctx.ledger.record({ paths: lost.filter((p) => !plan.confirmed.has(p)), indexedBefore, confirmed: false }, now)
  await ctx.ledger.record({ paths: lost.filter((p) => plan.confirmed.has(p)), indexedBefore, confirmed: true }, now)
  ctx.logger.info('sync.committed', {
    pair: pair.id,
    commit: result.commit,
    uploads: uploads.length,
    deletions: deletions.length,
    ...(plan.creates ? { createdBranch: true } : {}),
  })
  return {
    status: 'committed',
    commit: result.commit,
    uploaded: uploads.length,
    deleted: deletions.length,
    downloaded: 0,
    conflicts: [],
  }
}
