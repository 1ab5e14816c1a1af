/**
 * An error for people: what happened, and what to do about it when there is something. Announced
 * by screen readers as it appears (role "alert").
 */
import type { UserError } from '../../shared/result.js'

/** The error as an alert, or nothing when there is none. */
export function ErrorMessage({ error }: { error: UserError | null }) {
  if (!error) return null
  return (
    <div className="message message-error" role="alert">
      <p>{error.message}</p>
      {error.action ? <p>{error.action}</p> : null}
    </div>
  )
}
