/**
 * The Electron shell's entry point: single instance, a hardened window, the core composed once
 * (main/core/app) and served to the window over IPC (main/electron/ipc). Behaviour lives in
 * main/core; this file only wires. The tray, notifications and the rest of the desktop lifecycle
 * are issue #10's.
 */
import { app, BrowserWindow, dialog, ipcMain } from 'electron'
import { join } from 'node:path'
import { createPailCore, type PailCore } from '../core/app/index.js'
import { builtPreloadFile, builtRendererDir } from '../core/build-output.js'
import { pailHome } from '../core/config/pail-home.js'
import { FileLogger } from '../core/log/logger.js'
import type { Opener } from '../core/ports.js'
import { FileSecretStore } from '../core/secrets/file-secret-store.js'
import { forwardEvents, ownWindowCheck, registerHandlers } from './ipc/index.js'
import { linkOpener } from './link-opener.js'
import { safeStorageCipher, secretStorageDecision } from './safe-storage-cipher.js'

const rendererIndex = (): string => join(builtRendererDir(), 'index.html')

/**
 * Opens links only on the Bitbucket the core talks to (its web address can change when the admin
 * imports a provisioning file, so it is asked for each link).
 */
function bitbucketOpener(core: () => PailCore | null): Opener {
  return {
    async open(url) {
      const info = await core()?.handlers['app:get-info'](undefined)
      if (!info?.webUrl) return false
      return linkOpener([new URL(info.webUrl).origin]).open(url)
    },
  }
}

function createWindow(core: PailCore, opener: Opener): BrowserWindow {
  const window = new BrowserWindow({
    width: 1000,
    height: 720,
    show: false,
    webPreferences: {
      preload: builtPreloadFile(),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  // Deny navigation and new windows; links to Bitbucket open in the browser (security checklist #13, #14).
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    void opener.open(url)
    return { action: 'deny' }
  })
  forwardEvents(core.events, window.webContents)
  window.once('ready-to-show', () => window.show())
  void window.loadFile(rendererIndex())
  return window
}

async function start(): Promise<void> {
  const home = pailHome()
  const logger = new FileLogger(join(home, 'logs', 'pail.log'))
  // TODO(#10): when the keychain cannot encrypt (Linux without a secret service), ask the person
  // before keeping the sign-in in a file only they can read, as the CLI does.
  const storage = secretStorageDecision(false)
  if (storage.kind !== 'encrypted') logger.warn('secrets.not-encrypted', { decision: storage.kind })
  let core: PailCore | null = null
  const opener = bitbucketOpener(() => core)
  core = await createPailCore({
    home,
    shell: 'electron',
    logger,
    secrets: new FileSecretStore(join(home, 'secrets.json'), storage.kind === 'encrypted' ? safeStorageCipher : null),
    opener,
    launchAtLogin: {
      get: async () => app.getLoginItemSettings().openAtLogin,
      set: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    },
    chooseFolder: async () => {
      const picked = await dialog.showOpenDialog({ properties: ['openDirectory', 'createDirectory'] })
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
    runnerName: 'the Pail app',
  })
  const running = core
  registerHandlers(ipcMain, running.handlers, { isOwnWindow: ownWindowCheck(rendererIndex()), logger })
  createWindow(running, opener)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(running, opener)
  })
  // Quit stops the sync cleanly: the pass in flight finishes (or is left to the journal) first.
  let closing = false
  app.on('before-quit', (event) => {
    if (closing) return
    closing = true
    event.preventDefault()
    void running
      .close()
      .then(() => logger.flush())
      .finally(() => app.quit())
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.enableSandbox()
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  })
  void app.whenReady().then(start)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
