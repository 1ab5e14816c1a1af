/**
 * What the window shows, as plain data: the answers of the contract's requests and the payloads of
 * its events. Built by the core from its own state (main/core/app/), never by the renderer.
 * Texts meant for people (messages, advice) are written by the core in plain words; codes, hashes
 * and scope ids are only details.
 */
import type { CredentialKind, FeatureReadiness } from '../auth/scope-catalogue.js'

/** Facts about the running Pail, shown in the window's footer and `pail --version`. */
export interface AppInfo {
  name: string
  version: string
  /** 'electron' in the desktop app, 'headless' under `pail serve`. */
  shell: 'electron' | 'headless'
  /** The sign-in callback the admin registers on the OAuth consumer. */
  callbackUrl: string
  /** Bitbucket's web address (bitbucket.org, or the emulator in demos). */
  webUrl: string
  /** Whether an OAuth consumer is configured (provisioning), so "Sign in with Bitbucket" can work. */
  hasConsumer: boolean
}

/** Who is signed in. */
export interface AccountView {
  displayName: string
  nickname: string | null
  kind: CredentialKind
  /** How the account signed in, in plain words ("your Bitbucket account, in the browser"). */
  kindWords: string
  /** Granted permissions, in Bitbucket's own labels ("Repositories: Write"), with their ids as details. */
  permissions: { id: string; label: string; description: string }[]
  /** What works and what is missing, with what to ask the admin. */
  features: FeatureReadiness[]
  /** When the sign-in was last renewed (epoch ms), null when unknown. */
  renewedAt: number | null
  /** When the current access token expires (epoch ms); null for tokens that do not expire. */
  expiresAt: number | null
}

/** The sign-in as the window sees it. */
export type AuthState =
  | { status: 'signed-out'; reason: string | null }
  | { status: 'waiting-for-browser'; authorizationUrl: string; startedAt: number }
  | { status: 'signed-in'; account: AccountView }
  /** Bitbucket stopped accepting the sign-in (revoked, expired): signed out, with the reason. */
  | { status: 'expired'; reason: string; account: Pick<AccountView, 'displayName' | 'kindWords'> }

/** A repository the signed-in account can write to. */
export interface RepositoryView {
  workspace: string
  slug: string
  /** `workspace/slug`, how the window names it. */
  fullName: string
  name: string
  isPrivate: boolean
  mainBranch: string | null
  /** Its page on Bitbucket. */
  link: string
}

export interface WorkspaceView {
  slug: string
  repositories: RepositoryView[]
}

/** What a pair needs: a folder and where it goes. */
export interface FolderTarget {
  folder: string
  workspace: string
  repository: string
  branch: string
  pathInRepo: string
}

/** One path Pail does not sync, and why. */
export interface SkipView {
  path: string
  reason: string
  /** Short: "Too large", "Link to outside the folder". */
  label: string
  /** What happened and what to do. */
  message: string
}

/** What "Preview" shows before anything is sent. */
export interface FolderPreview {
  target: FolderTarget
  /** Files that will be uploaded, and their total size. */
  files: number
  bytes: number
  /** Paths left out by the ignore rules (built-in litter and .pailignore), a sample with the count. */
  ignored: { sample: string[]; count: number }
  skipped: { sample: SkipView[]; count: number }
  /** What will come down from the repository into the folder. */
  incoming: { files: number; bytes: number; sample: string[] }
  /** Files that exist on both sides and differ: both versions will be kept. */
  bothSides: { count: number; sample: string[] }
  /** Plain-word warnings (the folder is large, the branch does not exist yet…). */
  warnings: string[]
}

export type FolderState = 'up-to-date' | 'syncing' | 'paused' | 'held' | 'error' | 'signed-out'

/** Answers to a hold, in the engine's words (main/core/sync/pass/hold-store.ts). */
export type HoldChoice = 'delete' | 'restore' | 'recreate-branch'

