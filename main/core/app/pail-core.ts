/**
 * One composition of the core services for both shells (DESIGN.md §2): auth, pairs, history,
 * settings, manual uploads, and the sync service watching every pair while someone is signed in.
 * The Electron main process and `pail serve` each build one with their ports and serve its
 * `handlers` through `dispatch`, forwarding its `events` to the window.
 */
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Handlers } from '../../../shared/ipc/contract.js'
import type { AuthState, FolderView } from '../../../shared/ipc/views.js'
import { AuthService, type Session } from '../auth/auth-service.js'
import { SignedOutError } from '../auth/token-source.js'
import { BitbucketError } from '../bitbucket/api-client.js'
import { USER_PATH } from '../bitbucket/api-paths.js'
import { resolveEndpoints, type Endpoints } from '../config/endpoints.js'
import {
  caFilePath,
  loadProvisioning,
  ProvisioningError,
  provisioningPath,
  type Provisioning,
} from '../config/provisioning.js'
import { protectHome, type ReadGuard } from '../fs/read-guard.js'
import { FileLogger, type Logger } from '../log/logger.js'
import { systemClock, type Clock } from '../ports.js'
import { FileSecretStore } from '../secrets/file-secret-store.js'
import type { SecretStore } from '../secrets/secret-store.js'
import { JsonSettingsStore, type SettingsStore } from '../settings/settings-store.js'
import { HomeLocks } from '../store/home-locks.js'
import type { NoticeSink } from '../store/json-store.js'
import { PairStore } from '../sync/pairs/pair-store.js'
import type { SyncPair } from '../sync/pairs/sync-pair.js'
import { HoldStore } from '../sync/pass/hold-store.js'
import type { PairResult } from '../sync/service/sync-service.js'
import { pairStatus, type SyncService } from '../sync/service/sync-service.js'
import { savedAccountState } from './account-view.js'
import { AppSettingsStore } from './app-settings.js'
import { signedOutError } from './app-error.js'
import { AuthFlow } from './auth-flow.js'
import { toUserError } from './dispatch.js'
import { AppEventBus, type AppEvents } from './events.js'
import { folderView } from './folder-view.js'
import { buildHandlers } from './handlers.js'
import { historyView, ObservedHistoryStore } from './observed-history.js'
import type { PailCorePorts } from './ports.js'
import { SyncRunner } from './sync-runner.js'
import { Uploads } from './uploads.js'

/** The composed core: what a shell serves and listens to. */
export interface PailCore {
  /** Every channel of the contract; call them through `dispatch`. */
  handlers: Handlers
  events: AppEvents
  /** Stops watching (the pass in flight finishes), cancels a sign-in under way, lets go of the locks. */
  close(): Promise<void>
}

/** How often the saved sign-in is looked at for changes made elsewhere (a `pail logout`, a refused renewal). */
const AUTH_CHECK_MS = 5_000
/** Folder changes are pushed at most this often while bytes are being sent. */
const FOLDERS_PUSH_MS = 250

/**
 * The state behind the handlers. Internal: shells use `PailCore`; handlers.ts reads and drives it.
 */
export class CoreState {
  readonly events: AppEventBus
  readonly logger: Logger
  readonly clock: Clock
  readonly locks: HomeLocks
  /** Where damage to Pail's own files is told (the shell's sink, or the log). */
  readonly notices: NoticeSink
  readonly secrets: SecretStore
  readonly settingsStore: SettingsStore
  readonly settings: AppSettingsStore
  readonly pairs: PairStore
  readonly history: ObservedHistoryStore
  readonly runner: SyncRunner
  readonly uploads: Uploads
  readonly flow: AuthFlow
  auth!: AuthService
  provisioning: Provisioning = {}
  endpoints!: Endpoints
  private lastAuthKey = ''
  private signedOutReason: string | null = null
  private authTimer: NodeJS.Timeout | null = null
  private sessionTimer: NodeJS.Timeout | null = null
  private pauseTimer: NodeJS.Timeout | null = null
  private foldersTimer: NodeJS.Timeout | null = null
  private foldersPushedAt = 0
  private closed = false
  /** The display name of who is signed in, for history entries. */
  private who: string | null = null

