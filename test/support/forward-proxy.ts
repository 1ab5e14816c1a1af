/**
 * A small HTTP proxy for unit tests: forwards absolute-URI requests and tunnels CONNECT, and
 * records what it was asked ("GET http://127.0.0.1:1234/path", "CONNECT 127.0.0.1:443"). With
 * `requireAuth`, anything without that Proxy-Authorization gets 407. (Integration tests use a real
 * proxy, tinyproxy.)
 */
import { createServer, request, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

export interface ForwardProxy {
  url: string
  port: number
  seen: string[]
}

export async function startForwardProxy(t: TestContext, options: { requireAuth?: string } = {}): Promise<ForwardProxy> {
  const seen: string[] = []
  const allowed = (header: string | undefined): boolean =>
    options.requireAuth === undefined || header === `Basic ${Buffer.from(options.requireAuth).toString('base64')}`
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (!allowed(req.headers['proxy-authorization'])) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end()
      return
    }
    const target = new URL(req.url ?? '/')
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`)
    if (!allowed(req.headers['proxy-authorization'])) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n')
      return
    }
    const [host, port] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const port = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}`, port, seen }
}

/** A plain HTTP server answering every request with "<name> <path>". */
export async function startOrigin(t: TestContext, name: string): Promise<{ url: string; port: number }> {
  const server = createServer((req, res) => res.end(`${name} ${req.url}`))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const port = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${port}`, port }
}
