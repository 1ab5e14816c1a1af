/**
 * What each shell gives the core's composition (DESIGN.md §2): the Electron shell its own
 * implementations (safeStorage secrets, electron-store settings, openExternal, the native folder
 * dialog, login items), `pail serve` Node's, tests fakes. Everything optional has a headless default.
 */
import type { Clock, Opener } from '../ports.js'
import type { Logger } from '../log/logger.js'
import type { SecretStore } from '../secrets/secret-store.js'
import type { SettingsStore } from '../settings/settings-store.js'
import type { NoticeSink } from '../store/json-store.js'

/** Whether Pail starts when the person logs in (desktop only). */
export interface LaunchAtLoginPort {
  get(): Promise<boolean>
  set(enabled: boolean): Promise<void>
}

/**
 * Files a browser staged through `pail serve` for one upload (main/cli/serve/staging-area.ts
 * implements this port; its `StagedUpload` has this shape).
 */
export interface StagedFiles {
  stagingId: string
  /** The folder holding the staged files, each at its relative path (a real path). */
  root: string
  /** The files and folders at the top of `root`, absolute: uploaded as `paths` would be. */
  entries: string[]
  files: { path: string; absolutePath: string; bytes: number }[]
}

/** The staging area's side of `upload:start` with `{kind:'staged'}`. */
export interface StagingPort {
  /** The staging's files; it takes no more. Throws an error with a `toUserError()` or plain message when it cannot. */
  take(stagingId: string): Promise<StagedFiles>
  /** Removes the staging (after the commit, whatever its outcome). Does nothing when it is gone. */
  discard(stagingId: string): Promise<void>
}

/** Tuning of the sync service in watch mode (tests shorten it). */
export interface WatchTuning {
  /** How often each branch is polled for other people's changes (default 60 s). */
  pollMs?: number
  /** Quiet period after the last change before a pass (default 3 s). */
  quietMs?: number
  /** How long to wait before trying again while another process syncs this home (default 15 s). */
  lockRetryMs?: number
  /**
   * How often Pail asks Bitbucket whether the sign-in still works, so a revoked one shows without
   * waiting for the next sync (default 60 s; the branch polls and every request find out too).
   */
  sessionCheckMs?: number
  /** How often the saved sign-in is read again for changes made elsewhere, e.g. `pail logout` (default 5 s). */
  accountCheckMs?: number
}

/** Everything `createPailCore` is given. */
export interface PailCorePorts {
  /** Pail's home (pailHome(env) in the shells). */
  home: string
  /** 'electron' in the desktop app, 'headless' under `pail serve`. */
  shell: 'electron' | 'headless'
  /** Environment for the provisioning path and Bitbucket's addresses (default process.env). */
  env?: NodeJS.ProcessEnv
  /** Default: a file only the user can read, `<home>/secrets.json` (as the CLI). */
  secrets?: SecretStore
  /** Default: `<home>/settings.json` (JsonSettingsStore). */
  settings?: SettingsStore
  /** Opens the sign-in page (desktop: openExternal; headless: usually answers false). */
  opener: Opener
  clock?: Clock
  /** Default: `<home>/logs/pail.log`. */
  logger?: Logger
  /** Damage to Pail's own files, for the window to show; default: logged. */
  notices?: NoticeSink
  /** null where it does not apply (the browser). */
  launchAtLogin: LaunchAtLoginPort | null
  /** `pail serve`'s staging area; null in the desktop app (uploads send paths). */
  staging?: StagingPort | null
  /** The native folder dialog (desktop); absent headless, where `folders:choose` says to use the browser. */
  chooseFolder?: () => Promise<string | null>
  /** Whether the sync service runs while signed in (default true; tests of single handlers may turn it off). */
  watch?: boolean
  watchTuning?: WatchTuning
  /** Upload progress is pushed at most this often (default 100 ms; 0: every step, for tests). */
  progressIntervalMs?: number
  /** What this process is, in the message another sync runner gets ("the Pail app", "pail serve"). */
  runnerName?: string
  /**
   * Installs the network (proxy, trusted CAs) for the provisioning in force, before Bitbucket is
   * asked anything and again when a provisioning file is imported (main/core/net/network.ts);
   * `caFile` is absolute. Absent: the process's network stays as the shell installed it.
   */
  network?: (settings: { caFile: string | undefined }) => Promise<void>
}