  constructor(
    readonly ports: PailCorePorts,
    readonly guard: ReadGuard,
  ) {
    const home = ports.home
    this.logger = ports.logger ?? new FileLogger(join(home, 'logs', 'pail.log'))
    this.clock = ports.clock ?? systemClock
    this.events = new AppEventBus(this.logger)
    this.locks = HomeLocks.for(home, this.logger)
    this.notices =
      ports.notices ?? ((notice) => this.logger.warn('store.notice', { file: notice.file, message: notice.message }))
    const stores = { locks: this.locks, notices: this.notices, logger: this.logger }
    this.secrets = ports.secrets ?? new FileSecretStore(join(home, 'secrets.json'), null, stores)
    this.settingsStore = ports.settings ?? new JsonSettingsStore(home, stores)
    this.settings = new AppSettingsStore(this.settingsStore, ports.launchAtLogin, () => this.clock.now())
    this.pairs = new PairStore(this.settingsStore, home, () => this.clock.now())
    this.history = new ObservedHistoryStore(home, this.locks, (entry) =>
      this.events.emit('history:changed', historyView(entry, this.who)),
    )
    let template = ''
    this.runner = new SyncRunner({
      home,
      pairs: this.pairs,
      history: this.history,
      logger: this.logger,
      ...(ports.watchTuning ? { tuning: ports.watchTuning } : {}),
      runnerName: ports.runnerName ?? (ports.shell === 'electron' ? 'the Pail app' : 'pail serve'),
      messageTemplate: () => template,
      events: {
        changed: () => this.foldersChanged(),
        result: (result) => this.passEnded(result),
      },
    })
    this.refreshTemplate = async () => {
      template = await this.settings.messageTemplate()
    }
    this.uploads = new Uploads({
      history: this.history,
      guard,
      staging: ports.staging ?? null,
      ...(ports.progressIntervalMs !== undefined ? { intervalMs: ports.progressIntervalMs } : {}),
      logger: this.logger,
      told: (progress) => this.events.emit('upload:progressed', progress),
      describe: (error) => toUserError(error, this.logger, 'upload:start').message,
    })
    this.flow = new AuthFlow(
      this.clock,
      {
        ended: (outcome) => {
          this.signedOutReason = outcome.signedIn ? null : outcome.reason
          void this.authChanged(true)
        },
      },
      (error) => toUserError(error, this.logger, 'auth:sign-in').message,
    )
  }

  /** Reads the commit message template again (after settings change). */
  readonly refreshTemplate: () => Promise<void>

  /** Loads the provisioning (a broken file is logged and Pail goes on without it) and builds the auth service. */
  async loadAuth(provisioning?: Provisioning): Promise<void> {
    const env = this.ports.env ?? process.env
    if (provisioning) this.provisioning = provisioning
    else {
      try {
        this.provisioning = await loadProvisioning(provisioningPath(this.ports.home, env))
      } catch (error) {
        if (!(error instanceof ProvisioningError)) throw error
        this.logger.warn('app.provisioning-unusable', { error: error.message })
        this.provisioning = {}
      }
    }
    this.endpoints = resolveEndpoints(this.provisioning, env)
    const caFile = this.provisioning.caFile
    await this.ports.network?.({ caFile: caFile && caFilePath(caFile, provisioningPath(this.ports.home, env)) })
    this.auth = new AuthService({
      home: this.ports.home,
      secrets: this.secrets,
      clock: this.clock,
      opener: this.ports.opener,
      provisioning: this.provisioning,
      endpoints: this.endpoints,
      logger: this.logger,
      notices: this.notices,
    })
  }

  async start(): Promise<void> {
    await this.refreshTemplate()
    await this.authChanged(true)
    this.authTimer = setInterval(
      () => void this.authChanged(false),
      this.ports.watchTuning?.accountCheckMs ?? AUTH_CHECK_MS,
    )
    this.authTimer.unref()
    this.sessionTimer = setInterval(() => void this.checkSession(), this.ports.watchTuning?.sessionCheckMs ?? 60_000)
    this.sessionTimer.unref()
  }

  /**
   * One light request with the sign-in: a token Bitbucket no longer accepts makes the session
   * renew, and a refused renewal signs the account out with the reason, which the window is told.
   */
  async checkSession(): Promise<void> {
    const session = await this.liveSession().catch(() => null)
    // Access tokens are not users: they have no /2.0/user to ask (bitbucket-api.md §2.4).
    if (!session || session.tokens.current.kind === 'access-token') return
    try {
      await session.api.getJson(USER_PATH)
    } catch (error) {
      this.logger.info('app.session-check-failed', { error: (error as Error).message })
    }
    await this.authChanged(false)
  }

  /** After a request failed: it may be Bitbucket refusing the sign-in, which the window must see. */
  afterFailure(error: unknown): void {
    if (error instanceof SignedOutError || (error instanceof BitbucketError && error.status === 401))
      void this.authChanged(false)
  }

  /** The session of who is signed in and accepted, or null. */
  async liveSession(): Promise<Session | null> {
    const session = await this.auth.session()
    if (!session || session.tokens.current.status === 'signed-out') return null
    const saved = await this.auth.accounts.current()
    return saved && saved.status === 'signed-in' ? session : null
  }

  /** Like liveSession, but a request that needs a sign-in fails with a sentence when there is none. */
  async requireSession(): Promise<Session> {
    const session = await this.liveSession()
    if (!session) throw signedOutError()
    return session
  }

  async authState(): Promise<AuthState> {
    const waiting = this.flow.waiting
    if (waiting) return waiting
    const saved = await this.auth.accounts.current()
    // A refusal seen by this process's session is on record too; prefer what the session knows now.
    const live = (await this.auth.session())?.tokens.current ?? null
    const account = live && saved && live.id === saved.id && live.status === 'signed-out' ? live : saved
    return savedAccountState(account, this.signedOutReason)
  }

