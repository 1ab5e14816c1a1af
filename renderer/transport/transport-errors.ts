/**
 * What the browser client says when `pail serve` cannot be reached or refuses the page, in plain
 * words; and the one place that reads a `Result` out of an HTTP answer.
 */
import type { Result, UserError } from '../../shared/result.js'

/** `pail serve` did not answer at all (stopped, or the network between broke). */
export const unreachable: UserError = {
  code: 'serve.unreachable',
  message: 'Pail is not answering: it may have stopped.',
  action: 'Check that "pail serve" is still running in its terminal, then try again.',
}

/** The page has no valid session cookie (another run of `pail serve`, or the cookie was cleared). */
export const noSession: UserError = {
  code: 'serve.no-session',
  message: 'This page is no longer connected to Pail.',
  action: 'Open the address that "pail serve" printed in its terminal again.',
}

/** An answer that is neither a Result nor a status this client knows. */
export function unexpectedAnswer(status: number): UserError {
  return {
    code: 'serve.unexpected-answer',
    message: `Pail could not do that (it answered with error ${status}).`,
    action: 'Try again. If it keeps happening, stop "pail serve" and start it again.',
  }
}

function isUserError(value: unknown): value is UserError {
  if (typeof value !== 'object' || value === null) return false
  const error = value as Record<string, unknown>
  return typeof error.code === 'string' && typeof error.message === 'string'
}

/** Whether `value` has the shape of a Result (an answer of the contract). */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const result = value as Record<string, unknown>
  return result.ok === true || (result.ok === false && isUserError(result.error))
}

/** The Result in an HTTP answer: its JSON body when it is one, else an error for its status. */
export function resultFromAnswer(status: number, body: string): Result<unknown> {
  let parsed: unknown = undefined
  try {
    parsed = body === '' ? undefined : JSON.parse(body)
  } catch {
    // Not JSON (a plain error page): the status says what happened.
  }
  if (isResult(parsed)) return parsed
  if (status === 401 || status === 403) return { ok: false, error: noSession }
  return { ok: false, error: unexpectedAnswer(status) }
}
