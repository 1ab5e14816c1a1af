/**
 * Whether the window hears the core's events. Under `pail serve` the event stream can drop (the
 * server stopped, the computer slept); the window says so, and when the stream opens again it asks
 * for the current state, since what was pushed meanwhile is lost. In the desktop app IPC does not
 * drop: that connection is always open.
 */

export type ConnectionStatus = 'connecting' | 'open' | 'lost'

/** The status, and who wants to hear it change. */
export interface Connection {
  get(): ConnectionStatus
  /** Called after every change; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void
}

/** A connection whose status its owner sets (the browser transport's event stream). */
export interface ConnectionState extends Connection {
  set(status: ConnectionStatus): void
}

/** A settable connection, starting in `initial`. */
export function createConnectionState(initial: ConnectionStatus = 'connecting'): ConnectionState {
  let status = initial
  const watchers = new Set<() => void>()
  return {
    get: () => status,
    subscribe(onChange) {
      watchers.add(onChange)
      return () => watchers.delete(onChange)
    },
    set(next) {
      if (next === status) return
      status = next
      for (const watcher of [...watchers]) watcher()
    },
  }
}

/** The desktop app's connection: open, always. */
export const alwaysOpen: Connection = { get: () => 'open', subscribe: () => () => undefined }
