/**
 * Shows what a live value holds: "Loading…" until it arrives, the error in plain words when it
 * could not be read (with "Try again"), else what `children` makes of the value.
 */
import type { ReactNode } from 'react'
import type { LiveSnapshot } from '../lib/live-value.js'
import { ErrorMessage } from './error-message.js'

/** Loading, the error, or `children(value)`. */
export function LiveGate<T>({
  snapshot,
  what,
  onRetry,
  children,
}: {
  snapshot: LiveSnapshot<T>
  /** What is loading, for the waiting text: "your folders". */
  what: string
  onRetry?: () => void
  children: (value: T) => ReactNode
}) {
  if (snapshot.status === 'loading') return <p role="status">Loading {what}…</p>
  if (snapshot.status === 'failed')
    return (
      <div>
        <ErrorMessage error={snapshot.error} />
        {onRetry ? (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    )
  return <>{children(snapshot.value)}</>
}
