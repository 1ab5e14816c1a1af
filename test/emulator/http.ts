/**
 * Response helpers shaped as Bitbucket shapes them: the `error` envelope (§4.1), the pagination
 * envelope with an opaque `next` (§4.2), and small body readers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EmulatorSettings } from './settings.js'

/** Thrown by handlers; the router turns it into the §4.1 error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      detail?: unknown
      fields?: Record<string, string[]>
      data?: Record<string, unknown>
      topLevelData?: Record<string, unknown>
    } = {},
  ) {
    super(message)
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

/** `{"type": "error", "error": {"message": …}}`, §4.1. */
export function sendError(res: ServerResponse, error: ApiError): void {
  const inner: Record<string, unknown> = { message: error.message }
  if (error.extra.fields) inner.fields = error.extra.fields
  if (error.extra.detail !== undefined) inner.detail = error.extra.detail
  if (error.extra.data) inner.data = error.extra.data
  const body: Record<string, unknown> = { type: 'error', error: inner }
  if (error.extra.topLevelData) body.data = error.extra.topLevelData
  sendJson(res, error.status, body)
}

/** §4.1, observed body for a URL with no API behind it. */
export function noApiHere(): ApiError {
  return new ApiError(404, 'Resource not found', {
    detail:
      "There is no API hosted at this URL.\n\nFor information about our API's, please refer to the documentation at: https://developer.atlassian.com/bitbucket/api/2/reference/",
  })
}

export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > limit) throw new ApiError(413, 'Request body too large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks)
}

/** Parses an `application/x-www-form-urlencoded` body into ordered pairs (fields may repeat). */
export function parseForm(body: Buffer): [string, string][] {
  return [...new URLSearchParams(body.toString('utf8')).entries()]
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}

/** Opaque page cursors: clients must follow `next`, never build it (§4.2). */
export function encodeCursor(page: number): string {
  return Buffer.from(`p:${page}`).toString('base64url')
}

function decodeCursor(value: string): number {
  if (/^\d+$/.test(value)) return Number(value)
  const text = Buffer.from(value, 'base64url').toString('utf8')
  const match = /^p:(\d+)$/.exec(text)
  if (!match) throw new ApiError(400, 'Invalid page', { fields: { page: ['Invalid page cursor.'] } })
  return Number(match[1])
}

export interface PageOptions {
  defaultPagelen?: number
  /** The largest `pagelen` served (100, §4.2, unless the endpoint's schema states another). */
  maxPagelen?: number
}

/** The §4.2 envelope over `items`, reading `page` and `pagelen` from the URL. */
export function paginate<T>(
  url: URL,
  publicBase: string,
  items: readonly T[],
  settings: EmulatorSettings,
  options: PageOptions = {},
): Record<string, unknown> {
  const requested = url.searchParams.get('pagelen')
  let pagelen = requested === null ? (options.defaultPagelen ?? 10) : Number(requested)
  if (!Number.isInteger(pagelen) || pagelen < 1)
    throw new ApiError(400, 'Invalid pagelen', { fields: { pagelen: ['Must be a positive integer.'] } })
  const maximum = options.maxPagelen ?? 100
  if (pagelen > maximum) {
    if (settings.pagelenOverMaximum === 'error')
      throw new ApiError(400, 'Invalid pagelen', {
        fields: { pagelen: [`Ensure this value is less than or equal to ${maximum}.`] },
      })
    pagelen = maximum
  }
  const pageParam = url.searchParams.get('page')
  const page = pageParam === null ? 1 : decodeCursor(pageParam)
  if (page < 1) throw new ApiError(400, 'Invalid page')
  const start = (page - 1) * pagelen
  const values = items.slice(start, start + pagelen)
  const envelope: Record<string, unknown> = { pagelen, size: items.length, page, values }
  const link = (p: number): string => {
    const next = new URL(url.pathname + url.search, publicBase)
    next.searchParams.set('page', encodeCursor(p))
    return next.toString()
  }
  if (start + pagelen < items.length) envelope.next = link(page + 1)
  if (page > 1) envelope.previous = link(page - 1)
  return envelope
}
