/**
 * After a crash between Bitbucket's 201 and the index write: finds whether the journalled commit
 * landed (its `Pail-Change` trailer among the commits since its parent) and, if so, moves the
 * index as the lost write would have — so the same change is never committed twice. Either way the
 * attempt's history entry learns its outcome, and entries a crash left "uploading" without a
 * journal are closed, so the history never shows an upload as still going on.
 */
import type { ApiClient } from '../../bitbucket/api-client.js'
import type { HistoryStore } from '../../history/history-store.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import type { IndexStore } from '../local/index-store.js'
import { changeTrailer, type Journal, type JournalEntry } from './journal.js'
import { repoBase, type RepoRef } from '../../bitbucket/api-paths.js'
import { branchTip } from '../remote/remote-tree.js'
import type { UnconfirmedChanges } from './unconfirmed-changes.js'
import type { PairIndex } from '../types.js'

interface CommitJson {
  hash: string
  message: string
  parents: { hash: string }[]
}

/** How far back from the tip to look; other people's commits after ours are rarely more. */
const MAX_WALK = 50

/** What a crash left unfinished: the history says it plainly, and the next pass sends it again. */
export const INTERRUPTED_MESSAGE =
  'Pail was stopped before Bitbucket confirmed this upload, and it did not land. Pail uploads these files again.'

/** A journalled attempt not found on the branch: it may still land late (unconfirmed-changes.ts). */
export const NOT_FOUND_MESSAGE =
  'Pail was stopped before Bitbucket confirmed this upload, and it was not on the branch when Pail started again. Pail uploads these files again.'

export interface RecoveryDeps {
  api: ApiClient
  ref: RepoRef
  branch: string
  pairId: string
  journal: Journal
  index: IndexStore
  history: HistoryStore
  /** The web link of a commit, for the history entry. */
  linkOf: (commit: string) => string
  logger?: Logger
  /** Told of an adopted commit, with the index as it was before (the deletion ledger records it). */
  onAdopted?: (entry: JournalEntry, before: PairIndex) => Promise<void>
  /** Where an attempt not found is remembered, in case it lands late. */
  unconfirmed?: UnconfirmedChanges
}

export async function recoverJournal(deps: RecoveryDeps, index: PairIndex): Promise<PairIndex> {
  const { api, ref, journal, history } = deps
  const log = deps.logger ?? silentLogger
  const pending = await journal.read()
  if (!pending) {
    const unfinished = await history.unfinished(deps.pairId)
    for (const entry of unfinished) await history.finish(entry, { status: 'failed', error: INTERRUPTED_MESSAGE })
    if (unfinished.length > 0) log.info('sync.recovery-closed', { pair: deps.pairId, entries: unfinished.length })
    return index
  }
  const trailer = changeTrailer(pending.changeId)
  let sha = await branchTip(api, ref, deps.branch)
  for (let steps = 0; sha && sha !== pending.parent && steps < MAX_WALK; steps++) {
    const commit = await api.getJson<CommitJson>(`${repoBase(ref)}/commit/${sha}`)
    if (commit.message.includes(trailer)) {
      const deleted = new Set(pending.deletions)
      const files = Object.fromEntries(Object.entries(index.files).filter(([path]) => !deleted.has(path)))
      const next: PairIndex = { ...index, base: commit.hash, files: { ...files, ...pending.uploads } }
      await deps.index.save(next)
      await deps.onAdopted?.(pending, index)
      log.info('sync.recovered', { pair: deps.pairId, outcome: 'adopted', commit: commit.hash, steps })
      if (pending.historyId)
        await history.finishById(pending.historyId, {
          status: 'committed',
          commit: commit.hash,
          link: deps.linkOf(commit.hash),
        })
      await journal.clear()
      return next
    }
    sha = commit.parents[0]?.hash ?? null
  }
  if (pending.historyId) {
    await history.finishById(pending.historyId, { status: 'failed', error: NOT_FOUND_MESSAGE })
    await deps.unconfirmed?.add({ changeId: pending.changeId, historyId: pending.historyId, at: Date.now() })
  }
  await journal.clear()
  log.info('sync.recovered', { pair: deps.pairId, outcome: 'not-found' })
  return index
}
