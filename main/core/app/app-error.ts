/**
 * An error a handler throws on purpose, already in words for people: dispatch passes its code,
 * message and action to the window as they are.
 */
import type { UserError } from '../../../shared/result.js'

export class AppError extends Error {
  constructor(
    /** Stable, for programs: `folders.unknown`, `auth.signed-out`. */
    readonly code: string,
    message: string,
    /** What the person can do about it. */
    readonly action?: string,
  ) {
    super(message)
  }

  toUserError(): UserError {
    return { code: this.code, message: this.message, ...(this.action ? { action: this.action } : {}) }
  }
}

/** The error of a request that needs someone signed in. */
export function signedOutError(): AppError {
  return new AppError('auth.signed-out', 'You are not signed in to Bitbucket.', 'Sign in with Bitbucket first.')
}
