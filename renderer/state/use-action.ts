/**
 * Running one action of the window (a button's request): whether it is under way, so the button
 * can say so and not be pressed twice, and the error to show when it failed.
 */
import { useCallback, useRef, useState } from 'react'
import type { Result, UserError } from '../../shared/result.js'

/** The state of an action and the function that runs it. */
export interface Action<A extends unknown[], T> {
  busy: boolean
  error: UserError | null
  /** Runs the request; resolves with its value, or null when it failed (the error is kept). */
  run: (...args: A) => Promise<T | null>
  clearError: () => void
}

/** Wraps `request` (answering a Result) as an action. */
export function useAction<A extends unknown[], T>(request: (...args: A) => Promise<Result<T>>): Action<A, T> {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<UserError | null>(null)
  const latest = useRef(request)
  latest.current = request
  const run = useCallback(async (...args: A): Promise<T | null> => {
    setBusy(true)
    setError(null)
    try {
      const result = await latest.current(...args)
      if (result.ok) return result.value
      setError(result.error)
      return null
    } finally {
      setBusy(false)
    }
  }, [])
  const clearError = useCallback(() => setError(null), [])
  return { busy, error, run, clearError }
}
