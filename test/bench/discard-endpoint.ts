/**
 * A discarding endpoint for the large-file benchmark: a plain node:http server on loopback that
 * reads every request body, counts its bytes and throws them away, then answers 201 with a
 * `Location` naming a (made-up) commit, as Bitbucket's `POST /src` does. Pail's upload path and
 * curl both send to it, so each client's own ceiling shows, without the emulator's work.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the endpoint received in one request. */
export interface DiscardedRequest {
  method: string
  path: string
  /** The Content-Length header, or null when the body came chunked. */
  declaredBytes: number | null
  bytes: number
}

/** A running discarding endpoint. */
export interface DiscardEndpoint {
  /** `http://127.0.0.1:PORT` — stands for the API's origin. */
  url: string
  /** Every request so far, in the order their bodies ended. */
  readonly requests: readonly DiscardedRequest[]
  close(): Promise<void>
}

/** The made-up commit every answer names (40 hex digits, as createCommit checks). */
export const DISCARDED_COMMIT = 'd15ca2d0'.repeat(5)

async function drain(req: IncomingMessage): Promise<number> {
  let bytes = 0
  for await (const chunk of req) bytes += (chunk as Buffer).length
  return bytes
}

/** Starts the endpoint on a free loopback port. */
export async function startDiscardEndpoint(): Promise<DiscardEndpoint> {
  const requests: DiscardedRequest[] = []
  const server = createServer((req, res) => {
    drain(req).then(
      (bytes) => {
        const declared = req.headers['content-length']
        const path = (req.url ?? '/').split('?')[0]!
        requests.push({ method: req.method ?? '', path, declaredBytes: declared ? Number(declared) : null, bytes })
        const location = `${path.replace(/\/src$/, '')}/commit/${DISCARDED_COMMIT}`
        res.writeHead(201, { location, 'content-type': 'application/json' }).end('{}')
      },
      () => res.destroy(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
