/**
 * Exposes `window.pail` to the renderer: named methods only, generated from the contract, each an
 * IPC invoke; events without Electron's event object (Electron security checklist #20).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { EventChannels } from '../../shared/ipc/contract.js'
import { buildRendererApi } from '../../shared/ipc/renderer-api.js'
import { ok } from '../../shared/result.js'

const api = buildRendererApi<File>({
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  subscribe: (event, listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: EventChannels[typeof event]): void => listener(payload)
    ipcRenderer.on(event, forward)
    return () => ipcRenderer.off(event, forward)
  },
  // On the desktop the core reads dropped files where they are.
  prepareUpload: async (files) => ok({ kind: 'paths', paths: files.map((file) => webUtils.getPathForFile(file)) }),
})

contextBridge.exposeInMainWorld('pail', api)
