/**
 * The skipped paths a pair's status lists after a pass. A full scan's list replaces the previous
 * one; a scan of some paths (the watcher's dirty paths) looked only inside its `scope`, so the
 * previous skips outside it still hold, and those inside it are replaced by what it found.
 */
import type { SkippedPath } from '../local/skipped.js'
import type { PassSkips } from '../pass/pass-run.js'

/** Skipped paths with the count of those known but not listed (a status lists only the first few). */
export interface SkipList {
  skipped: SkippedPath[]
  /** Skips counted by an earlier status but not listed in it: kept as they are until a full scan. */
  unlisted: number
}

/** Whether `path` is one of `scope` or lies under one of them ('/'-separated, relative). */
export function inScope(path: string, scope: readonly string[]): boolean {
  return scope.some((s) => s === '' || path === s || path.startsWith(`${s}/`))
}

/** The skips after a pass that reported `pass`, given those before it. */
export function mergeSkips(previous: SkipList, pass: PassSkips): SkipList {
  if (pass.scope === undefined) return { skipped: sortedUnique(pass.skipped), unlisted: 0 }
  const scope = pass.scope
  const kept = previous.skipped.filter((s) => !inScope(s.path, scope))
  return { skipped: sortedUnique([...kept, ...pass.skipped]), unlisted: previous.unlisted }
}

/** One entry per path (the latest reason wins), in path order so that listings are stable. */
function sortedUnique(skips: readonly SkippedPath[]): SkippedPath[] {
  const byPath = new Map<string, SkippedPath>()
  for (const skip of skips) byPath.set(skip.path, skip)
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
