/**
 * How long a pair waits after a failed pass (DESIGN.md §4): network errors and 5xx back off
 * exponentially with jitter up to a cap; a 429 on any request waits as long as Bitbucket asks
 * (`Retry-After`) or, as Bitbucket usually says nothing (bitbucket-api.md §5), for a longer
 * back-off whose limits are counted per hour.
 */
import { BitbucketError } from '../../bitbucket/api-client.js'
import { CommitError, RateLimitedError, TransientUploadError } from '../../bitbucket/commit-errors.js'

/** What kind of failure a pass ended with, as far as waiting is concerned. */
export type FailureKind =
  /** A 429 from any request: reads (`getJson`) as well as the commit. */
  | 'rate-limited'
  /** Bitbucket could not be reached, the connection dropped, or it answered 5xx. */
  | 'unreachable'
  /** Anything else (a refused sign-in, a missing permission, a local error): retried, slowly. */
  | 'other'

/** How a failure should be retried. */
export interface RetryAdvice {
  kind: FailureKind
  /** How long Bitbucket asked to wait (`Retry-After`), when it said. */
  retryAfterMs: number | null
}

/** The back-off's timing. */
export interface BackoffPolicy {
  /** First wait after a failure; doubles with each consecutive failure (default 2 s). */
  baseMs: number
  /** Longest wait after a failure (default 15 min). */
  capMs: number
  /** First wait after a 429 without `Retry-After` (default 5 min). */
  rateLimitBaseMs: number
  /** Longest wait after a 429 without `Retry-After` (default 60 min: Bitbucket's window is an hour). */
  rateLimitCapMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 2000,
  capMs: 15 * 60_000,
  rateLimitBaseMs: 5 * 60_000,
  rateLimitCapMs: 60 * 60_000,
}

/** The retry advice for whatever a pass threw. */
export function classifyFailure(error: unknown): RetryAdvice {
  if (error instanceof RateLimitedError) return { kind: 'rate-limited', retryAfterMs: error.retryAfterMs }
  if (error instanceof BitbucketError) {
    if (error.status === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterOf(error) }
    if (error instanceof TransientUploadError || error.status === 0 || error.status >= 500)
      return { kind: 'unreachable', retryAfterMs: null }
  }
  return { kind: 'other', retryAfterMs: null }
}

/** A `Retry-After` carried by a read's 429, should the API client attach one (it does not today). */
function retryAfterOf(error: BitbucketError): number | null {
  const value = (error as BitbucketError & { retryAfterMs?: unknown }).retryAfterMs
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null
}

/**
 * How long to wait before the next attempt after `failures` consecutive failed passes (1 for the
 * first), `random` in [0, 1). Ordinary failures wait between half and all of base·2^(n-1), capped
 * ("equal jitter": pairs that failed together do not retry together, and the wait never collapses
 * to zero). A rate limit never waits less than asked: `Retry-After` or the rate-limit back-off,
 * plus up to a quarter more.
 */
export function retryDelayMs(
  advice: RetryAdvice,
  failures: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const doublings = Math.max(0, Math.min(failures - 1, 30))
  if (advice.kind === 'rate-limited') {
    const asked = advice.retryAfterMs ?? Math.min(policy.rateLimitCapMs, policy.rateLimitBaseMs * 2 ** doublings)
    return Math.round(asked * (1 + random() / 4))
  }
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** doublings)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** "in 40 seconds", "in 3 minutes", "in 2 hours". */
function inWords(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000))
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.round(seconds / 60)
  if (minutes < 90) return `in ${minutes} minutes`
  return `in ${Math.round(minutes / 60)} hours`
}

/** The next attempt in plain words: "Next attempt at 14:05:12 (in 3 minutes)." */
export function describeNextAttempt(at: number, now: number): string {
  return `Next attempt at ${new Date(at).toLocaleTimeString()} (${inWords(at - now)}).`
}

/** A failure's message for people; a read's bare 429 text becomes a sentence that says what happens. */
export function failureMessage(error: unknown, advice: RetryAdvice): string {
  if (advice.kind === 'rate-limited' && !(error instanceof RateLimitedError))
    return 'Bitbucket is limiting how often Pail may ask it for things right now (too many requests). Pail waits before trying again.'
  const message = error instanceof Error ? error.message.trim() : String(error)
  // A read's 5xx carries only Bitbucket's own words ("Something went wrong"); the commit's errors are sentences already.
  if (error instanceof BitbucketError && !(error instanceof CommitError) && error.status >= 500)
    return `Bitbucket had a problem answering (${error.status}${message ? `: ${message}` : ''}). Pail will try again.`
  return message === '' ? 'The sync failed for an unknown reason. Pail will try again.' : message
}
