/**
 * The outcome of a request that can fail in a way the user must read.
 *
 * Errors cross the IPC and HTTP boundaries as plain data, because Electron forwards only
 * `error.message` of a thrown error (style-anchors.md §7.3).
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: UserError }

/** An error written for a non-technical person: what happened and what to do next. */
export interface UserError {
  /** Stable code for programs, e.g. `auth.signed-out`. */
  code: string
  /** One plain sentence: what happened. */
  message: string
  /** What the person can do about it, when there is something. */
  action?: string
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail<T = never>(error: UserError): Result<T> {
  return { ok: false, error }
}
