/**
 * The change set between a scan and the index (DESIGN.md §4): files to upload and paths to delete,
 * which become one commit. Files are hashed only where size, mtime or mode moved; a deletion is
 * produced only for a path the index says this pair synced, and never for a path that was skipped
 * or is now ignored. `safetyCheck` (deletion-guard.ts) then decides whether it may go out unasked.
 */
import { join } from 'node:path'
import pLimit from 'p-limit'
import { repoFolder, toRepoPath } from '../../../../shared/bitbucket/repo-path.js'
import { FileChangedError, hashBlob, hashFile } from '../../git/blob-hash.js'
import type { ScanResult } from '../local/scanner.js'
import { formatBytes, skippedPath, type SkippedPath } from '../local/skipped.js'
import type { ChangeSet, FileMode, IndexEntry, LocalEntry, PairIndex, Upload } from '../types.js'

/**
 * Default largest file Pail uploads. Bitbucket documents no per-file limit for `POST …/src`
 * (bitbucket-api.md §3), but blocks pushes once a repository reaches 4 GB; 100 MB keeps one file
 * from eating a large part of that, and matches what other git hosts refuse.
 */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024

/**
 * Files modified this recently when hashed are recorded with mtimeMs 0 so the next scan hashes
 * them again: on filesystems with coarse timestamps (FAT: 2 s, HFS+: 1 s) a second write within
 * the same tick and of the same size would otherwise leave the stat unchanged and be missed.
 */
export const RACY_WINDOW_MS = 3000

/** Options for buildChangeSet. */
export interface ChangeSetOptions {
  /** The pair's folder in the repository ('' or absent for the repository root). */
  pathInRepo?: string
  /** Index paths that are now ignored stay in the repository untouched, as tracked files do in git. */
  isIgnored?: (path: string) => boolean
  /** Files above this size are skipped with a message (default DEFAULT_MAX_FILE_BYTES). */
  maxFileBytes?: number
  /**
   * Whether a missing executable bit means "not executable" (default: not on Windows, which has
   * no such bit; there an indexed executable stays executable, as with git's core.fileMode=false).
   */
  trustExecutableBit?: boolean
  /** Files hashed at once (default 4). */
  hashConcurrency?: number
  /** See RACY_WINDOW_MS. */
  racyWindowMs?: number
  /** The clock, for tests. */
  now?: () => number
  /**
   * Entries hashed earlier in the same pass (its previous rounds). A file whose size, mtime and
   * mode still match one is not read again: a first sync of 100,000 files commits in batches,
   * and every round would otherwise hash again every file not yet committed.
   */
  hashedBefore?: ReadonlyMap<string, IndexEntry>
}

/** A change set with what the engine needs around it. */
export interface LocalChangeSet extends ChangeSet {
  /** Local paths of `deletions`, in the same order. */
  deletedPaths: string[]
  /** For each upload (by local path): its index entry once the commit lands. */
  hashed: Map<string, IndexEntry>
  /** Paths whose stat moved but whose content and mode did not: fresh index entries to save now, no commit needed. */
  unchanged: Map<string, IndexEntry>
  /** Paths not synced this time, with the reason (includes the scan's own skipped list). */
  skipped: SkippedPath[]
}

