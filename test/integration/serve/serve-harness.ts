/**
 * A `pail serve` HTTP server for tests, with small fake handlers (each answers its channel's name
 * and the payload it got) behind the core's own dispatch and event bus, a tiny built window
 * in a temporary folder and a staging area in a temporary Pail home; and raw HTTP requests whose
 * `Host`, `Origin` and `Cookie` headers the test writes itself (fetch would set them its own way).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { TestContext } from 'node:test'
import { channelNames, type Handlers } from '../../../shared/ipc/contract.js'
import { SECRET_PARAMETER } from '../../../shared/ipc/serve-routes.js'
import { AppEventBus } from '../../../main/core/app/index.js'
import { startServeServer, type RunningServe } from '../../../main/cli/serve/serve-server.js'
import { StagingArea, type StagingLimits } from '../../../main/cli/serve/staging-area.js'

/** The page and one asset of the fake built window. */
export const INDEX_HTML = '<!doctype html><title>Pail test window</title><script src="/assets/app.js"></script>\n'
export const APP_JS = 'console.log("pail")\n'

/** What a fake handler answers: its channel and the payload it was given. */
export interface Echo {
  channel: string
  input: unknown
}

/** Handlers that answer `Echo`; the answer types of the contract do not matter to the server. */
export function echoHandlers(calls: Echo[] = []): Handlers {
  const entries = channelNames.map((channel) => [
    channel,
    async (input: unknown) => {
      calls.push({ channel, input })
      return { channel, input }
    },
  ])
  // The server passes answers through as JSON; their contract types are not the point here.
  return Object.fromEntries(entries) as unknown as Handlers
}

export interface Harness {
  serve: RunningServe
  events: AppEventBus
  staging: StagingArea
  calls: Echo[]
  home: string
  rendererDir: string
  /** `127.0.0.1:PORT` */
  host: string
  /** `http://127.0.0.1:PORT` */
  origin: string
}

/** Starts a server for the test and stops it (and removes its folders) when the test ends. */
export async function startHarness(
  t: TestContext,
  options: { heartbeatMs?: number; limits?: Partial<StagingLimits> } = {},
): Promise<Harness> {
  const scratch = await mkdtemp(join(tmpdir(), 'pail-serve-test-'))
  const rendererDir = join(scratch, 'renderer')
  const home = join(scratch, 'home')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML)
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS)
  await writeFile(join(scratch, 'secret.txt'), 'outside the window folder\n')
  await mkdir(home, { mode: 0o700 })
  const staging = await StagingArea.open(home, options.limits ? { limits: options.limits } : {})
  const events = new AppEventBus()
  const calls: Echo[] = []
  const handlers = echoHandlers(calls)
  const serve = await startServeServer({
    handlers,
    events,
    rendererDir,
    staging,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  })
  t.after(async () => {
    await serve.stop()
    await staging.close()
    await rm(scratch, { recursive: true, force: true })
  })
  return { serve, events, staging, calls, home, rendererDir, host: serve.address.host, origin: serve.address.origin }
}

export interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export interface RawRequest {
  method?: string
  path: string
  /** Sent exactly as given; `host` defaults to the server's own. */
  headers?: Record<string, string | number>
  body?: string | Buffer | Readable
  /** Answer as soon as the status and headers arrive, and hang up (for an event stream that stays open). */
  untilHeaders?: boolean
}

/** One HTTP request to the harness's port with exactly the headers given; the whole answer. */
export function raw(harness: { serve: { port: number }; host: string }, options: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: harness.serve.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: harness.host, ...options.headers },
        setHost: false,
      },
      (response) => {
        if (options.untilHeaders) {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '' })
          return void response.destroy()
        }
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    const body = options.body
    if (body === undefined) request.end()
    else if (typeof body === 'string' || Buffer.isBuffer(body)) request.end(body)
    else body.pipe(request)
  })
}

/** The secret of the printed address. */
export function secretOf(serve: RunningServe): string {
  return new URL(serve.url).searchParams.get(SECRET_PARAMETER)!
}

/** Opens the printed address as a browser would; answers the Cookie header value the session gave. */
export async function openSession(harness: Harness): Promise<string> {
  const answer = await raw(harness, { path: new URL(harness.serve.url).pathname + new URL(harness.serve.url).search })
  if (answer.status !== 303) throw new Error(`the printed address answered ${answer.status}, not 303`)
  const setCookie = answer.headers['set-cookie']?.[0]
  if (!setCookie) throw new Error('the printed address set no cookie')
  return setCookie.split(';')[0]!
}

/** Headers of a request the window's own page sends (its cookie and its origin). */
export function own(harness: Harness, cookie: string, more: Record<string, string | number> = {}) {
  return { cookie, origin: harness.origin, ...more }
}

/** Invokes a channel as the window would; the parsed answer. */
export async function invoke(
  harness: Harness,
  cookie: string,
  channel: string,
  payload?: unknown,
): Promise<RawAnswer & { json: unknown }> {
  const answer = await raw(harness, {
    method: 'POST',
    path: `/api/invoke/${channel}`,
    headers: own(harness, cookie, { 'content-type': 'application/json' }),
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  })
  let json: unknown = null
  try {
    json = JSON.parse(answer.body)
  } catch {
    // not JSON (a plain refusal): json stays null
  }
  return { ...answer, json }
}
