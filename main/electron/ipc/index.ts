/**
 * The Electron shell's side of the contract: channels on `ipcMain.handle` with the sender checked
 * (register-handlers.ts, sender-check.ts) and the core's events sent to the window
 * (forward-events.ts).
 */
export { registerHandlers, type IpcHandlerRegistry } from './register-handlers.js'
export { forwardEvents, type WindowContents } from './forward-events.js'
export { ownWindowCheck, type SenderCheck } from './sender-check.js'
