/**
 * Scaled rate limits for access-token callers (bitbucket-api.md §5): each repository / project /
 * workspace access token has its own rolling one-hour allowance of
 * `settings.accessTokenRateLimitPerHour` requests. Only those callers get `X-RateLimit-Limit`,
 * `X-RateLimit-Resource` and `X-RateLimit-NearLimit` ("Only access token authentication supports"
 * these headers; "OAuth Consumer will not work either"). Over the limit, the request is answered
 * by `sendRateLimited` (plain-text 429, §5) through the RateLimitExceeded error.
 */
import type { Credential } from './auth.js'
import type { IssuedAccessToken } from './model.js'
import type { RequestContext } from './router.js'

const HOUR_MS = 3600 * 1000

/** [BLOG-SCALED]: the scaled limits apply to the `api` resource group (most of `/2.0/repositories/*`). */
export const RATE_LIMIT_RESOURCE = 'api'

/** Thrown when a caller is over its limit; the server answers with the plain-text 429. */
export class RateLimitExceeded extends Error {
  constructor() {
    super('Rate limit for this resource has been exceeded')
  }
}

/** Request times of one credential within the last hour. */
export class RateWindow {
  private times: number[] = []

  /** Times still inside the window at `now`. */
  used(now: number): number {
    this.times = this.times.filter((t) => t > now - HOUR_MS)
    return this.times.length
  }

  /** Records a request at `now` and returns how many the window holds with it. */
  record(now: number): number {
    this.used(now)
    this.times.push(now)
    return this.times.length
  }
}

/** One window per issued token record: records are stable objects for the life of the world. */
const windows = new WeakMap<IssuedAccessToken, RateWindow>()

function windowOf(record: IssuedAccessToken): RateWindow {
  let window = windows.get(record)
  if (!window) {
    window = new RateWindow()
    windows.set(record, window)
  }
  return window
}

/**
 * Counts an access-token request and sets the X-RateLimit headers; throws RateLimitExceeded
 * when the hour's allowance is used up. Refused requests do not count against the window.
 * UNCONFIRMED §5: the `X-RateLimit-NearLimit` threshold (settings.rateLimitNearFraction).
 */
export function applyRateLimit(ctx: RequestContext, credential: Credential, now = Date.now()): void {
  if (!credential.kind.endsWith('access-token')) return
  const { accessTokenRateLimitPerHour: limit, rateLimitNearFraction } = ctx.emulator.settings
  if (limit <= 0) return
  const window = windowOf(credential.record)
  const over = window.used(now) >= limit
  const used = over ? limit : window.record(now)
  ctx.res.setHeader('x-ratelimit-limit', String(limit))
  ctx.res.setHeader('x-ratelimit-resource', RATE_LIMIT_RESOURCE)
  ctx.res.setHeader('x-ratelimit-nearlimit', used >= limit * rateLimitNearFraction ? 'true' : 'false')
  if (over) throw new RateLimitExceeded()
}
