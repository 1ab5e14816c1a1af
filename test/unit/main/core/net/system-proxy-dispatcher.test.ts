import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { request } from 'undici'
import { PROXY_CACHE_MS, SystemProxyDispatcher } from '../../../../../main/core/net/system-proxy-dispatcher.js'
import { startForwardProxy, startOrigin } from '../../../../support/forward-proxy.js'

test('each origin goes the way the system says: through its proxy, or directly', async (t) => {
  const proxy = await startForwardProxy(t)
  const proxied = await startOrigin(t, 'proxied')
  const direct = await startOrigin(t, 'direct')
  const asked: string[] = []
  const dispatcher = new SystemProxyDispatcher({
    resolveProxy: async (url) => {
      asked.push(url)
      return url.startsWith(proxied.url) ? `PROXY 127.0.0.1:${proxy.port}; DIRECT` : 'DIRECT'
    },
    tls: { ca: [] },
  })
  t.after(() => dispatcher.close())

  const viaProxy = await request(`${proxied.url}/a`, { dispatcher })
  assert.equal(await viaProxy.body.text(), 'proxied /a')
  const straight = await request(`${direct.url}/b`, { dispatcher })
  assert.equal(await straight.body.text(), 'direct /b')
  assert.deepEqual(proxy.seen, [`GET ${proxied.url}/a`], 'only the proxied origin went through the proxy')
  assert.deepEqual(asked, [`${proxied.url}/`, `${direct.url}/`])
})

test('the answer for an origin is reused for a while, then asked again; a failed question goes directly', async (t) => {
  const proxy = await startForwardProxy(t)
  const origin = await startOrigin(t, 'origin')
  let now = 1_000_000
  let calls = 0
  let answer: () => Promise<string> = async () => `PROXY 127.0.0.1:${proxy.port}`
  const dispatcher = new SystemProxyDispatcher({
    resolveProxy: () => {
      calls += 1
      return answer()
    },
    tls: { ca: [] },
    now: () => now,
  })
  t.after(() => dispatcher.close())
  const get = async (path: string): Promise<string> =>
    (await request(`${origin.url}${path}`, { dispatcher })).body.text()

  assert.equal(await Promise.all([get('/1'), get('/2')]).then((r) => r.join()), 'origin /1,origin /2')
  assert.equal(calls, 1, 'asked once for two requests to one origin')
  now += PROXY_CACHE_MS + 1
  answer = async () => {
    throw new Error('PAC script failed')
  }
  assert.equal(await get('/3'), 'origin /3')
  assert.equal(calls, 2, 'asked again once the answer is old')
  assert.deepEqual(proxy.seen, [`GET ${origin.url}/1`, `GET ${origin.url}/2`], '/3 went directly')
})

test('a proxy that refuses the request reaches the caller as an error, not a hang', async (t) => {
  const proxy = await startForwardProxy(t, { requireAuth: 'alice:secret' })
  const origin = await startOrigin(t, 'origin')
  const dispatcher = new SystemProxyDispatcher({
    resolveProxy: async () => `PROXY 127.0.0.1:${proxy.port}`,
    tls: { ca: [] },
  })
  t.after(() => dispatcher.close())
  await assert.rejects(request(`${origin.url}/x`, { dispatcher }), /Proxy Authentication Required \(407\)/)
})

test('a proxy that cannot be reached is set aside: the next entry of the answer (DIRECT) is used from then on', async (t) => {
  const origin = await startOrigin(t, 'origin')
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const deadPort = (closed.address() as { port: number }).port
  await new Promise((resolve) => closed.close(resolve))
  let now = 5_000_000
  let calls = 0
  const routes: string[] = []
  const dispatcher = new SystemProxyDispatcher({
    resolveProxy: async () => {
      calls += 1
      return `PROXY 127.0.0.1:${deadPort}; DIRECT`
    },
    tls: { ca: [] },
    now: () => now,
    onRoute: (_origin, route) => routes.push(route.kind),
  })
  t.after(() => dispatcher.close())
  await assert.rejects(request(`${origin.url}/1`, { dispatcher }), { code: 'ECONNREFUSED' })
  assert.equal(await (await request(`${origin.url}/2`, { dispatcher })).body.text(), 'origin /2')
  assert.equal(calls, 1, 'the same answer, with the proxy set aside')
  assert.deepEqual(routes, ['proxy', 'direct'], 'told of each change of route')
  now += PROXY_CACHE_MS + 1
  await assert.rejects(request(`${origin.url}/3`, { dispatcher }), { code: 'ECONNREFUSED' }, 'tried again later')
})

test('an empty answer goes directly', async (t) => {
  const origin = await startOrigin(t, 'origin')
  const dispatcher = new SystemProxyDispatcher({ resolveProxy: async () => '', tls: { ca: [] } })
  t.after(() => dispatcher.close())
  assert.equal(await (await request(`${origin.url}/x`, { dispatcher })).body.text(), 'origin /x')
})
