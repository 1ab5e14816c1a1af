/**
 * A poll that finds nothing to do, told without the index (issue 11: an idle poll at 100,000
 * files read, copied, compared and saved the whole index, ~250 ms of CPU and its garbage each
 * time). When the watcher marked no path dirty since the last pass and the branch's tip is still
 * the last synced commit, a pass has nothing to bring in and nothing to send: it ends here, after
 * a few small reads and stats, whatever the folder's size.
 *
 * Anything else a pass would have to act on first makes it a full one (null): an index this
 * process did not last read or write, or one never synced; a commit's journal (a crash to recover
 * from), an unfinished history entry, a hold, branch changes not yet applied; a folder that is not
 * there. Staging leftovers are swept as a pass's preparation sweeps them. Commits still
 * unconfirmed need no look: they are watched for on the walk to a moved tip, and a moved tip
 * means a full pass. The answer is the one the full pass gives for an empty scope.
 */
import type { HistoryStore } from '../../history/history-store.js'
import type { InsideFolder } from '../../fs/inside-folder.js'
import type { IndexStore } from '../local/index-store.js'
import { scanPaths } from '../local/scanner.js'
import type { StagingRecord } from '../remote/staging-record.js'
import type { UnappliedStore } from '../remote/unapplied-store.js'
import type { HoldStore } from './hold-store.js'
import type { Journal } from './journal.js'
import type { SyncOutcome } from './pass-run.js'

/** What a quiet poll looks at: the pair's small records, its folder and the branch's tip. */
export interface QuietPollDeps {
  pairId: string
  folder: string
  inside: InsideFolder
  index: IndexStore
  journal: Journal
  history: HistoryStore
  holds: HoldStore
  unapplied: UnappliedStore
  staging: StagingRecord
  /** The branch's tip (null: it does not exist); asked last, once everything else is quiet. */
  tip: () => Promise<string | null>
}

/** The outcome of a pass over no dirty path at an unchanged tip, or null when a full pass must run. */
export async function quietPoll(deps: QuietPollDeps): Promise<SyncOutcome | null> {
  const settled = await deps.index.settled()
  if (!settled || settled.base === null) return null
  // As a pass's preparation does: leftovers of a killed process go first (usually none to look for).
  await deps.staging.sweep(deps.inside)
  if ((await deps.journal.read()) !== null) return null
  if ((await deps.history.unfinished(deps.pairId)).length > 0) return null
  if ((await deps.holds.read()) !== null) return null
  if ((await deps.unapplied.read()).size > 0) return null
  // A missing or unreadable folder is held by the full pass, not reported as up to date.
  const scan = await scanPaths(deps.folder, [])
  if (scan.rootStatus !== 'ok') return null
  if ((await deps.tip()) !== settled.base) return null
  return { status: 'up-to-date', downloaded: 0, skipped: scan.skipped, scope: scan.scope ?? [] }
}