  /**
   * Looks at the sign-in: tells the window when it changed (or always, with `force`), and starts
   * or stops the watch to match.
   */
  async authChanged(force: boolean): Promise<void> {
    if (this.closed) return
    let state: AuthState
    try {
      state = await this.authState()
    } catch (error) {
      this.logger.error('app.auth-state-failed', { error: (error as Error).message })
      return
    }
    const key = JSON.stringify(
      state.status === 'signed-in'
        ? { s: state.status, n: state.account.displayName, p: state.account.permissions }
        : state,
    )
    const changed = key !== this.lastAuthKey
    this.lastAuthKey = key
    this.who = state.status === 'signed-in' ? state.account.displayName : null
    if (changed || force) this.events.emit('auth:changed', state)
    if (changed || force) await this.followAuth()
  }

  /** Watches while signed in and not everything is paused; stops otherwise. */
  async followAuth(): Promise<void> {
    if (this.closed) return
    const session = await this.liveSession()
    const pausedAll = await this.settings.pausedAll()
    this.armPauseTimer(pausedAll)
    if (session && !pausedAll && this.ports.watch !== false) this.runner.start(session)
    else await this.runner.stop()
    this.foldersChanged()
  }

  private armPauseTimer(pausedAll: { until: number | null } | false): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer)
    this.pauseTimer = null
    if (!pausedAll || pausedAll.until === null) return
    // Timers take at most about 24.8 days; a longer pause is looked at again then.
    const wait = Math.min(Math.max(0, pausedAll.until - this.clock.now()) + 50, 2 ** 31 - 1)
    this.pauseTimer = setTimeout(() => {
      void this.followAuth().then(async () => this.events.emit('settings:changed', await this.settings.view()))
    }, wait)
    this.pauseTimer.unref()
  }

  /** A pass ended (watched, or "Sync now" without a watch). */
  passEnded(result: PairResult): void {
    this.runner.passEnded(result)
    this.foldersChanged()
    // A refused sign-in shows first as a pass's error.
    void this.authChanged(false)
  }

  /** The service for one pass of a pair ("Sync now"), the watch's when it runs. */
  async serviceFor(): Promise<SyncService> {
    return this.runner.serviceFor(await this.requireSession())
  }

  async folderViews(): Promise<FolderView[]> {
    const pairs = await this.pairs.list()
    return Promise.all(pairs.map((pair) => this.folderViewOf(pair)))
  }

  async folderViewOf(pair: SyncPair): Promise<FolderView> {
    const signedIn = (await this.liveSession()) !== null
    const stateDir = join(this.ports.home, 'pairs', pair.id)
    const status = await pairStatus(this.ports.home, pair, this.logger)
    const hold = await new HoldStore(stateDir, this.logger).read().catch(() => null)
    return folderView(pair, status, hold, {
      webUrl: this.endpoints.webUrl,
      now: this.clock.now(),
      signedIn,
      pausedAll: await this.settings.pausedAll(),
      blockedBy: this.runner.blockedBy,
      passing: this.runner.isPassing(pair.id),
      progress: this.runner.progressOf(pair.id),
      conflicts: await presentConflicts(pair, this.runner.conflictsOf(pair.id)),
    })
  }

  /** Pushes every folder's view, at most every FOLDERS_PUSH_MS. */
  foldersChanged(): void {
    if (this.closed || this.foldersTimer) return
    const wait = Math.max(0, this.foldersPushedAt + FOLDERS_PUSH_MS - Date.now())
    this.foldersTimer = setTimeout(() => {
      this.foldersTimer = null
      this.foldersPushedAt = Date.now()
      this.folderViews().then(
        (views) => this.events.emit('folders:changed', views),
        (error: unknown) => this.logger.error('app.folders-view-failed', { error: (error as Error).message }),
      )
    }, wait)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const timer of [this.authTimer, this.sessionTimer, this.pauseTimer, this.foldersTimer])
      if (timer) clearTimeout(timer)
    this.flow.cancel()
    await this.runner.stop()
    await this.uploads.settled()
    if (this.logger instanceof FileLogger) await this.logger.flush()
  }
}

/** The conflicts whose copy is still in the folder (or whose copy is not known). */
async function presentConflicts(
  pair: SyncPair,
  conflicts: { path: string; copy: string | null }[],
): Promise<{ path: string; copy: string | null }[]> {
  const present = await Promise.all(
    conflicts.map(
      async (c) => c.copy === null || (await lstat(join(pair.folder, ...c.copy.split('/'))).catch(() => null)) !== null,
    ),
  )
  return conflicts.filter((_c, i) => present[i])
}

/** Builds the core from the shell's ports; starts syncing when someone is already signed in. */
export async function createPailCore(ports: PailCorePorts): Promise<PailCore> {
  const guard = await protectHome(ports.home)
  const state = new CoreState(ports, guard)
  await state.loadAuth()
  await state.start()
  return { handlers: buildHandlers(state), events: state.events, close: () => state.close() }
}
