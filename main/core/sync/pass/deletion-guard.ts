/**
 * Whether a change set may go out without asking (DESIGN.md §4: "an empty or missing folder, or a
 * change set deleting more than a threshold, pauses the pair and asks the user"; peer-apps.md §2:
 * Syncthing's unmounted-disk deletes). Deletions are judged per pass and over a window (issue #7,
 * point 4: deletion-ledger.ts), so deleting most of a folder a few files at a time asks too.
 * Deletions the person already confirmed go through; the rest are judged as usual.
 * Messages are for people: what happened, that nothing was deleted, and what they can do.
 */
import { basename } from 'node:path'
import type { ScanResult } from '../local/scanner.js'
import type { IndexEntry, PairIndex } from '../types.js'
import type { LocalChangeSet } from './change-set.js'
import type { RecentDeletions } from './deletion-ledger.js'
import type { HoldReason } from './hold-store.js'

/**
 * When deletions need the user's word. A change set is held when its deletions reach
 * `maxDeletions`, or when they reach `maxDeletedFraction` of the index and are at least
 * `minDeletionsForFraction` (so deleting 3 of 8 files does not ask, while 400 of 1,000 or 40 of
 * 100 does). Deletions whose content is uploaded again under another name (moves) do not count.
 * The same limits apply to the window's deletions plus the pass's, against the files the pair had
 * when the window's deleting began.
 */
export interface SafetyThresholds {
  maxDeletions: number
  maxDeletedFraction: number
  minDeletionsForFraction: number
}

/** Defaults from peer-apps.md §5 ("a mass-delete threshold"). */
export const DEFAULT_SAFETY_THRESHOLDS: SafetyThresholds = {
  maxDeletions: 50,
  maxDeletedFraction: 0.3,
  minDeletionsForFraction: 10,
}

/** Whether a change set may be committed without asking; a hold names the deletions it holds back. */
export type SafetyVerdict = { ok: true } | { ok: false; hold: HoldReason; message: string; deletions: string[] }

/** What the check knows beyond the change set. */
export interface SafetyContext {
  /** Folder paths whose deletion the person confirmed: they go through and do not count. */
  confirmed?: ReadonlySet<string>
  /** The window's unconfirmed deletions so far. */
  recent?: RecentDeletions
}

/** The deletions (folder paths) whose content is not uploaded again under another name (`hashed`): really lost. */
export function lostDeletions(
  deletedPaths: readonly string[],
  hashed: ReadonlyMap<string, IndexEntry>,
  index: PairIndex,
): string[] {
  const uploadedShas = new Set([...hashed.values()].map((entry) => entry.sha))
  return deletedPaths.filter((path) => !uploadedShas.has(index.files[path]?.sha ?? ''))
}

/** Checks a change set before it becomes a commit. */
export function safetyCheck(
  changeSet: LocalChangeSet,
  index: PairIndex,
  scan: ScanResult,
  thresholds: Partial<SafetyThresholds> = {},
  context: SafetyContext = {},
): SafetyVerdict {
  const limits = { ...DEFAULT_SAFETY_THRESHOLDS, ...thresholds }
  const name = basename(scan.root) || scan.root
  if (scan.rootStatus !== 'ok')
    return { ok: false, hold: 'missing-folder', message: missingMessage(scan, name), deletions: [] }
  const confirmed = context.confirmed ?? new Set<string>()
  const held = changeSet.deletedPaths
  if (held.every((path) => confirmed.has(path))) return { ok: true }
  const indexed = Object.keys(index.files).length
  if (held.length >= indexed && changeSet.uploads.length === 0)
    return { ok: false, hold: 'empty-folder', message: emptyMessage(name, indexed), deletions: [...held] }
  const lost = lostDeletions(changeSet.deletedPaths, changeSet.hashed, index).filter(
    (path) => !confirmed.has(path),
  ).length
  const tooMany = (count: number, of: number): boolean =>
    count >= limits.maxDeletions || (count >= limits.minDeletionsForFraction && count >= limits.maxDeletedFraction * of)
  if (tooMany(lost, indexed))
    return { ok: false, hold: 'mass-delete', message: massMessage(name, held.length, indexed), deletions: [...held] }
  const recent = context.recent
  if (recent && recent.count > 0 && lost > 0) {
    const total = recent.count + lost
    const had = recent.filesAtStart ?? indexed
    if (tooMany(total, had))
      return {
        ok: false,
        hold: 'mass-delete',
        message: windowMessage(name, total, lost, had, recent.windowMs),
        deletions: [...held],
      }
  }
  return { ok: true }
}

const ANSWERS =
  'If you meant to delete them, tell Pail to delete them from Bitbucket too. If not, tell Pail to put them back from Bitbucket, or restore them yourself (from the Recycle Bin or Trash, say).'

function emptyMessage(name: string, indexed: number): string {
  const them = indexed === 1 ? 'it' : 'them'
  return `The folder “${name}” is empty, but Bitbucket still has the ${files(indexed)} Pail synced from it. Pail has paused this folder rather than delete ${indexed === 1 ? 'it' : 'them all'} from Bitbucket. If you emptied the folder on purpose, tell Pail to delete ${them} from Bitbucket too. If not, check that the right drive is connected, or tell Pail to put ${them} back from Bitbucket.`
}

function massMessage(name: string, deletions: number, indexed: number): string {
  const percent = Math.round((100 * deletions) / Math.max(indexed, 1))
  return `${files(deletions)} ${deletions === 1 ? 'was' : 'were'} deleted from the folder “${name}” (${percent}% of the files Pail syncs from it). Pail has paused this folder before deleting them from Bitbucket too. ${ANSWERS}`
}

function windowMessage(name: string, total: number, now: number, had: number, windowMs: number): string {
  const percent = Math.round((100 * total) / Math.max(had, 1))
  return `${files(total)} were deleted from the folder “${name}” over the last ${duration(windowMs)} (${percent}% of the files it had), ${now.toLocaleString('en')} of them since Pail last synced. Pail has paused this folder before deleting more from Bitbucket. ${ANSWERS}`
}

function missingMessage(scan: ScanResult, name: string): string {
  const after =
    'Pail has paused syncing it, and nothing has been deleted from Bitbucket. Pail carries on by itself once the folder is back.'
  switch (scan.rootStatus) {
    case 'not-a-directory':
      return `“${scan.root}” is no longer a folder. ${after}`
    case 'unreadable':
      return `Pail can't open the folder “${name}” (${scan.root}). It may be on a drive that is not connected, or you may not have permission to open it. ${after}`
    case 'pail-home':
      return `“${scan.root}” is, or holds, Pail's own folder with your sign-in secrets, so Pail never uploads anything from it and has paused syncing it. Nothing has been deleted from Bitbucket. Remove this folder from Pail and pick another one.`
    default:
      return `Pail can't find the folder “${name}” (${scan.root}). If it is on an external drive or a network share, connect it. ${after}`
  }
}

function files(count: number): string {
  return `${count.toLocaleString('en')} file${count === 1 ? '' : 's'}`
}

function duration(ms: number): string {
  const hours = ms / 3_600_000
  if (hours >= 1 && Number.isInteger(hours)) return hours === 1 ? 'hour' : `${hours} hours`
  const minutes = Math.max(1, Math.round(ms / 60_000))
  return minutes === 1 ? 'minute' : `${minutes} minutes`
}
