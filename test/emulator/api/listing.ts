/**
 * The common tail of every paginated read: `q` filter, `sort`, then the §4.2 envelope with an
 * opaque `next` (bitbucket-api.md §4.2).
 */
import { ApiError, paginate, sendJson } from '../http.js'
import type { RequestContext } from '../router.js'
import { BbqlError, matchesBbql, parseBbql, parseSort, sortItems, type FieldOptions } from './bbql.js'

export interface ListingOptions extends FieldOptions {
  /** Page size when the caller sends no `pagelen` (10 unless the endpoint documents another). */
  defaultPagelen?: number
}

/**
 * Applies `q` and `sort` to serialized values. A bad expression is a 400 error envelope; the
 * message Bitbucket sends for it is not recorded anywhere, so clients must go by the status.
 */
export function queryItems<T>(url: URL, items: readonly T[], options: FieldOptions = {}): T[] {
  try {
    const q = url.searchParams.get('q')
    const expr = q === null || q.trim() === '' ? null : parseBbql(q)
    let out = expr ? items.filter((item) => matchesBbql(expr, item, options)) : [...items]
    const sort = url.searchParams.get('sort')
    if (sort !== null) out = sortItems(out, parseSort(sort), options)
    return out
  } catch (error) {
    if (error instanceof BbqlError) throw new ApiError(400, 'Invalid query', { detail: error.message })
    throw error
  }
}

/** Filters, sorts and pages `items`, then answers 200 with the envelope. */
export function sendListing<T>(ctx: RequestContext, items: readonly T[], options: ListingOptions = {}): void {
  const values = queryItems(ctx.url, items, options)
  const envelope = paginate(ctx.url, ctx.emulator.apiUrl, values, ctx.emulator.settings, {
    defaultPagelen: options.defaultPagelen ?? 10,
  })
  sendJson(ctx.res, 200, envelope)
}
