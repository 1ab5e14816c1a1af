/**
 * Where a pass stands against the branch (issue #7, point 2): its tip; or, for a branch that does
 * not exist, where it will start. Pail never creates a branch that holds only part of the folder:
 * a branch that does not exist yet starts from the main branch's tip (Bitbucket starts it there
 * anyway, and the main branch's files must come into the folder), and a branch deleted after Pail
 * synced it holds the pair until the person says to create it again — then on top of the last
 * synced commit if it still exists, else afresh from the main branch with every file compared.
 *
 * A branch that exists but no longer descends from the last synced commit (deleted and created
 * again from elsewhere, or its history rewritten) is compared afresh too: a diff from the last
 * synced commit would take the other line's files for newer versions and overwrite, here, versions
 * that exist nowhere else any more.
 */
import type { ApiClient } from '../../bitbucket/api-client.js'
import { repoBase } from '../../bitbucket/api-paths.js'
import type { Logger } from '../../log/logger.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import type { BranchTipReader } from '../remote/branch-tips.js'
import { branchTip, commitExists, mainBranchTip, type RepoRef } from '../remote/remote-tree.js'
import type { PairIndex } from '../types.js'
import type { Hold, HoldRequest } from './hold-store.js'

/** What an attempt compares with and commits on, or the hold it must stop at. */
export type Position =
  | {
      kind: 'ok'
      /** The commit whose files are the branch's side, and the commit's parent; null: an empty repository. */
      tip: string | null
      /** The branch does not exist: the commit creates it (on top of `tip`). */
      creates: boolean
      /** The index matches nothing on Bitbucket any more: start afresh, comparing every file. */
      fresh?: boolean
    }
  | { kind: 'held'; request: HoldRequest }

export interface PositionInput {
  api: ApiClient
  ref: RepoRef
  pair: SyncPair
  index: PairIndex
  /** The pair's hold, with the person's answer if there is one. */
  hold: Hold | null
  logger: Logger
  /**
   * Reads the branch's tip: through git (branch-tips.ts) in a pass, so that a pass that finds the
   * tip where it was costs no REST API request; the REST API when absent.
   */
  tips?: BranchTipReader
  /** Told of each commit walked on the way back to the last synced one (their messages carry trailers). */
  onCommit?: (commit: WalkedCommit) => void
  /** Reads a commit of the walk back from `tip` (through git: git-branch-reader.ts); the REST API when absent. */
  readCommit?: CommitReader
}

/** Reads one commit of the walk back from `tip`. */
export type CommitReader = (tip: string, sha: string) => Promise<WalkedCommit>

/** One commit over the REST API (`GET …/commit/{sha}`): the walk's reader where git cannot answer. */
export function restCommit(api: ApiClient, ref: RepoRef, sha: string): Promise<WalkedCommit> {
  return api.getJson<WalkedCommit>(`${repoBase(ref)}/commit/${sha}`)
}

/** Where the branch stands (see the module comment). */
export async function branchPosition(input: PositionInput): Promise<Position> {
  const { api, ref, pair, index, hold, logger } = input
  const tip = await (input.tips ?? ((r, branch) => branchTip(api, r, branch)))(ref, pair.branch)
  if (tip !== null) {
    if (
      index.base === null ||
      tip === index.base ||
      (await descendsFrom(api, ref, tip, index.base, input.onCommit, input.readCommit))
    )
      return { kind: 'ok', tip, creates: false }
    logger.warn('sync.branch-rewritten', { pair: pair.id, tip, base: index.base })
    return { kind: 'ok', tip, creates: false, fresh: true }
  }
  if (index.base === null) return { kind: 'ok', tip: await mainBranchTip(api, ref), creates: true }
  if (hold?.reason !== 'branch-deleted' || hold.resolution !== 'recreate-branch')
    return { kind: 'held', request: { reason: 'branch-deleted', message: branchDeletedMessage(pair), deletions: [] } }
  if (await commitExists(api, ref, index.base)) {
    logger.info('sync.branch-recreate', { pair: pair.id, from: 'last-synced' })
    return { kind: 'ok', tip: index.base, creates: true }
  }
  logger.info('sync.branch-recreate', { pair: pair.id, from: 'main' })
  return { kind: 'ok', tip: await mainBranchTip(api, ref), creates: true, fresh: true }
}

/** How many commits back from the tip Pail looks for the last synced commit before it compares afresh. */
export const MAX_ANCESTRY_WALK = 200

/** A commit as the walk sees it. */
export interface WalkedCommit {
  hash: string
  message: string
  parents: { hash: string }[]
}

/**
 * Whether `ancestor` is in the history of `tip`: a walk over the parents (merges too), usually one
 * commit read per commit other people made since the last sync (from git's mirror, or one REST request each). Past MAX_ANCESTRY_WALK commits it
 * answers no, and the pass compares afresh (extra conflict copies at worst, never a lost version).
 */
export async function descendsFrom(
  api: ApiClient,
  ref: RepoRef,
  tip: string,
  ancestor: string,
  onCommit?: (commit: WalkedCommit) => void,
  readCommit: CommitReader = (_tip, sha) => restCommit(api, ref, sha),
): Promise<boolean> {
  const queue = [tip]
  const seen = new Set(queue)
  for (let walked = 0; queue.length > 0 && walked < MAX_ANCESTRY_WALK; walked++) {
    const sha = queue.shift()!
    const commit = await readCommit(tip, sha)
    onCommit?.(commit)
    for (const { hash } of commit.parents) {
      if (hash === ancestor) return true
      if (!seen.has(hash)) {
        seen.add(hash)
        queue.push(hash)
      }
    }
  }
  return false
}

/** The hold's message: what happened, that nothing changed, and what the person can do. */
export function branchDeletedMessage(pair: Pick<SyncPair, 'branch' | 'workspace' | 'repository'>): string {
  const { branch, workspace, repository } = pair
  return `The branch “${branch}” of ${workspace}/${repository} was deleted on Bitbucket. Pail has paused this folder and changed nothing. If the branch should still be there, tell Pail to create it again: it comes back with this folder's files as Pail last synced them, plus what changed here since. If it is gone for good, remove this folder from Pail or pair it with another branch.`
}
