/**
 * A paired folder as the Folders screen shows it: the pair, its last status, its hold (with the
 * answers that fit it), conflicts, skipped paths, and what the runner says now (syncing, progress,
 * paused, another process syncing, signed out).
 */
import type { FolderState, FolderView, SkipView } from '../../../shared/ipc/views.js'
import { commitLink } from '../bitbucket/api-paths.js'
import { SKIP_REASON_LABELS, type SkippedPath } from '../sync/local/skipped.js'
import { isPaused, type SyncPair } from '../sync/pairs/sync-pair.js'
import { resolutionsFor, type Hold } from '../sync/pass/hold-store.js'
import type { PairStatus } from '../sync/service/status-store.js'
import type { PassProgress } from './sync-runner.js'

/** How many held files a view lists (the count says how many in all). */
const LISTED_HELD_FILES = 50

/** What the runner and the sign-in say about every folder now. */
export interface FolderContext {
  webUrl: string
  now: number
  signedIn: boolean
  /** Everything paused (settings), until when; false when not. */
  pausedAll: { until: number | null } | false
  /** Another process syncs this home (or the watch stopped): its sentence. */
  blockedBy: string | null
  passing: boolean
  progress: PassProgress | null
  conflicts: { path: string; copy: string | null }[]
}

export function skipView(skip: SkippedPath): SkipView {
  const label = SKIP_REASON_LABELS[skip.reason]
  return {
    path: skip.path,
    reason: skip.reason,
    label: label.charAt(0).toUpperCase() + label.slice(1),
    message: skip.message,
  }
}

function pausedMessage(until: number | null, what: string): string {
  return until === null ? `${what} until you resume.` : `${what} until ${new Date(until).toLocaleString()}.`
}

/** The folder's page on Bitbucket: the branch's source under the pair's path. */
export function folderLink(webUrl: string, pair: SyncPair): string {
  const base = `${webUrl.replace(/\/+$/, '')}/${encodeURIComponent(pair.workspace)}/${encodeURIComponent(pair.repository)}`
  const path = pair.pathInRepo ? `/${pair.pathInRepo.split('/').map(encodeURIComponent).join('/')}` : '/'
  return `${base}/src/${encodeURIComponent(pair.branch)}${path}`
}

export function folderView(pair: SyncPair, status: PairStatus, hold: Hold | null, ctx: FolderContext): FolderView {
  const paused = isPaused(pair, ctx.now) ? { until: pair.paused?.until ?? null } : null
  let state: FolderState = status.state === 'paused' ? 'paused' : status.state
  let message = status.message
  if (!ctx.signedIn) {
    state = 'signed-out'
    message = 'Not syncing: you are not signed in to Bitbucket. Sign in to carry on.'
  } else if (paused) {
    state = 'paused'
    message = pausedMessage(paused.until, 'Paused')
  } else if (ctx.pausedAll) {
    state = 'paused'
    message = pausedMessage(ctx.pausedAll.until, 'Everything is paused')
  } else if (ctx.blockedBy) {
    state = 'error'
    message = ctx.blockedBy
  } else if (hold && hold.resolution === null) {
    state = 'held'
    message = hold.message
  } else if (ctx.passing) {
    state = 'syncing'
    message = ctx.progress ? 'Saving changes to Bitbucket…' : 'Looking for changes…'
  }
  const progress = ctx.progress
  return {
    id: pair.id,
    folder: pair.folder,
    workspace: pair.workspace,
    repository: pair.repository,
    branch: pair.branch,
    pathInRepo: pair.pathInRepo,
    state,
    message,
    paused,
    lastSyncAt: status.lastSyncAt,
    lastCommit: status.lastCommit
      ? { hash: status.lastCommit, link: commitLink(ctx.webUrl, pair, status.lastCommit) }
      : null,
    nextAttemptAt: status.nextAttemptAt,
    progress:
      ctx.passing && progress
        ? {
            filesDone: progress.filesDone,
            filesTotal: progress.filesTotal,
            bytesSent: progress.bytesSent,
            bytesTotal: progress.bytesTotal,
          }
        : null,
    hold:
      hold && hold.resolution === null
        ? {
            reason: hold.reason,
            message: hold.message,
            files: hold.deletions.slice(0, LISTED_HELD_FILES),
            count: hold.deletions.length,
            choices: resolutionsFor(hold.reason),
          }
        : null,
    conflicts: ctx.conflicts.map(({ path, copy }) => ({ path, copy: copy ?? `a copy of ${path} beside it` })),
    skipped: status.skipped.map(skipView),
    skippedCount: status.skippedCount,
    link: folderLink(ctx.webUrl, pair),
  }
}
