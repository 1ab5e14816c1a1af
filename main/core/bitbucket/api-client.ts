/**
 * Calls Bitbucket's REST API 2.0 with undici. Authenticates every request through an Authorizer,
 * retries once after a 401 with what the Authorizer hands back, reads the granted scopes from
 * `x-oauth-scopes` (bitbucket-api.md §2.2), follows `next` links only (§4.2), and turns error
 * bodies — JSON envelopes or plain-text 429s (§5) — into BitbucketError.
 *
 * A token goes to the API and nowhere else: an absolute URL (a `next` link, say) on another
 * origin, or a path that normalises to somewhere outside `/2.0/`, is refused before anything is
 * sent (UnsafeRequestError), and the URL checked is the URL sent (issue #7, point 7).
 *
 * Requests go through undici's global dispatcher (main/core/net/network.ts: proxies, trusted
 * CAs) unless a `dispatcher` is given; failures to connect are told by network-errors.ts.
 */
import { Readable } from 'node:stream'
import { request, type Dispatcher } from 'undici'
import { describeNetworkError } from '../net/network-errors.js'

/** Supplies the Authorization header and a second chance after a 401. */
export interface Authorizer {
  header(): Promise<string>
  /** After a 401 for `sent`: the header to retry with once, or null; may throw (e.g. signed out). */
  afterUnauthorized(sent: string): Promise<string | null>
}

/** An error answer from Bitbucket, or a failure to reach it. */
export class BitbucketError extends Error {
  constructor(
    /** HTTP status; 0 when Bitbucket could not be reached. */
    readonly status: number,
    message: string,
    /** The envelope's `error.detail`, when there is one. */
    readonly detail: unknown = null,
  ) {
    super(message)
  }
}

/** A request Pail refuses to send, because it would carry the token outside Bitbucket's API. */
export class UnsafeRequestError extends Error {
  readonly code = 'api.unsafe-request'
}

export interface ApiResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A streamed request body and the headers that describe it (Content-Type, Content-Length). */
export interface StreamBody {
  body: AsyncIterable<Uint8Array>
  headers?: Record<string, string>
}

export interface ApiClientOptions {
  apiUrl: string
  authorizer: Authorizer
  /** Told the scopes Bitbucket says the credential has, whenever a response carries them. */
  onScopes?: (scopes: string[]) => void
  dispatcher?: Dispatcher
}

