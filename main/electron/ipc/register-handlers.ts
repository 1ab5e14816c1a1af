/**
 * Serves the contract's channels over Electron IPC: one `ipcMain.handle` per channel of the
 * contract, each checking that the sender is the app's own window (sender-check.ts), then
 * answering through the core's `dispatch` (payload validated by the channel's zod schema, every
 * outcome a Result, since Electron would pass on only `error.message` of a thrown error).
 *
 * It takes `ipcMain` as a parameter (tests give a fake) and `Handlers`, so a channel added to the
 * contract and not implemented is a compile error here as in `pail serve`.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { channelNames, type Handlers } from '../../../shared/ipc/contract.js'
import { fail, type Result } from '../../../shared/result.js'
import { dispatch } from '../../core/app/index.js'
import { silentLogger, type Logger } from '../../core/log/logger.js'
import type { SenderCheck } from './sender-check.js'

/** What the registration needs of `ipcMain`. */
export type IpcHandlerRegistry = Pick<IpcMain, 'handle' | 'removeHandler'>

/** The part of an invoke event the check reads. */
type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>

/** The answer to a request from a page that is not Pail's window. */
const NOT_OWN_WINDOW: Result<never> = fail({
  code: 'ipc.foreign-sender',
  message: 'Pail answers only its own window.',
  action: 'Close this window and open Pail again.',
})

/**
 * Registers every channel of the contract on `ipc`; answers the function that removes them again.
 */
export function registerHandlers(
  ipc: IpcHandlerRegistry,
  handlers: Handlers,
  options: { isOwnWindow: SenderCheck; logger?: Logger },
): () => void {
  const logger = options.logger ?? silentLogger
  for (const channel of channelNames) {
    ipc.handle(channel, async (event: InvokeEvent, payload: unknown) => {
      // senderFrame is null once the frame navigated away or was destroyed.
      const frameUrl = event.senderFrame?.url
      if (!options.isOwnWindow(frameUrl)) {
        logger.warn('ipc.foreign-sender', { channel })
        return NOT_OWN_WINDOW
      }
      return dispatch(handlers, channel, payload, logger)
    })
  }
  return () => {
    for (const channel of channelNames) ipc.removeHandler(channel)
  }
}
