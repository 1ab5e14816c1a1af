/**
 * The core's pushes to the window, typed over the contract's `EventChannels`: both shells subscribe
 * (Electron forwards to webContents, `pail serve` to its event stream) and tests listen.
 */
import type { EventChannels, EventName } from '../../../shared/ipc/contract.js'
import { silentLogger, type Logger } from '../log/logger.js'

export type EventListener<K extends EventName> = (payload: EventChannels[K]) => void

/** Listening to the core's events. */
export interface AppEvents {
  /** Calls `listener` with every `name` event from now on; answers the function that stops it. */
  on<K extends EventName>(name: K, listener: EventListener<K>): () => void
}

/** The emitter the core pushes through; a listener that throws is logged and does not stop the others. */
export class AppEventBus implements AppEvents {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>()

  constructor(private readonly logger: Logger = silentLogger) {}

  on<K extends EventName>(name: K, listener: EventListener<K>): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    const entry = listener as (payload: never) => void
    set.add(entry)
    return () => {
      set.delete(entry)
    }
  }

  emit<K extends EventName>(name: K, payload: EventChannels[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        ;(listener as EventListener<K>)(payload)
      } catch (error) {
        this.logger.error('app.listener-failed', { event: name, error: (error as Error).message })
      }
    }
  }

  /** How many listeners `name` has (tests, and shells checking they cleaned up). */
  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0
  }
}
