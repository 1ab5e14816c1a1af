/**
 * The request log, counted: REST API requests and git requests apart, in total and per OAuth
 * consumer, with how many of each were refused with a 429 (bitbucket-api.md §5). Tests of the
 * request budget read these through `EmulatorServer.requestCounts()` or `GET /_emulator/requests/counts`.
 */
import type { RequestLogEntry } from './context.js'

/** Requests of one kind, and how many of them Bitbucket refused with 429. */
export interface KindCount {
  requests: number
  rateLimited: number
}

export interface RequestCounts {
  api: KindCount
  git: KindCount
  /** By OAuth consumer key; requests made without an OAuth token are not in here. */
  byConsumer: Record<string, { api: KindCount; git: KindCount }>
}

const zero = (): KindCount => ({ requests: 0, rateLimited: 0 })

/** Counts the log's API and git requests made at or after `since` (epoch ms). */
export function countRequests(log: readonly RequestLogEntry[], since = 0): RequestCounts {
  const counts: RequestCounts = { api: zero(), git: zero(), byConsumer: {} }
  for (const entry of log) {
    if (entry.at < since || entry.kind === 'web') continue
    const kinds = [counts[entry.kind]]
    if (entry.consumer !== null) {
      const perConsumer = (counts.byConsumer[entry.consumer] ??= { api: zero(), git: zero() })
      kinds.push(perConsumer[entry.kind])
    }
    for (const count of kinds) {
      count.requests++
      if (entry.status === 429) count.rateLimited++
    }
  }
  return counts
}

/** Whether a web-listener path is git smart HTTP (`…/info/refs`, `…/git-upload-pack`, `…/git-receive-pack`). */
export function isGitPath(pathname: string): boolean {
  return /\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(pathname) && !pathname.startsWith('/_emulator/')
}
