import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseProxyList } from '../../../../../main/core/net/proxy-list.js'

test('a PAC result is read entry by entry, in order, with each keyword mapped to the proxy scheme undici speaks', () => {
  assert.deepEqual(parseProxyList('PROXY proxy.corp:8080; HTTPS secure.corp:8443;SOCKS5 socks.corp:1081 ;DIRECT'), [
    { kind: 'proxy', url: 'http://proxy.corp:8080' },
    { kind: 'proxy', url: 'https://secure.corp:8443' },
    { kind: 'proxy', url: 'socks5://socks.corp:1081' },
    { kind: 'direct' },
  ])
  assert.deepEqual(parseProxyList('DIRECT'), [{ kind: 'direct' }])
})

test("a proxy without a port gets Chromium's default for its kind; IPv6 addresses keep their brackets", () => {
  assert.deepEqual(parseProxyList('PROXY proxy.corp; HTTPS secure.corp; PROXY [2001:db8::1]:3128'), [
    { kind: 'proxy', url: 'http://proxy.corp:80' },
    { kind: 'proxy', url: 'https://secure.corp:443' },
    { kind: 'proxy', url: 'http://[2001:db8::1]:3128' },
  ])
})

test('entries Pail cannot use (SOCKS4, QUIC, unknown, malformed) are skipped, so the next one is taken', () => {
  assert.deepEqual(parseProxyList('SOCKS old.corp:1080; QUIC q.corp:443; BOGUS x:1; PROXY; PROXY a b; DIRECT'), [
    { kind: 'direct' },
  ])
  assert.deepEqual(parseProxyList('SOCKS old.corp:1080; PROXY proxy.corp:3128'), [
    { kind: 'proxy', url: 'http://proxy.corp:3128' },
  ])
  assert.deepEqual(parseProxyList('PROXY user:pw@proxy.corp:8080; PROXY proxy.corp:8080/path'), [])
})

test('keywords are read in any case; an empty answer lists nothing', () => {
  assert.deepEqual(parseProxyList(''), [])
  assert.deepEqual(parseProxyList('  proxy proxy.corp:8080 ; direct'), [
    { kind: 'proxy', url: 'http://proxy.corp:8080' },
    { kind: 'direct' },
  ])
})
