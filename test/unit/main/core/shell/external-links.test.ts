/**
 * The link allow-list: only Bitbucket's own pages (and so its OAuth authorize page) open in the
 * browser, compared by parsed origin; look-alike hosts, other schemes and credentials are refused.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allowedLinkOrigins, externalLink } from '../../../../../main/core/shell/external-links.js'

const cloud = allowedLinkOrigins('https://bitbucket.org')

test("Bitbucket's pages, commit links and the authorize page open", () => {
  assert.deepEqual(cloud, ['https://bitbucket.org'])
  for (const url of [
    'https://bitbucket.org/pail-demo/handbook/commits/0123abcd',
    'https://bitbucket.org/site/oauth2/authorize?client_id=abc&response_type=code&state=xyz',
    'https://bitbucket.org/',
  ])
    assert.equal(externalLink(url, cloud), url)
})

test('look-alike hosts, plain http, other schemes, credentials and nonsense are refused', () => {
  for (const url of [
    'https://bitbucket.org.attacker.example/x',
    'https://attacker.example/bitbucket.org',
    'https://evil@bitbucket.org/',
    'https://user:pass@bitbucket.org/',
    'http://bitbucket.org/',
    'https://bitbucket.org:8443/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://bitbucket.org/share',
    'not a url',
    '',
  ])
    assert.equal(externalLink(url, cloud), null, url)
})

test('the address handed on is the parser’s, not the string as given', () => {
  assert.equal(externalLink('HTTPS://BitBucket.ORG/a b', cloud), 'https://bitbucket.org/a%20b')
})

test('plain http only for a loopback web address (the emulator); another http site gives no origin', () => {
  const emulator = allowedLinkOrigins('http://127.0.0.1:7990')
  assert.deepEqual(emulator, ['http://127.0.0.1:7990'])
  assert.equal(
    externalLink('http://127.0.0.1:7990/site/oauth2/authorize?x=1', emulator),
    'http://127.0.0.1:7990/site/oauth2/authorize?x=1',
  )
  assert.equal(externalLink('http://127.0.0.1:7991/', emulator), null)
  assert.deepEqual(allowedLinkOrigins('http://bitbucket.example.com'), [])
  assert.deepEqual(allowedLinkOrigins('ftp://bitbucket.org'), [])
  assert.deepEqual(allowedLinkOrigins('nonsense'), [])
})
