/**
 * Commits of attempts a crash left unconfirmed may land after the restart looked for them: while a
 * pass walks the branch's new commits (branch-position.ts) it watches for their trailers, and one
 * found has its history entry corrected to "committed".
 */
import type { HistoryStore } from '../../history/history-store.js'
import type { Logger } from '../../log/logger.js'
import type { WalkedCommit } from './branch-position.js'
import { changeTrailer } from './journal.js'
import type { UnconfirmedChanges } from './unconfirmed-changes.js'

export interface LateCommitsDeps {
  pairId: string
  unconfirmed: UnconfirmedChanges
  history: HistoryStore
  linkOf: (commit: string) => string
  logger: Logger
  now: number
}

/** A watcher for the walk (absent when nothing is unconfirmed) and what to do with what it saw. */
export interface LateCommits {
  watch?: (commit: WalkedCommit) => void
  settle: () => Promise<void>
}

export async function watchForLateCommits(deps: LateCommitsDeps): Promise<LateCommits> {
  const watched = await deps.unconfirmed.list(deps.now)
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
        await deps.history.finishById(historyId, {
          status: 'committed',
          commit,
          link: deps.linkOf(commit),
          error: null,
        })
        deps.logger.info('sync.recovered', { pair: deps.pairId, outcome: 'landed-late', commit })
      }
      await deps.unconfirmed.settle(settled.map((f) => f.changeId))
    },
  }
}
