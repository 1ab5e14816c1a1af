/**
 * The sign-in callback listener on 127.0.0.1 at a fixed port and path (Bitbucket matches the
 * registered callback by prefix and does not allow "any port", bitbucket-api.md §1.8).
 *
 * It accepts exactly one callback carrying the expected `state`: a wrong or missing state gets an
 * error page and the listener keeps waiting (it may be a forged request, not the user's). The
 * browser's request is held open until the caller knows the outcome, so the page it shows says
 * whether sign-in really worked.
 */
import { createServer, type ServerResponse } from 'node:http'

export class SignInError extends Error {
  constructor(
    readonly code: 'port-busy' | 'timeout' | 'cancelled' | 'listen-failed',
    message: string,
  ) {
    super(message)
  }
}

export interface CallbackArrival {
  /** The callback's query parameters (`code` or `error`, and `state`). */
  params: URLSearchParams
  /** Shows the final page in the browser and closes the listener. */
  finish(page: { title: string; message: string; ok: boolean }): void
}

export interface LoopbackListener {
  redirectUri: string
  /** Resolves with the one valid callback; rejects on timeout or cancel. */
  arrival: Promise<CallbackArrival>
  close(): void
}

export interface ListenOptions {
  port: number
  path: string
  expectedState: string
  timeoutMs: number
  signal?: AbortSignal
  host?: string
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A small, friendly page for the browser tab. */
export function renderPage(page: { title: string; message: string; ok: boolean }): string {
  const colour = page.ok ? '#216e39' : '#a40e26'
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pail — ${escapeHtml(page.title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:15vh auto;max-width:34em;padding:0 1em;color:#172b4d}h1{color:${colour};font-size:1.4em}</style></head>
<body><h1 id="result">${escapeHtml(page.title)}</h1><p id="message">${escapeHtml(page.message)}</p><p>You can close this tab.</p></body></html>`
}

function send(res: ServerResponse, status: number, page: { title: string; message: string; ok: boolean }): void {
  const body = renderPage(page)
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** Starts listening; rejects with a plain-words SignInError when the port is taken. */
export function listenForCallback(options: ListenOptions): Promise<LoopbackListener> {
  const host = options.host ?? '127.0.0.1'
  const redirectUri = `http://${host}:${options.port}${options.path}`
  let settled = false
  let resolveArrival!: (arrival: CallbackArrival) => void
  let rejectArrival!: (error: Error) => void
  const arrival = new Promise<CallbackArrival>((resolve, reject) => {
    resolveArrival = resolve
    rejectArrival = reject
  })
  // Callers may never await `arrival` after a failure; keep Node from calling that unhandled.
  arrival.catch(() => undefined)

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', redirectUri)
    if (req.method !== 'GET' || url.pathname !== options.path) {
      send(res, 404, {
        title: 'Not found',
        message: 'This address is only used by Pail to finish signing in.',
        ok: false,
      })
      return
    }
    if (settled) {
      send(res, 409, { title: 'Already handled', message: 'Pail has already finished this sign-in.', ok: false })
      return
    }
    if (url.searchParams.get('state') !== options.expectedState) {
      send(res, 400, {
        title: 'Sign-in link not recognised',
        message:
          'This sign-in answer is not the one Pail is waiting for, so it was ignored. Start signing in from Pail again if you need to.',
        ok: false,
      })
      return
    }
    settled = true
    clearTimeout(timer)
    resolveArrival({
      params: url.searchParams,
      finish(page) {
        send(res, page.ok ? 200 : 400, page)
        close()
      },
    })
  })

  const close = (): void => {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
    server.close()
    server.closeAllConnections()
  }
  const fail = (error: SignInError): void => {
    if (settled) return
    settled = true
    rejectArrival(error)
    close()
  }
  const timer = setTimeout(
    () =>
      fail(
        new SignInError(
          'timeout',
          `Sign-in was not finished within ${Math.round(options.timeoutMs / 60000) || 1} minute(s). Start again when you are ready.`,
        ),
      ),
    options.timeoutMs,
  )
  const onAbort = (): void => fail(new SignInError('cancelled', 'Sign-in was cancelled.'))
  options.signal?.addEventListener('abort', onAbort)

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      close()
      if (error.code === 'EADDRINUSE') {
        reject(
          new SignInError(
            'port-busy',
            `Another program on this computer is using port ${options.port}, which Pail needs to receive Bitbucket's sign-in answer. Close that program and try again, or ask your admin to give Pail another callback port.`,
          ),
        )
      } else {
        reject(
          new SignInError(
            'listen-failed',
            `Pail could not wait for Bitbucket's sign-in answer on port ${options.port}: ${error.message}`,
          ),
        )
      }
    })
    if (options.signal?.aborted) {
      reject(new SignInError('cancelled', 'Sign-in was cancelled.'))
      return
    }
    server.listen(options.port, host, () => resolve({ redirectUri, arrival, close }))
  })
}
