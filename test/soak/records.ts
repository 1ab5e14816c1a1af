/**
 * What a schedule's run remembers for the oracle: the versions that count, what was seen where in
 * the folder, what the person removed, the other user's versions, and the run's own figures.
 */
import type { SkipReport } from './pail-under-test.js'
import { isUnder } from './names.js'
import type { Snapshot } from './folder-snapshot.js'

/** A version Pail must keep (in the folder or in the branch's history). */
export interface CountedVersion {
  path: string
  sha: string
  /** Why it counts, for the failure message. */
  why: string
  /** When it was counted (Records.clock); null for the final local content, which always counts. */
  clock: number | null
}

export interface RemoteVersion {
  path: string
  sha: string
  size: number
  commit: string
  step: string
}

export interface RunFigures {
  steps: number
  passes: number
  kills: number
  faults: number
  remoteCommits: number
}

export class Records {
  /** `isArtifact` names Pail's own files in the folder (its temporary files): no version of the person's. */
  constructor(private readonly isArtifact: (path: string) => boolean = () => false) {}

  readonly counted: CountedVersion[] = []
  readonly remote: RemoteVersion[] = []
  /** Steps (by order of execution) at which the branch was deleted. */
  readonly branchDeletions: number[] = []
  /** For each folder path, every blob id seen there. */
  readonly seen = new Map<string, Set<string>>()
  /** Paths the person deleted, renamed away or replaced, with the step. */
  readonly removed = new Map<string, string>()
  /**
   * Paths another user deleted on the branch, with the step. Pail carries such a deletion into the
   * folder, and may have to commit it again (a deleted branch created again from the folder).
   */
  readonly removedRemotely = new Map<string, string>()
  /** Problems of the harness itself (never Pail's). */
  readonly harnessErrors: string[] = []
  /** Passes that did not end in time. */
  readonly hangs: string[] = []
  /** Writes or deletions found outside the folder while the run went on. */
  readonly outside: string[] = []
  readonly figures: RunFigures = { steps: 0, passes: 0, kills: 0, faults: 0, remoteCommits: 0 }
  quiescence: { reached: boolean; passes: number; last: string[] } = { reached: false, passes: 0, last: [] }
  /** Order of execution, so "deleted after" can be told. */
  clock = 0
  /** The clock at each step, by label. */
  readonly stepClock = new Map<string, number>()

  /** Remembers every blob of a snapshot at its path. */
  observe(snapshot: Snapshot): void {
    for (const [path, entry] of snapshot.entries) {
      let set = this.seen.get(path)
      if (!set) this.seen.set(path, (set = new Set()))
      set.add(entry.sha)
    }
  }

  /** Paths present before a step at or under `affected`, gone after it, were removed by the person. */
  noteRemovals(before: Snapshot, after: Snapshot, affected: readonly string[], step: string): void {
    for (const path of before.entries.keys())
      if (!after.entries.has(path) && affected.some((a) => isUnder(path, a))) this.removed.set(path, step)
  }

  /** Counts the versions a pass saw, where the person did not touch them before it ended. */
  countPass(
    start: Snapshot,
    touched: readonly string[],
    skipped: readonly SkipReport[],
    why: string,
    final = false,
  ): void {
    for (const [path, entry] of start.entries) {
      if (this.isArtifact(path) || touched.some((t) => isUnder(path, t))) continue
      if (skipped.some((s) => isUnder(path, s.path))) continue
      this.counted.push({ path, sha: entry.sha, why, clock: final ? null : this.clock })
    }
  }

  /** Whether another user deleted the branch after `clock` (versions only that branch held are not Pail's to keep). */
  deletedAfter(clock: number | null): boolean {
    return clock !== null && this.branchDeletions.some((deletion) => deletion > clock)
  }
}