/** The first value of a response header (undici gives repeated headers as a list). */
export function headerValue(headers: ApiResponse['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The message of Bitbucket's error envelope (§4.1), or the plain text of other answers. */
function errorFrom(status: number, body: Buffer, contentType: string | undefined): BitbucketError {
  const text = body.toString('utf8')
  if (contentType?.includes('json')) {
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string; detail?: unknown } }
      if (parsed.error?.message) return new BitbucketError(status, parsed.error.message, parsed.error.detail ?? null)
    } catch {
      // fall through to the plain text
    }
  }
  return new BitbucketError(status, text.trim().slice(0, 300) || `HTTP ${status}`)
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  /** One request, authenticated, with the one retry after a 401. Non-2xx answers are returned, not thrown. */
  async send(
    method: Dispatcher.HttpMethod,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Buffer } = {},
  ): Promise<ApiResponse> {
    const url = this.url(path)
    return this.authorized((auth) => this.once(method, url, auth, init))
  }

  /**
   * Like `send`, with a streamed body. A stream cannot be replayed, so `makeBody` is called once
   * per attempt: again for the one retry after a 401. An error thrown by the body's own source
   * (a local file that changed, say) is rethrown as it is, and an abort as the signal's reason;
   * only a failure to reach Bitbucket becomes BitbucketError(0).
   */
  async sendStream(
    method: Dispatcher.HttpMethod,
    path: string,
    makeBody: () => Promise<StreamBody>,
    init: { signal?: AbortSignal } = {},
  ): Promise<ApiResponse> {
    const url = this.url(path)
    return this.authorized(async (auth) => this.onceStream(method, url, auth, await makeBody(), init.signal))
  }

  /**
   * GET whose 2xx body is handed to `sink` as a stream (file downloads: memory stays flat);
   * any other answer throws BitbucketError.
   */
  async download(path: string, sink: (body: Readable) => Promise<void>): Promise<void> {
    const url = this.url(path)
    const response = await this.authorized(async (authorization) => {
      let res: Dispatcher.ResponseData
      try {
        res = await request(url, {
          method: 'GET',
          headers: { authorization, 'user-agent': 'Pail' },
          ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
        })
      } catch (error) {
        throw new BitbucketError(0, describeNetworkError(error))
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        await sink(res.body)
        return { status: res.statusCode, headers: res.headers, body: Buffer.alloc(0) }
      }
      return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) }
    })
    ApiClient.check(response)
  }

  /** GET a JSON resource; throws BitbucketError for any non-2xx answer. */
  async getJson<T>(path: string): Promise<T> {
    const response = await this.send('GET', path, { headers: { accept: 'application/json' } })
    if (response.status < 200 || response.status >= 300)
      throw errorFrom(response.status, response.body, headerValue(response.headers, 'content-type'))
    return JSON.parse(response.body.toString('utf8')) as T
  }

  /** Every value of a paginated listing, following `next` (never building page URLs). */
  async *paginate<T>(path: string): AsyncGenerator<T> {
    let next: string | undefined = path
    while (next) {
      const page: { values: T[]; next?: string } = await this.getJson(next)
      yield* page.values
      next = page.next
    }
  }

  /** Throws the BitbucketError for a non-2xx response. */
  static check(response: ApiResponse): ApiResponse {
    if (response.status >= 200 && response.status < 300) return response
    throw errorFrom(response.status, response.body, headerValue(response.headers, 'content-type'))
  }

  /**
   * The URL to send `path` (relative to the API, or an absolute link Bitbucket gave) to: parsed
   * and normalised (`..`, `%2e%2e`), then refused unless it is on the API's origin and under its
   * `/2.0/`. What is checked is what is sent.
   */
  private url(path: string): string {
    const api = new URL(this.options.apiUrl)
    const base = api.pathname.replace(/\/+$/, '')
    const prefix = `${base}/2.0/`
    const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(path)
    let url: URL | null = null
    if (isAbsolute || path.startsWith('/')) {
      try {
        url = new URL(isAbsolute ? path : `${api.origin}${base}${path}`)
      } catch {
        url = null
      }
    }
    if (!url) throw new UnsafeRequestError('Pail refused to call Bitbucket at an address it could not read.')
    if (url.origin !== api.origin)
      throw new UnsafeRequestError(
        `Pail refused to send your Bitbucket sign-in to ${url.origin}: it is not Bitbucket's API (${api.origin}).`,
      )
    if (!url.pathname.startsWith(prefix) || url.username !== '' || url.password !== '')
      throw new UnsafeRequestError(
        `Pail refused to call ${url.pathname}: it is outside Bitbucket's API (${prefix}). Check the workspace and repository names.`,
      )
    return url.href
  }

  /** Runs `attempt` with the Authorizer's header, and once more after a 401 with what it hands back. */
  private async authorized(attempt: (authorization: string) => Promise<ApiResponse>): Promise<ApiResponse> {
    let auth = await this.options.authorizer.header()
    let response = await attempt(auth)
    if (response.status === 401) {
      const retry = await this.options.authorizer.afterUnauthorized(auth)
      if (retry) {
        auth = retry
        response = await attempt(auth)
      }
    }
    const scopes = headerValue(response.headers, 'x-oauth-scopes')
    if (scopes !== undefined) this.options.onScopes?.(scopes.split(/,\s*/).filter(Boolean))
    return response
  }

  private async onceStream(
    method: Dispatcher.HttpMethod,
    url: string,
    authorization: string,
    streamed: StreamBody,
    signal: AbortSignal | undefined,
  ): Promise<ApiResponse> {
    // undici reports a failing body source as a request failure: remember which it was.
    let sourceFailure: { error: unknown } | null = null
    async function* guarded(): AsyncGenerator<Uint8Array> {
      try {
        yield* gathered(streamed.body)
      } catch (error) {
        sourceFailure = { error }
        throw error
      }
    }
    try {
      const res = await request(url, {
        method,
        headers: { ...streamed.headers, authorization, 'user-agent': 'Pail' },
        // undici's types take a Readable, not an async iterable; bytes mode bounds what is buffered.
        body: Readable.from(guarded(), { objectMode: false, highWaterMark: 64 * 1024 }),
        ...(signal ? { signal } : {}),
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      })
      const body = Buffer.from(await res.body.arrayBuffer())
      return { status: res.statusCode, headers: res.headers, body }
    } catch (error) {
      const failure = sourceFailure as { error: unknown } | null
      if (failure) throw failure.error
      if (signal?.aborted) throw signal.reason
      throw new BitbucketError(0, describeNetworkError(error))
    }
  }

  private async once(
    method: Dispatcher.HttpMethod,
    url: string,
    authorization: string,
    init: { headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<ApiResponse> {
    try {
      const res = await request(url, {
        method,
        headers: { ...init.headers, authorization, 'user-agent': 'Pail' },
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      })
      const body = Buffer.from(await res.body.arrayBuffer())
      return { status: res.statusCode, headers: res.headers, body }
    } catch (error) {
      throw new BitbucketError(0, describeNetworkError(error))
    }
  }
}

/** Small chunks of a streamed body are copied together into writes of up to this many bytes. */
const GATHER_BYTES = 64 * 1024
/** A chunk this large or larger goes to the socket as it is, uncopied (a large file's reads). */
const PASS_THROUGH_BYTES = 16 * 1024

/**
 * A body of many small pieces (a commit of many small files is a part head, the content and a
 * line break for each) as fewer, larger writes: undici writes every chunk to the socket with a
 * system call of its own (measured: 5,000 files of 0.5–4 KiB to a discarding endpoint took
 * 350–380 ms, 270–340 ms gathered). Small chunks are copied at once into a buffer sent when full,
 * before a large chunk, and at the end, so no caller's buffer is held (upload-source.ts reads into
 * its buffers again); a large chunk passes through unchanged, in its place.
 */
export async function* gathered(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let buffer = Buffer.allocUnsafe(GATHER_BYTES)
  let filled = 0
  for await (const chunk of body) {
    if (filled > 0 && (chunk.length >= PASS_THROUGH_BYTES || filled + chunk.length > GATHER_BYTES)) {
      // Sent, so a new buffer: the socket may still hold this one.
      yield buffer.subarray(0, filled)
      buffer = Buffer.allocUnsafe(GATHER_BYTES)
      filled = 0
    }
    if (chunk.length >= PASS_THROUGH_BYTES) yield chunk
    else {
      buffer.set(chunk, filled)
      filled += chunk.length
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled)
}
