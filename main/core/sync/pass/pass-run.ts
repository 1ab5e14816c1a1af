/**
 * The vocabulary of one pass (pair-syncer.ts runs it): what it needs, what it may be asked, what it
 * answers, and its working state across its rounds, with the small pieces the rounds share.
 */
import type { Session } from '../../auth/auth-service.js'
import type { HistoryStore } from '../../history/history-store.js'
import type { Logger } from '../../log/logger.js'
import type { SkippedPath } from '../local/skipped.js'
import type { IgnoreRules } from '../local/ignore-rules.js'
import type { Applied } from '../remote/apply-remote.js'
import type { PairIndex } from '../types.js'
import type { Position } from './branch-position.js'
import type { LocalChangeSet } from './change-set.js'
import type { Committed } from './commit-changes.js'
import type { SafetyThresholds } from './deletion-guard.js'
import type { Hold, HoldReason } from './hold-store.js'
import type { LateCommits } from './late-commits.js'
import type { LocalChange, RemoteChange } from './reconcile.js'
import type { CommitProgress } from '../../bitbucket/src-commit.js'

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
  /** Told the bytes of each commit as they are sent (the window's progress). */
  onCommitProgress?: (progress: CommitProgress) => void
  /**
   * Read other people's changes through git (default), the REST API only where git cannot; false:
   * the REST API always (tests of that path).
   */
  readBranchOverGit?: boolean
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

/** Where the branch stands, for a round that goes on (branch-position.ts). */
export type Placed = Extract<Position, { kind: 'ok' }>

/** How a round ended: the pass is over, or another round follows (a 409, files compared again, more batches). */
export type Round = { kind: 'done'; outcome: SyncOutcome } | { kind: 'again' }
/** What a round found in the folder. */
export interface LookedHere {
  kind: 'changes'
  local: LocalChangeSet
  skips: PassSkips
}
/** The branch's changes, applied. */
export interface BroughtIn {
  kind: 'applied'
  applied: Applied
  skips: PassSkips
}

/** One pass's working state, across its rounds. */
export interface PassRun {
  index: PairIndex
  rules: IgnoreRules
  /** The pair's hold as the pass started, with the person's answer. */
  hold: Hold | null
  /** Held deletions the person confirmed. */
  confirmed: ReadonlySet<string>
  unapplied: Map<string, RemoteChange>
  /** Only these paths are scanned (null: the whole folder); paths compared again join it. */
  scope: Set<string> | null
  fresh: boolean
  staleRounds: number
  recompareRounds: number
  late: LateCommits
  state: PassState
  /** The next batch of a change set larger than one commit, for the next round to send (null: a full round). */
  next: NextBatch | null
}

/**
 * What a round that committed one batch leaves for the next: the rest of its change set, on top
 * of its own commit. The next round sends it without looking at the folder or the branch again;
 * a commit that finds the branch moved, or a file of the batch no longer as it was, makes the
 * round after it a full one.
 */
export interface NextBatch {
  /** The commit just made, the parent of the next. */
  tip: string
  /** The change set with the uploads already committed taken out. */
  applied: Applied
  skips: PassSkips
}

/** What a pass gathers across its rounds. */
export interface PassState {
  downloaded: number
  conflicts: string[]
  /** The conflict copy made for each conflict (folder path → the copy's folder path). */
  copies: Map<string, string>
  /** Conflicts already named in a commit's history entry. */
  noted: number
  committed: Committed | null
  /** Branch paths already in the folder as of `broughtInAt`: not downloaded twice at the same tip. */
  broughtIn: Set<string>
  broughtInAt: string | null
}

/** A link in the branch pointing outside the folder, which Pail does not create, as a skipped path. */
export function remoteLinkSkip(path: string): SkippedPath {
  return {
    path,
    reason: 'link-outside',
    message: `“${path}” in Bitbucket is a shortcut (symbolic link) to something outside the synced folder, so Pail does not create it here.`,
  }
}

/** The change set as reconcile reads it: repository path → upload or delete. */
export function localMapOf(changes: LocalChangeSet): Map<string, LocalChange> {
  const map = new Map<string, LocalChange>()
  for (const upload of changes.uploads) map.set(upload.repoPath, 'upload')
  for (const path of changes.deletions) map.set(path, 'delete')
  return map
}
