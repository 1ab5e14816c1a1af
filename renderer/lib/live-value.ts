/**
 * A piece of state the core owns and pushes (the sign-in, the folders, the settings), kept up to
 * date in the window: it listens to the event first, then asks for the current value, so nothing
 * pushed in between is missed; a pushed value is newer than any answer still on its way, so that
 * answer is dropped. React reads it through `useSyncExternalStore` (state/use-live.ts).
 */
import type { Result, UserError } from '../../shared/result.js'

/** What the window has of the value so far. */
export type LiveSnapshot<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; error: UserError }

/** How to ask for the value and how to hear it change. */
export interface LiveSource<T> {
  load: () => Promise<Result<T>>
  /** Calls `push` with each new value; returns the function that stops listening. */
  listen: (push: (value: T) => void) => () => void
}

/** The value, its listeners, and the ways to refresh it. */
export interface LiveValue<T> {
  get(): LiveSnapshot<T>
  /** React's store protocol: `onChange` after every change; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void
  /** Starts listening and loading (once; later calls do nothing); returns the function that stops it. */
  start(): () => void
  /** Asks for the value again (after the event stream reconnects, or the person asks). */
  reload(): Promise<void>
  /** Takes a value an action answered with (e.g. `authSignIn`'s new state). */
  set(value: T): void
}

/** A live value over `source`. */
export function createLiveValue<T>(source: LiveSource<T>): LiveValue<T> {
  let snapshot: LiveSnapshot<T> = { status: 'loading' }
  const watchers = new Set<() => void>()
  // Bumped by every push or set: an answer to a load started before it is older, and dropped.
  let generation = 0
  let stop: (() => void) | null = null

  const change = (next: LiveSnapshot<T>): void => {
    snapshot = next
    for (const watcher of [...watchers]) watcher()
  }
  const take = (value: T): void => {
    generation++
    change({ status: 'ready', value })
  }
  const reload = async (): Promise<void> => {
    const started = generation
    const result = await source.load()
    if (generation !== started) return
    // A failed reload keeps a value already shown; the failure matters only when there is none.
    if (result.ok) change({ status: 'ready', value: result.value })
    else if (snapshot.status !== 'ready') change({ status: 'failed', error: result.error })
  }

  return {
    get: () => snapshot,
    subscribe(onChange) {
      watchers.add(onChange)
      return () => watchers.delete(onChange)
    },
    start() {
      if (!stop) {
        stop = source.listen(take)
        void reload()
      }
      return () => {
        stop?.()
        stop = null
      }
    },
    reload,
    set: take,
  }
}
