/**
 * Exposes `window.pail` to the renderer: named methods only, each one IPC invoke
 * (Electron security checklist #20).
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { RendererApi } from '../../shared/ipc/contract.js'

const api = {
  getAppInfo: () => ipcRenderer.invoke('app:get-info'),
} satisfies RendererApi

contextBridge.exposeInMainWorld('pail', api)
