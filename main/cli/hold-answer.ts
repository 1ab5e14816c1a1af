/**
 * `pail sync --confirm <folder>` and `pail sync --restore <folder>`: the person's answer to one
 * held pair, and only that pair (issue #7, point 20). The answer is recorded in the pair's
 * HoldStore; then one pass of that pair runs here and is reported, unless another Pail process
 * runs the sync of this home (it holds the runner lock), which then carries the answer out.
 */
import { HoldError, HoldStore, resolutionsFor, type Hold, type HoldResolution } from '../core/sync/pass/hold-store.js'
import { isPaused, type SyncPair } from '../core/sync/pairs/sync-pair.js'
import { LockHeldError } from '../core/store/home-locks.js'
import type { PairResult, SyncService } from '../core/sync/service/sync-service.js'
import { CliError, type CliContext } from './cli-context.js'
import { pairStateDir } from './pair-state.js'

export { HoldError }

/** What the person said, and how to get the sync service and report a pass. */
export interface HoldAnswer {
  /** The pair's folder or id. */
  folder: string
  answer: 'confirm' | 'restore'
  /** The sync service, or null when nobody is signed in. */
  service: () => Promise<SyncService | null>
  report: (result: PairResult) => void
}

/** The resolution an answer means for this hold, or null when it means none. */
function resolutionOf(hold: Hold, answer: HoldAnswer['answer']): HoldResolution | null {
  const fitting = resolutionsFor(hold.reason)
  const wanted: HoldResolution[] = answer === 'restore' ? ['restore'] : ['delete', 'recreate-branch']
  return fitting.find((r) => wanted.includes(r)) ?? null
}

/** Why an answer does not fit a hold, and what does. */
function misfit(pair: SyncPair, hold: Hold, answer: HoldAnswer['answer']): string {
  if (hold.reason === 'missing-folder')
    return `${pair.folder} is held because Pail cannot find the folder: there is nothing to ${answer}. Connect its drive, or put the folder back, and Pail carries on by itself; nothing was deleted from Bitbucket.`
  if (hold.reason === 'branch-deleted')
    return `The branch ${pair.branch} was deleted on Bitbucket, so there are no files to put back from it. To create the branch again with this folder: pail sync --confirm "${pair.folder}". Or pair the folder with another branch.`
  return `${answer === 'confirm' ? '--confirm' : '--restore'} does not fit what ${pair.folder} is held for.`
}

/** What Pail will do, in a sentence. */
function promise(pair: SyncPair, hold: Hold, resolution: HoldResolution): string {
  const files = `${hold.deletions.length} file${hold.deletions.length === 1 ? '' : 's'}`
  switch (resolution) {
    case 'delete':
      return `Confirmed: the ${files} deleted from ${pair.folder} will be deleted from Bitbucket too.`
    case 'restore':
      return `Pail will put the ${files} back into ${pair.folder} from Bitbucket; nothing is deleted there.`
    case 'recreate-branch':
      return `Pail will create the branch ${pair.branch} again on Bitbucket, with everything in ${pair.folder}.`
  }
}

/** Records the answer for the one pair, then runs its pass here or leaves it to the running Pail. */
export async function answerHold(ctx: CliContext, request: HoldAnswer): Promise<number> {
  const pair = await ctx.pairs.get(request.folder)
  const holds = new HoldStore(pairStateDir(ctx, pair), ctx.logger)
  const hold = await holds.read()
  if (!hold)
    throw new CliError(
      `${pair.folder} is not held: there is nothing to ${request.answer}. "pail pair list" shows which folders are held.`,
    )
  const resolution = resolutionOf(hold, request.answer)
  if (!resolution) throw new CliError(misfit(pair, hold, request.answer))
  const recorded = await holds.resolve(resolution)
  ctx.out(`${promise(pair, recorded, resolution)}\n`)
  if (isPaused(pair, Date.now())) {
    ctx.out(`The folder is paused: this happens when you resume it (pail pair resume "${pair.folder}").\n`)
    return 0
  }
  const service = await request.service()
  if (!service) {
    ctx.out('Nobody is signed in, so nothing syncs now: Pail carries this out once you sign in again ("pail login").\n')
    return 0
  }
  let result: PairResult
  try {
    result = await service.syncPair(pair)
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error
    const who = error.owner ? `${error.owner.what}, process ${error.owner.pid}` : 'another Pail process'
    ctx.out(`Pail is already syncing on this computer (${who}); it carries this out on its next pass.\n`)
    return 0
  }
  request.report(result)
  return result.error === null && result.outcome?.status !== 'held' ? 0 : 1
}