/** Compares a scan (whole or partial) with the index. */
export async function buildChangeSet(
  scan: ScanResult,
  index: PairIndex,
  options: ChangeSetOptions = {},
): Promise<LocalChangeSet> {
  const result: LocalChangeSet = {
    uploads: [],
    deletions: [],
    deletedPaths: [],
    hashed: new Map(),
    unchanged: new Map(),
    skipped: [...scan.skipped],
  }
  // A folder that is missing or unreadable says nothing about its files (safetyCheck holds it).
  if (scan.rootStatus !== 'ok') return result
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const trustExecutableBit = options.trustExecutableBit ?? process.platform !== 'win32'
  const prefix = repoFolder(options.pathInRepo ?? '')

  const toHash: { entry: LocalEntry; mode: FileMode; known: IndexEntry | undefined; hashed?: IndexEntry }[] = []
  for (const entry of scan.entries.values()) {
    const known = index.files[entry.path]
    const mode =
      !trustExecutableBit && entry.mode === 'file' && known?.mode === 'executable' ? 'executable' : entry.mode
    if (known && known.size === entry.size && known.mtimeMs === entry.mtimeMs && known.mode === mode) continue
    if (entry.mode !== 'link' && entry.size > maxFileBytes) {
      result.skipped.push(tooLarge(entry.path, entry.size, maxFileBytes))
      continue
    }
    const before = options.hashedBefore?.get(entry.path)
    // A racy entry (mtimeMs 0, see RACY_WINDOW_MS) never matches: it is read again. A link's text is cheap to hash.
    const hashed =
      before &&
      entry.mode !== 'link' &&
      before.size === entry.size &&
      before.mtimeMs === entry.mtimeMs &&
      before.mode === mode
        ? before
        : undefined
    toHash.push(hashed ? { entry, mode, known, hashed } : { entry, mode, known })
  }

  const now = options.now ?? Date.now
  const racyWindowMs = options.racyWindowMs ?? RACY_WINDOW_MS
  const limit = pLimit(options.hashConcurrency ?? 4)
  const hashOne = async ({ entry, mode, known, hashed }: (typeof toHash)[number]): Promise<void> => {
    const absolutePath = join(scan.root, ...entry.path.split('/'))
    const hash = hashed ?? (await hashEntry(entry, absolutePath))
    if ('skip' in hash) return void result.skipped.push(hash.skip)
    if (entry.mode !== 'link' && hash.size > maxFileBytes)
      return void result.skipped.push(tooLarge(entry.path, hash.size, maxFileBytes))
    const racy = entry.mode !== 'link' && now() - hash.mtimeMs < racyWindowMs
    const fresh: IndexEntry = { size: hash.size, mtimeMs: racy ? 0 : hash.mtimeMs, sha: hash.sha, mode }
    if (known && known.sha === fresh.sha && known.mode === fresh.mode) {
      result.unchanged.set(entry.path, fresh)
      return
    }
    const upload: Upload = { repoPath: toRepoPath(entry.path, prefix), absolutePath, mode }
    if (entry.mode === 'link') upload.linkTarget = entry.linkTarget!
    result.uploads.push(upload)
    result.hashed.set(entry.path, fresh)
  }
  await Promise.all(toHash.map((item) => limit(() => hashOne(item))))
  // Hashing runs in parallel; a stable order makes commits and logs reproducible.
  result.uploads.sort((a, b) => compare(a.repoPath, b.repoPath))

  const inScope = coveredBy(scan.scope)
  const isProtected = coveredBy(scan.skipped.map((s) => s.path)) ?? (() => false)
  for (const path in index.files) {
    if (scan.entries.has(path) || (inScope && !inScope(path)) || isProtected(path) || options.isIgnored?.(path))
      continue
    result.deletedPaths.push(path)
  }
  // Sorted once found: sorting every indexed path cost a warm start of 100,000 files ~50 ms.
  result.deletedPaths.sort(compare)
  for (const path of result.deletedPaths) result.deletions.push(toRepoPath(path, prefix))
  return result
}

type HashOutcome = { sha: string; size: number; mtimeMs: number } | { skip: SkippedPath }

async function hashEntry(entry: LocalEntry, absolutePath: string): Promise<HashOutcome> {
  // A link's content in git is its target text; the size is that text's length in bytes.
  if (entry.mode === 'link')
    return {
      sha: hashBlob(entry.linkTarget ?? ''),
      size: Buffer.byteLength(entry.linkTarget ?? ''),
      mtimeMs: entry.mtimeMs,
    }
  try {
    return await hashFile(absolutePath)
  } catch (error) {
    // Neither outcome is a deletion: the index keeps the path, and the next look retries it.
    if (error instanceof FileChangedError) return { skip: skippedPath(entry.path, 'changing') }
    return {
      skip: skippedPath(entry.path, 'unreadable', (error as NodeJS.ErrnoException).code ?? (error as Error).message),
    }
  }
}

function tooLarge(path: string, size: number, max: number): SkippedPath {
  return skippedPath(path, 'too-large', `${formatBytes(size)}; the limit is ${formatBytes(max)} per file`)
}

/** A test for "this path, or a folder above it, is one of `paths`"; undefined for no list. */
function coveredBy(paths: readonly string[] | undefined): ((path: string) => boolean) | undefined {
  if (!paths) return undefined
  const set = new Set(paths)
  return (path) => {
    for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
      if (set.has(p)) return true
      if (!p.includes('/')) return false
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
