/**
 * A dispatcher built on its first request. Reading the operating system's certificate store
 * takes tens of milliseconds; commands that never reach Bitbucket (`pail status`, most calls of
 * the git credential helper) should not pay for it.
 */
import { Dispatcher } from 'undici'

/** Ends `done` the way undici's close/destroy do: a promise, or the callback when one is given. */
export function settle(done: Promise<unknown>, callback: (() => void) | undefined): Promise<void> | void {
  const ended = done.then(() => undefined)
  if (!callback) return ended
  void ended.then(callback)
}

export class LazyDispatcher extends Dispatcher {
  private inner: Dispatcher | null = null

  constructor(private readonly make: () => Dispatcher) {
    super()
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.inner ??= this.make()
    return this.inner.dispatch(options, handler)
  }

  override close(): Promise<void>
  override close(callback: () => void): void
  override close(callback?: () => void): Promise<void> | void {
    return settle(this.inner?.close() ?? Promise.resolve(), callback)
  }

  override destroy(err?: Error | null): Promise<void>
  override destroy(callback: () => void): void
  override destroy(err: Error | null, callback: () => void): void
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : (a ?? null)
    return settle(this.inner?.destroy(err) ?? Promise.resolve(), typeof a === 'function' ? a : b)
  }
}
