/**
 * Stand-ins for Electron's ipcMain and a window's webContents, for testing the IPC registration in
 * plain Node: what was registered, and a way to invoke it as a frame at some URL would.
 */
import type { IpcHandlerRegistry } from '../../../../../main/electron/ipc/register-handlers.js'
import type { WindowContents } from '../../../../../main/electron/ipc/forward-events.js'

type Listener = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown

/** An ipcMain that keeps what is registered. */
export class FakeIpcMain {
  readonly handlers = new Map<string, Listener>()

  /** The registry the code under test gets. */
  get registry(): IpcHandlerRegistry {
    // The fake keeps only what the registration uses; Electron's own listener type is wider.
    return {
      handle: (channel: string, listener: Listener) => {
        if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
        this.handlers.set(channel, listener)
      },
      removeHandler: (channel: string) => void this.handlers.delete(channel),
    } as unknown as IpcHandlerRegistry
  }

  /** Invokes `channel` as a frame at `frameUrl` (null: a destroyed frame) would. */
  async invoke(channel: string, frameUrl: string | null, payload?: unknown): Promise<unknown> {
    const listener = this.handlers.get(channel)
    if (!listener) throw new Error(`nothing registered for ${channel}`)
    return listener({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, payload)
  }
}

/** A webContents that records what it was sent and can be destroyed. */
export class FakeWebContents {
  readonly sent: { channel: string; payload: unknown }[] = []
  /** Sends after it was destroyed (Electron throws on them; the core's bus would swallow that). */
  readonly sentWhileDestroyed: string[] = []
  destroyed = false
  private readonly onDestroyed: (() => void)[] = []

  get contents(): WindowContents {
    // Only send, isDestroyed and once('destroyed') are used.
    return {
      send: (channel: string, payload: unknown) => {
        if (this.destroyed) {
          this.sentWhileDestroyed.push(channel)
          throw new Error('Object has been destroyed')
        }
        this.sent.push({ channel, payload })
      },
      isDestroyed: () => this.destroyed,
      once: (event: string, listener: () => void) => {
        if (event === 'destroyed') this.onDestroyed.push(listener)
      },
    } as unknown as WindowContents
  }

  /** Marks it destroyed; with `announce`, fires 'destroyed' as Electron does. */
  destroy(announce: boolean): void {
    this.destroyed = true
    if (announce) for (const listener of this.onDestroyed.splice(0)) listener()
  }
}
