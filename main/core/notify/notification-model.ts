/**
 * Which desktop notifications Pail shows: a pure function from what the core last pushed (the
 * sign-in, every folder's view) and what was already told, to the notifications to show now.
 *
 * Only what needs a person is told — a conflict, a held deletion, a missing permission, a sign-in
 * Bitbucket stopped accepting, failures that keep coming back — once, when it appears, grouped per
 * folder (one notification says everything a folder needs), never for a routine sync. Each names
 * the screen a click opens. With notifications turned off nothing is shown, but what was seen is
 * still remembered, so turning them on again does not replay old news.
 */
import type { AuthState, FolderView } from '../../../shared/ipc/views.js'

/** The window's screens a notification can open (renderer/lib/route.ts). */
export type NotificationScreen = '#/folders' | '#/account'

/** One notification, as the shell shows it. */
export interface PailNotification {
  /** Stable per subject (`folder:<id>`, `account`): a newer notification replaces the older one. */
  key: string
  title: string
  body: string
  /** What a click opens. */
  screen: NotificationScreen
}

/** What the core last told: the sign-in (null until it was told) and every folder. */
export interface NotifyInput {
  auth: AuthState | null
  folders: readonly FolderView[]
  /** The person's setting (`notifications`). */
  enabled: boolean
}

/** What a folder's attention was last time, and its run of failures. */
interface FolderMemory {
  /** The things that needed a person, as keys (`conflict:<path>`, `hold:<reason>:<count>`, `failing`). */
  items: string[]
  /** Distinct failed attempts in a row (told apart by when Pail retries). */
  failures: number
  lastRetryAt: number | null
}

/** What was already told; start from `nothingTold`. */
export interface NotifyMemory {
  account: string[]
  folders: Record<string, FolderMemory>
}

export const nothingTold: NotifyMemory = { account: [], folders: {} }

/** After this many failed attempts in a row a folder's trouble is told. */
export const REPEATED_FAILURES = 3
/** More folders than this needing a person at once are told in one notification. */
export const MAX_FOLDER_NOTIFICATIONS = 3

/** Features whose missing permission stops Pail's own work (identify alone is only a name). */
const WORK_FEATURES = new Set(['list-repositories', 'upload', 'sync'])

/** The last part of a folder's path, for a title ("Reports"), on any platform. */
export function folderName(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part !== '')
  return parts.at(-1) ?? path
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many
}

/** The account's attention items and the notification for them. */
function accountAttention(auth: AuthState | null): { items: string[]; notification: PailNotification | null } {
  if (!auth) return { items: [], notification: null }
  if (auth.status === 'expired' || (auth.status === 'signed-out' && auth.reason !== null)) {
    return {
      items: [`signed-out:${auth.reason}`],
      notification: {
        key: 'account',
        title: 'Pail is not syncing: you are signed out',
        body: `${auth.reason} Open Pail to sign in again.`,
        screen: '#/account',
      },
    }
  }
  if (auth.status !== 'signed-in') return { items: [], notification: null }
  const blocked = auth.account.features.filter((f) => WORK_FEATURES.has(f.feature) && !f.ready && f.missing.length > 0)
  if (blocked.length === 0) return { items: [], notification: null }
  return {
    items: blocked.map((f) => `permission:${f.feature}`),
    notification: {
      key: 'account',
      title: 'Pail is missing a permission',
      body: blocked.map((f) => f.advice).join(' '),
      screen: '#/account',
    },
  }
}

/** A folder's run of failures, given its view now. */
function nextFailures(
  view: FolderView,
  memory: FolderMemory | undefined,
): Pick<FolderMemory, 'failures' | 'lastRetryAt'> {
  const failures = memory?.failures ?? 0
  const lastRetryAt = memory?.lastRetryAt ?? null
  if (view.state === 'up-to-date') return { failures: 0, lastRetryAt: null }
  // A new retry time is a new failed attempt; the same one is the same failure seen again.
  if (view.state === 'error' && view.nextAttemptAt !== null && view.nextAttemptAt !== lastRetryAt)
    return { failures: failures + 1, lastRetryAt: view.nextAttemptAt }
  return { failures, lastRetryAt }
}

/** What about a folder needs a person now, as keys and as sentences. */
function folderAttention(view: FolderView, failures: number): { items: string[]; sentences: string[] } {
  const items: string[] = []
  const sentences: string[] = []
  if (view.conflicts.length > 0) {
    items.push(...view.conflicts.map((c) => `conflict:${c.path}`))
    const count = view.conflicts.length
    sentences.push(
      `${count} ${plural(count, 'file was', 'files were')} changed here and in Bitbucket; both versions are kept.`,
    )
  }
  if (view.hold) {
    items.push(`hold:${view.hold.reason}:${view.hold.count}`)
    sentences.push(view.hold.message)
  }
  if (view.state === 'error' && failures >= REPEATED_FAILURES) {
    items.push('failing')
    sentences.push(view.message)
  }
  return { items, sentences }
}

/** Whether `items` holds something `before` did not. */
function hasNew(items: readonly string[], before: readonly string[]): boolean {
  const seen = new Set(before)
  return items.some((item) => !seen.has(item))
}

/**
 * The notifications to show for `input`, given what was already told, and what is told after.
 * Something is told when it appears; what stays, or goes away, is not told again.
 */
export function decideNotifications(
  memory: NotifyMemory,
  input: NotifyInput,
): { notifications: PailNotification[]; memory: NotifyMemory } {
  const notifications: PailNotification[] = []
  const account = accountAttention(input.auth)
  if (account.notification && hasNew(account.items, memory.account)) notifications.push(account.notification)

  // Signed out, every folder says so: the account's notification is the one that tells it.
  const signedIn = input.auth?.status === 'signed-in'
  const folders: Record<string, FolderMemory> = {}
  const folderNotifications: PailNotification[] = []
  for (const view of input.folders) {
    const before = memory.folders[view.id]
    const run = nextFailures(view, before)
    const attention = signedIn ? folderAttention(view, run.failures) : { items: [], sentences: [] }
    folders[view.id] = { items: attention.items, ...run }
    if (!hasNew(attention.items, before?.items ?? [])) continue
    folderNotifications.push({
      key: `folder:${view.id}`,
      title: `${folderName(view.folder)} needs you`,
      body: `${attention.sentences.join(' ')} Open Pail to see what to do.`,
      screen: '#/folders',
    })
  }
  if (folderNotifications.length > MAX_FOLDER_NOTIFICATIONS) {
    notifications.push({
      key: 'folders',
      title: `${folderNotifications.length} folders need you`,
      body: 'Conflicts, held deletions or failures wait for your answer. Open Pail to see what to do.',
      screen: '#/folders',
    })
  } else notifications.push(...folderNotifications)

  const next: NotifyMemory = { account: account.items, folders }
  return { notifications: input.enabled ? notifications : [], memory: next }
}