/** A paired folder and everything the Folders screen shows of it. */
export interface FolderView extends FolderTarget {
  id: string
  state: FolderState
  /** What happened last, or what needs doing. */
  message: string
  /** null: not paused; otherwise paused until then (epoch ms) or until resumed (null `until`). */
  paused: { until: number | null } | null
  lastSyncAt: number | null
  lastCommit: { hash: string; link: string } | null
  /** After failures: when Pail tries again. */
  nextAttemptAt: number | null
  /** While a pass uploads. */
  progress: { filesDone: number; filesTotal: number; bytesSent: number; bytesTotal: number } | null
  /** A change that waits for the person's word. */
  hold: { reason: string; message: string; files: string[]; count: number; choices: HoldChoice[] } | null
  /** Files changed here and in Bitbucket: where both versions are. */
  conflicts: { path: string; copy: string }[]
  skipped: SkipView[]
  skippedCount: number
  /** The folder's page on Bitbucket. */
  link: string
}

export type HistoryOutcome = 'uploading' | 'committed' | 'failed' | 'held' | 'conflict'

/** One upload attempt, as the History screen lists it. */
export interface HistoryView {
  id: string
  time: number
  /** The folder it came from, or null for a manual upload. */
  folder: { id: string; path: string } | null
  workspace: string
  repository: string
  branch: string
  files: { path: string; operation: 'add' | 'change' | 'delete'; bytes: number }[]
  outcome: HistoryOutcome
  /** Who: the signed-in account's name. */
  who: string | null
  commit: { hash: string; link: string } | null
  error: string | null
  note: string | null
}

/** A manual upload's progress, pushed as it goes. */
export interface UploadProgress {
  uploadId: string
  bytesSent: number
  bytesTotal: number
  currentPath: string | null
  /** Once finished: the commit, or what went wrong. */
  done: { commit: { hash: string; link: string } } | { error: string } | null
}

/** Settings the window edits. */
export interface SettingsView {
  /** null where it does not apply (in the browser, under `pail serve`). */
  launchAtLogin: boolean | null
  notifications: boolean
  commitMessageTemplate: string
  /** Everything paused until then (epoch ms), until resumed (null), or not paused (false). */
  pausedAll: { until: number | null } | false
}

/** A folder on this computer, for the folder browser of `pail serve`. */
export interface FolderListing {
  path: string
  parent: string | null
  folders: { name: string; path: string }[]
}

/** One line of the admin's check of an OAuth consumer (main/core/admin/consumer-verdict.ts). */
export interface ConsumerCheckItemView {
  id: string
  /** 'ok': works; 'fix': must be changed; 'unverified': could not be checked from here; 'info': to know. */
  status: 'ok' | 'fix' | 'unverified' | 'info'
  /** The status in words, for people and screen readers ("Works", "To fix"…). */
  statusWords: string
  /** What Pail found, in plain words. */
  text: string
  /** For 'fix': exactly what to change. */
  fix: string | null
  /** For 'unverified': how to check it by hand. */
  byHand: string | null
}

/**
 * The window's view of the admin's check of an OAuth consumer (`admin:check-consumer`). Never holds
 * the consumer's secret.
 */
export interface ConsumerCheckView {
  /** 'ready': staff can sign in and upload; 'needs-fixes': something must change; 'incomplete': nothing wrong found, not everything checked. */
  verdict: 'ready' | 'needs-fixes' | 'incomplete'
  /** Whether staff can sign in and upload. */
  ready: boolean
  /** The overall verdict in one sentence. */
  summary: string
  /** Whether the provisioning file may be made (nothing to fix was found, as `pail admin provision`). */
  canProvision: boolean
  consumerKey: string
  webUrl: string
  /** The exact callback URL that was checked. */
  callbackUrl: string
  items: ConsumerCheckItemView[]
  /** Each Pail feature and whether the consumer's permissions enable it; null when they could not be seen. */
  features: { label: string; ready: boolean; missing: string[] }[] | null
}

/** The provisioning file staff import, built after a check that found nothing to fix (`admin:build-provisioning`). */
export interface ProvisioningFileView {
  /** The name to save it under. */
  fileName: string
  /** The file's text. It holds the consumer's secret: saved, never shown. */
  text: string
  /** The check it was made after. */
  check: ConsumerCheckView
}
