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

/**
 * The budgets that are shared rather than per token (§5): every OAuth token of one consumer draws
 * on the consumer's hourly allowance ("against the OAuth consumer, regardless of which user"), and
 * git operations have their own, larger, allowance per user. One instance per emulator.
 */
export class SharedBudgets {
  private readonly consumers = new Map<string, RateWindow>()
  private readonly git = new Map<string, RateWindow>()

  /** The window of one consumer's OAuth requests. */
  consumer(key: string): RateWindow {
    return windowIn(this.consumers, key)
  }

  /** The window of one user's (or token's) git requests. */
  gitCaller(key: string): RateWindow {
    return windowIn(this.git, key)
  }

  /** Requests each consumer made within the hour before `now`, by consumer key. */
  consumerUse(now = Date.now()): Record<string, number> {
    return Object.fromEntries([...this.consumers].map(([key, window]) => [key, window.used(now)]))
  }
}

function windowIn(map: Map<string, RateWindow>, key: string): RateWindow {
  let window = map.get(key)
  if (!window) {
    window = new RateWindow()
    map.set(key, window)
  }
  return window
}

/** Counts one request in `window` unless it is full; throws RateLimitExceeded when it is (refused requests do not count). */
function draw(window: RateWindow, limit: number, now: number): void {
  if (limit <= 0) return
  if (window.used(now) >= limit) throw new RateLimitExceeded()
  window.record(now)
}

/**
 * Counts an API request of an OAuth token against its consumer's hourly budget
 * (`settings.consumerRateLimitPerHour`); throws RateLimitExceeded once it is used up. Access
 * tokens keep their own allowance (applyRateLimit) and API tokens are per user: neither counts here.
 */
export function applyConsumerBudget(ctx: RequestContext, credential: Credential, now = Date.now()): void {
  const consumer = credential.kind === 'oauth' ? credential.record.consumerKey : null
  if (consumer === null) return
  draw(ctx.emulator.budgets.consumer(consumer), ctx.emulator.settings.consumerRateLimitPerHour, now)
}

/**
 * Counts a git request: against git's own hourly allowance per user (`settings.gitRateLimitPerHour`),
 * and, if `settings.gitCountsAgainstConsumer` (UNCONFIRMED §5), against the OAuth consumer's budget too.
 */
export function applyGitBudget(ctx: RequestContext, credential: Credential | null, now = Date.now()): void {
  if (!credential) return
  const { settings, budgets } = ctx.emulator
  if (settings.gitCountsAgainstConsumer) applyConsumerBudget(ctx, credential, now)
  draw(budgets.gitCaller(credential.user?.uuid ?? credential.label), settings.gitRateLimitPerHour, now)
}
