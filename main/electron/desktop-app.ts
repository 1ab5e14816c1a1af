/**
 * The desktop app's composition root: everything the Electron shell is made of, wired once.
 *
 * - the core (`createPailCore`) with the desktop's ports: secrets in safeStorage (a Linux without
 *   keyring asks first), settings through electron-store in Pail's home (the file the CLI and
 *   `pail serve` share), login items, the native folder dialog, the allow-listed link opener,
 *   the network (the system's proxy settings resolved by Electron per origin, main/core/net/);
 * - the hardening (main/core/shell/window-policy.ts, applied by hardening.ts) before any window;
 * - IPC: every contract channel, the sender checked (main/electron/ipc/);
 * - the window, made when needed and closed without quitting;
 * - the tray and the notifications;
 * - the lifecycle: one instance (a second launch shows the window), closing the window keeps Pail
 *   in the tray, Quit stops the sync cleanly (the pass in flight finishes, or is left to its
 *   journal when it takes too long) and flushes the log before the process ends.
 *
 * Behaviour lives in main/core; this file only composes and applies.
 */
import { app, dialog, ipcMain, session } from 'electron'
import { join } from 'node:path'
import { createPailCore, type PailCore } from '../core/app/index.js'
import { builtPreloadFile, builtRendererDir } from '../core/build-output.js'
import { pailHome } from '../core/config/pail-home.js'
import { FileLogger } from '../core/log/logger.js'
import { installNetworkOrTell } from '../core/net/network.js'
import { startedAtLogin } from '../core/shell/launch-at-login.js'
import { HomeLocks } from '../core/store/home-locks.js'
import { trayIconDir } from '../core/tray-icon-dir.js'
import { ElectronSettingsStore } from './electron-settings-store.js'
import { hardenApp } from './hardening.js'
import { ownWindowCheck, registerHandlers } from './ipc/index.js'
import { desktopLaunchAtLogin } from './launch-at-login.js'
import { linkOpener } from './link-opener.js'
import { MainWindow } from './main-window.js'
import { showNotifications } from './notifications.js'
import { desktopSecretStore } from './secret-storage.js'
import { startTray, type TrayHandle } from './tray/tray-controller.js'

/**
 * How long Quit waits for the sync to stop. A commit in flight normally ends well within it;
 * one that does not is left to its journal, which the next start finishes or rolls back, so
 * quitting never leaves a half-written file (atomic writes) nor hangs the person's logout.
 */
const QUIT_GRACE_MS = 30_000

/** The running desktop app: what Quit takes down. */
interface Desktop {
  window: MainWindow
  /** Whether Pail is in the tray: without it, closing the window quits. */
  hasTray: boolean
  close(): Promise<void>
}

const rendererIndex = (): string => join(builtRendererDir(), 'index.html')

/** Builds everything once `app` is ready; answers the running app. */
async function compose(): Promise<Desktop> {
  const home = pailHome()
  const logger = new FileLogger(join(home, 'logs', 'pail.log'))
  const locks = HomeLocks.for(home, logger)
  const settings = new ElectronSettingsStore(home, { locks, logger })
  const secrets = await desktopSecretStore(home, settings, { locks, logger })

  let core: PailCore | null = null
  // Links open only on the Bitbucket the core talks to, asked for each link (a provisioning file can change it).
  const opener = linkOpener(async () => (core ? (await core.handlers['app:get-info'](undefined)).webUrl : null))
  hardenApp(opener)

  const running = await createPailCore({
    home,
    shell: 'electron',
    logger,
    secrets,
    settings,
    opener,
    launchAtLogin: desktopLaunchAtLogin(),
    chooseFolder: async () => {
      const picked = await dialog.showOpenDialog({ properties: ['openDirectory', 'createDirectory'] })
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
    runnerName: 'the Pail app',
    // The system's proxy settings, PAC included, as Chromium resolves them for each origin.
    network: ({ caFile }) =>
      installNetworkOrTell(
        { proxy: { kind: 'system', resolveProxy: (url) => session.defaultSession.resolveProxy(url) }, caFile, logger },
        (message) => logger.warn('net.ca-file-unusable', { error: message }),
      ),
  })
  core = running

  const unregister = registerHandlers(ipcMain, running.handlers, {
    isOwnWindow: ownWindowCheck(rendererIndex()),
    logger,
  })
  const window = new MainWindow({ preload: builtPreloadFile(), rendererIndex: rendererIndex(), events: running.events })

  const [auth, folders, settingsView] = await Promise.all([
    running.handlers['auth:get-state'](undefined),
    running.handlers['folders:list'](undefined),
    running.handlers['settings:get'](undefined),
  ])
  const stopNotifications = showNotifications(
    running.events,
    { auth, folders, enabled: settingsView.notifications },
    (screen) => window.show(screen),
    logger,
  )

  // The tray (helper T1's tray-controller.ts). Without one (a desktop with no tray area) the
  // window is the only way in, so it opens at every start and closing it quits.
  let tray: TrayHandle | null = null
  try {
    tray = await startTray({
      core: running,
      iconDir: trayIconDir(),
      logger,
      openWindow: () => window.show(),
      openUpload: () => window.show('#/upload'),
      openLink: (url) => opener.open(url),
      quit: () => app.quit(),
    })
  } catch (error) {
    logger.error('tray.failed', { error: (error as Error).message })
  }

  const atLogin = startedAtLogin(
    process.argv,
    process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
  )
  if (!atLogin || !tray) window.show()

  return {
    window,
    hasTray: tray !== null,
    async close() {
      tray?.dispose()
      stopNotifications()
      unregister()
      const stopped = running.close().then(() => 'stopped' as const)
      const timeout = new Promise<'timed-out'>((resolve) =>
        setTimeout(() => resolve('timed-out'), QUIT_GRACE_MS).unref(),
      )
      const outcome = await Promise.race([stopped, timeout])
      if (outcome === 'timed-out') logger.warn('app.quit-before-sync-stopped', { waitedMs: QUIT_GRACE_MS })
      logger.info('app.quit', { outcome })
      await logger.flush()
    },
  }
}

/** A start that failed, told in plain words; Pail then quits. */
function startFailed(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  dialog.showErrorBox('Pail could not start', `${message}\n\nIf this keeps happening, send Pail's log to your admin.`)
  app.exit(1)
}

/** Runs the desktop app: call once, from the entry point. */
export function runDesktopApp(): void {
  // One Pail per person: a second launch hands over to the first (`second-instance`) and ends.
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  // Every renderer in Chromium's sandbox, whatever a window's options say (checklist #4).
  app.enableSandbox()

  let desktop: Desktop | null = null
  let showWhenReady = false
  app.on('second-instance', () => {
    if (desktop) desktop.window.show()
    else showWhenReady = true
  })
  // macOS: a click on the Dock icon with no window open.
  app.on('activate', () => desktop?.window.show())
  // Closing the window keeps Pail in the tray: with a listener here, Electron does not quit.
  app.on('window-all-closed', () => {
    if (desktop && !desktop.hasTray) app.quit()
  })

  let quitting: Promise<void> | null = null
  app.on('before-quit', (event) => {
    // Once the app is taken down (or never came up), quitting goes through.
    if (!desktop) return
    // Until then every Quit waits for the one clean stop.
    event.preventDefault()
    if (quitting) return
    quitting = desktop.close().finally(() => {
      desktop = null
      app.quit()
    })
  })
  // A logout or `kill` asks the same clean stop as Quit.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.quit())

  void app
    .whenReady()
    .then(compose)
    .then((running) => {
      desktop = running
      if (showWhenReady) running.window.show()
    }, startFailed)
}
