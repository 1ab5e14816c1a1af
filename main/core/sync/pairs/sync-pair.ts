/**
 * A sync pair: a local folder tied to workspace/repository/branch/path-in-repo (DESIGN.md §4).
 */
export interface SyncPair {
  id: string
  /** Absolute path of the local folder. */
  folder: string
  workspace: string
  repository: string
  branch: string
  /** Folder inside the repository ('' for the root), no leading or trailing slash. */
  pathInRepo: string
  /** null: syncing. Otherwise paused until that time (epoch ms), or until resumed (`until: null`). */
  paused: { until: number | null } | null
  createdAt: number
}

/** Whether the pair is paused at `now`. */
export function isPaused(pair: SyncPair, now: number): boolean {
  return pair.paused !== null && (pair.paused.until === null || pair.paused.until > now)
}
