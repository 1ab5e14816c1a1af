import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getGlobalDispatcher } from 'undici'
import { LazyDispatcher } from '../../../../../main/core/net/lazy-dispatcher.js'
import { createDispatcher, installNetwork, installNetworkOrTell } from '../../../../../main/core/net/network.js'
import { environmentProxies, withoutCredentials } from '../../../../../main/core/net/proxy-environment.js'
import { SystemProxyDispatcher } from '../../../../../main/core/net/system-proxy-dispatcher.js'

test('proxy settings come from the environment, lower-case names first; HTTPS falls back to HTTP_PROXY', () => {
  assert.deepEqual(environmentProxies({}), { httpProxy: '', httpsProxy: '', noProxy: '', problems: [] })
  assert.deepEqual(
    environmentProxies({ HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', NO_PROXY: 'a.corp' }),
    { httpProxy: 'http://lower:2', httpsProxy: 'http://lower:2', noProxy: 'a.corp', problems: [] },
  )
  assert.deepEqual(environmentProxies({ HTTPS_PROXY: ' http://secure:3 ', no_proxy: 'b', NO_PROXY: 'c' }), {
    httpProxy: '',
    httpsProxy: 'http://secure:3',
    noProxy: 'b',
    problems: [],
  })
})

test('a proxy written without a scheme is an http proxy; one Pail cannot use is told, without its credentials', async () => {
  assert.equal(environmentProxies({ https_proxy: 'proxy.corp:8080' }).httpsProxy, 'http://proxy.corp:8080')
  const bad = environmentProxies({ HTTPS_PROXY: 'ftp://alice:s3cret@proxy.corp:21', http_proxy: 'http://' })
  assert.equal(bad.httpsProxy, '')
  assert.equal(bad.httpProxy, '')
  assert.deepEqual(
    bad.problems.map((p) => p.split(' ')[0]),
    ['http_proxy', 'HTTPS_PROXY'],
  )
  assert.match(bad.problems[1]!, /^HTTPS_PROXY is not a proxy address Pail can use \(write it as http:\/\/host:port/)
  assert.ok(!bad.problems.join().includes('s3cret'))
  const told: string[] = []
  await installNetworkOrTell({ proxy: { kind: 'environment', env: { HTTPS_PROXY: 'ftp://x' } } }, (m) => told.push(m))
  assert.equal(told.length, 1)
})

test('proxy credentials never reach the log; the same settings keep the dispatcher, new ones replace it', async () => {
  assert.equal(withoutCredentials('http://alice:s3cret@proxy.corp:8080/'), 'http://proxy.corp:8080')
  const logged: unknown[] = []
  const logger = { info: (_e: string, f?: unknown) => logged.push(f), warn: () => undefined, error: () => undefined }
  const env = { HTTPS_PROXY: 'http://alice:s3cret@proxy.corp:8080' }
  await installNetwork({ proxy: { kind: 'environment', env }, logger })
  const first = getGlobalDispatcher()
  await installNetwork({ proxy: { kind: 'environment', env: { ...env } }, logger })
  assert.equal(getGlobalDispatcher(), first, 'unchanged settings: the same dispatcher and its connections')
  assert.equal(logged.length, 1)
  assert.deepEqual(logged[0], {
    proxy: { httpProxy: '', httpsProxy: 'http://proxy.corp:8080', noProxy: '' },
    extraCertificates: 0,
  })
  assert.ok(!JSON.stringify(logged).includes('s3cret'))

  await installNetwork({ proxy: { kind: 'system', resolveProxy: async () => 'DIRECT' }, logger })
  assert.notEqual(getGlobalDispatcher(), first, 'other settings: another dispatcher')
  assert.ok(getGlobalDispatcher() instanceof LazyDispatcher, 'built on its first request')
  const desktop = createDispatcher({ kind: 'system', resolveProxy: async () => 'DIRECT' }, [])
  assert.ok(desktop instanceof SystemProxyDispatcher, 'the desktop asks the system per origin')
  await desktop.close()
})
