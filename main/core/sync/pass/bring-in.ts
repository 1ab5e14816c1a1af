/**
 * One step of a pass (pair-syncer.ts): the branch's changes since the base are brought into the
 * folder (reconcile.ts decides, apply-remote.ts writes), and the index is saved with them. What
 * changed here while the branch's version came in sends the pass round again; what cannot be
 * applied at all is remembered (unapplied-store.ts) before the base moves past it.
 */
import type { InsideFolder } from '../../fs/inside-folder.js'
import type { Logger } from '../../log/logger.js'
import { toLocalPath } from '../../../../shared/bitbucket/repo-path.js'
import {
  localMapOf,
  remoteLinkSkip,
  type BroughtIn,
  type PairSyncDeps,
  type PassRun,
  type PassSkips,
  type Round,
} from './pass-run.js'
import type { LocalChangeSet } from './change-set.js'
import { reconcile } from './reconcile.js'
import type { IndexStore } from '../local/index-store.js'
import { applyRemote, type Applied } from '../remote/apply-remote.js'
import { branchChangesSince, type RepoRef } from '../remote/remote-tree.js'
import type { GitBranchReader } from '../remote/git-branch-reader.js'
import type { StagingRecord } from '../remote/staging-record.js'
import type { UnappliedStore } from '../remote/unapplied-store.js'
import type { SyncPair } from '../pairs/sync-pair.js'

/** How often a pass compares again files that changed here while it brought the branch's versions in. */
const MAX_RECOMPARE_ROUNDS = 3

/** What the step needs of its pair's syncer. */
export interface BringInContext {
  deps: PairSyncDeps
  pair: SyncPair
  ref: RepoRef
  index: IndexStore
  staging: StagingRecord
  unapplied: UnappliedStore
  inside: InsideFolder
  /** Other people's changes read through git; null: through the REST API. */
  git: GitBranchReader | null
  logger: Logger
}

/** Brings the branch's changes into the folder; the base moves to the tip once they all are in. */
export async function bringIn(
  ctx: BringInContext,
  run: PassRun,
  tip: string | null,
  local: LocalChangeSet,
  skips: PassSkips,
): Promise<Round | BroughtIn> {
  const { state } = run
  const { deps, pair, git } = ctx
  const localOf = (repoPath: string): string => toLocalPath(repoPath, pair.pathInRepo)
  const remote = await branchChangesSince({
    api: deps.session.api,
    ref: ctx.ref,
    base: run.index.base,
    tip,
    unapplied: run.unapplied,
    prefix: pair.pathInRepo,
    logger: ctx.logger,
    ...(git ? { git } : {}),
  })
  if (state.broughtInAt !== tip) {
    state.broughtIn.clear()
    state.broughtInAt = tip
  }
  for (const path of state.broughtIn) remote.delete(path)
  const staging = ctx.staging.start(ctx.inside)
  let applied: Applied
  try {
    applied = await applyRemote({
      api: deps.session.api,
      ref: ctx.ref,
      pair,
      tip,
      actions: reconcile(localMapOf(local), remote),
      local,
      index: run.index,
      device: deps.device,
      now: deps.now ?? Date.now,
      inside: ctx.inside,
      staging,
      logger: ctx.logger,
      ...(git ? { source: git.blob } : {}),
    })
  } finally {
    await staging.finish()
  }
  // Only what moved is saved: with no branch change, no fresh start and no stat refreshed, the
  // index is as loaded, and a save would compare every entry to find that out (~45 ms on a
  // warm start of 100,000 files). With no branch change, applyRemote changes no index entry.
  if (remote.size > 0 || local.unchanged.size > 0 || run.fresh) await ctx.index.save(run.index)
  state.downloaded += applied.downloaded
  for (const path of applied.conflicts) if (!state.conflicts.includes(path)) state.conflicts.push(path)
  // applyRemote names each conflict's copy at the same place in `copies`.
  applied.conflicts.forEach((path, i) => {
    const copy = applied.copies[i]
    if (copy !== undefined) state.copies.set(path, copy)
  })
  const refused = new Map(applied.refused.map((r) => [r.path, r]))
  for (const path of remote.keys()) if (!refused.has(path)) state.broughtIn.add(path)
  logApplied(ctx.logger, pair.id, applied)

  const changedHere = applied.refused.filter((r) => r.reason === 'changed-here')
  if (changedHere.length > 0 && run.recompareRounds < MAX_RECOMPARE_ROUNDS) {
    // Changed here while the branch's version came in: compared again, now changed on both sides.
    run.recompareRounds++
    if (run.scope)
      for (const path of [...changedHere.map((r) => localOf(r.path)), ...applied.copies]) run.scope.add(path)
    return { kind: 'again' }
  }
  // What could not be brought in is remembered before the base moves past it.
  run.unapplied = new Map([...refused.keys()].map((path) => [path, remote.get(path)!]))
  await ctx.unapplied.replace(run.unapplied)
  // Links in the branch that point outside the folder are never created: reported like the scan's skips.
  const outsideLinks = applied.refused.filter((r) => r.reason === 'link-outside')
  return {
    kind: 'applied',
    applied,
    skips: {
      ...skips,
      skipped: [...skips.skipped, ...outsideLinks.map((r) => remoteLinkSkip(localOf(r.path)))],
    },
  }
}

function logApplied(log: Logger, pair: string, applied: Applied): void {
  if (applied.downloaded > 0) log.info('sync.downloaded', { pair, files: applied.downloaded })
  if (applied.conflicts.length > 0) log.warn('sync.conflicts', { pair, paths: applied.conflicts })
  for (const r of applied.refused) log.warn('sync.remote-change-refused', { pair, path: r.path, reason: r.reason })
}
