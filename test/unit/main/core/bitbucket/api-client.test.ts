import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import {
  ApiClient,
  BitbucketError,
  UnsafeRequestError,
  type Authorizer,
  type StreamBody,
} from '../../../../../main/core/bitbucket/api-client.js'

async function server(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const srv = createServer(handler)
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => (srv.closeAllConnections(), srv.close(() => resolve()))))
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** A body of `count` chunks of 64 KiB, each filled with its index. */
function chunks(count: number): () => Promise<StreamBody> {
  return async () => ({
    body: (async function* () {
      for (let i = 0; i < count; i++) yield Buffer.alloc(64 * 1024, i)
    })(),
    headers: { 'content-type': 'application/octet-stream' },
  })
}

test('sendStream: a 401 before the body is read makes the body again for the one retry', async (t) => {
  const received: { auth: string | undefined; bytes: number }[] = []
  const apiUrl = await server(t, (req, res) => {
    if (req.headers.authorization === 'Bearer old') {
      // Answer at once, mid-body, as Bitbucket does for an expired token.
      received.push({ auth: req.headers.authorization, bytes: -1 })
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"type":"error","error":{"message":"Access token expired."}}')
      return
    }
    void bodyOf(req).then((body) => {
      received.push({ auth: req.headers.authorization, bytes: body.length })
      res.writeHead(201, { location: '/commit/abc', 'x-oauth-scopes': 'account, repository:write' }).end()
    })
  })
  const rejected: string[] = []
  const authorizer: Authorizer = {
    header: async () => 'Bearer old',
    afterUnauthorized: async (sent) => (rejected.push(sent), 'Bearer new'),
  }
  let scopes: string[] = []
  const api = new ApiClient({ apiUrl, authorizer, onScopes: (s) => (scopes = s) })
  let made = 0
  const make = chunks(64)
  const response = await api.sendStream('POST', '/2.0/upload', async () => (made++, make()))
  assert.equal(response.status, 201)
  assert.equal(made, 2)
  assert.deepEqual(rejected, ['Bearer old'])
  assert.deepEqual(received, [
    { auth: 'Bearer old', bytes: -1 },
    { auth: 'Bearer new', bytes: 64 * 64 * 1024 },
  ])
  assert.deepEqual(scopes, ['account', 'repository:write'])
})

test('sendStream: an error of the body source is rethrown as it is, not as a network failure', async (t) => {
  const apiUrl = await server(
    t,
    (req, res) =>
      void bodyOf(req).then(
        () => res.writeHead(201).end(),
        () => undefined,
      ),
  )
  const api = new ApiClient({
    apiUrl,
    authorizer: { header: async () => 'Bearer x', afterUnauthorized: async () => null },
  })
  const failure = new Error('the file shrank')
  const body = async (): Promise<StreamBody> => ({
    body: (async function* () {
      yield Buffer.alloc(1024)
      throw failure
    })(),
  })
  await assert.rejects(api.sendStream('POST', '/2.0/upload', body), (error: unknown) => error === failure)
})

test('sendStream: unreachable is BitbucketError(0); an abort rejects with the signal reason', async (t) => {
  const closed = await server(t, () => undefined)
  const unreachable = new ApiClient({
    apiUrl: 'http://127.0.0.1:1',
    authorizer: { header: async () => 'Bearer x', afterUnauthorized: async () => null },
  })
  await assert.rejects(
    unreachable.sendStream('POST', '/2.0/upload', chunks(1)),
    (error: unknown) => error instanceof BitbucketError && error.status === 0,
  )
  const api = new ApiClient({
    apiUrl: closed,
    authorizer: { header: async () => 'Bearer x', afterUnauthorized: async () => null },
  })
  const controller = new AbortController()
  const reason = new Error('cancelled')
  setTimeout(() => controller.abort(reason), 50)
  await assert.rejects(
    api.sendStream('POST', '/2.0/upload', chunks(4), { signal: controller.signal }),
    (error: unknown) => error === reason,
  )
})

test('a token goes to the API only: other origins, paths outside /2.0/ and `..` in any spelling are refused unsent', async (t) => {
  const seen: string[] = []
  const apiUrl = await server(t, (req, res) => {
    seen.push(req.url ?? '')
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ values: [1], next: req.url === '/2.0/list' ? 'http://evil.example/2.0/page2' : undefined }))
  })
  const headers: string[] = []
  const api = new ApiClient({
    apiUrl,
    authorizer: { header: async () => (headers.push('asked'), 'Bearer secret'), afterUnauthorized: async () => null },
  })
  const refused = [
    '/2.0/repositories/../../oauth/token',
    '/2.0/repositories/%2e%2e/%2E%2E/x',
    '/2.0/../x',
    '/x/2.0/',
    '//evil.example/2.0/x',
    '@evil.example/2.0/x',
    'http://evil.example/2.0/x',
    `${apiUrl.replace('127.0.0.1', 'localhost')}/2.0/x`,
    `${apiUrl.replace('http://', 'http://user:pw@')}/2.0/x`,
  ]
  for (const path of refused)
    await assert.rejects(api.getJson(path), (error: unknown) => error instanceof UnsafeRequestError, path)
  // A `next` link on another origin stops the listing before the token goes there.
  const values: unknown[] = []
  await assert.rejects(
    (async () => {
      for await (const value of api.paginate('/2.0/list')) values.push(value)
    })(),
    (error: unknown) => error instanceof UnsafeRequestError && /evil\.example/.test(error.message),
  )
  assert.deepEqual(values, [1])
  assert.deepEqual(seen, ['/2.0/list'], 'only the one request inside the API reached a server')
  // What is checked is what is sent: a dot segment inside /2.0/ is sent resolved.
  await api.getJson('/2.0/repositories/ws/./x/../list')
  assert.equal(seen.at(-1), '/2.0/repositories/ws/list')
})
