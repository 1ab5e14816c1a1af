/**
 * The Electron shell's entry point: single instance, a hardened window, and IPC handlers that
 * call the core. Behaviour lives in main/core; this file only wires.
 */
import { app, BrowserWindow, ipcMain, shell } from 'electron'
import { join } from 'node:path'
import { appManifest } from '../core/app-info.js'
import { builtPreloadFile, builtRendererDir } from '../core/build-output.js'
import { ok } from '../../shared/result.js'

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 900,
    height: 640,
    show: false,
    webPreferences: {
      preload: builtPreloadFile(),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  // Deny navigation and new windows; open http(s) links in the browser (security checklist #13, #14).
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.once('ready-to-show', () => window.show())
  void window.loadFile(join(builtRendererDir(), 'index.html'))
  return window
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.enableSandbox()
  // TODO(#10): the composition root serves every channel; until then, the footer's one.
  ipcMain.handle('app:get-info', () =>
    ok({ ...appManifest, shell: 'electron', callbackUrl: '', webUrl: '', hasConsumer: false }),
  )
  void app.whenReady().then(() => {
    createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
