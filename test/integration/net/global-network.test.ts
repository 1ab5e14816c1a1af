/**
 * In one process, against the emulator: once installNetwork has run, the API client, the OAuth
 * token endpoint (oauth4webapi through undici's fetch) and a bare undici `request` (as the git
 * ref-advertisement client makes) all go through the proxy HTTP_PROXY names, and NO_PROXY is
 * honoured. The proxy is the small one in test/support (the CLI tests use tinyproxy).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { OAuthClient } from '../../../main/core/auth/oauth-client.js'
import { ApiClient, BitbucketError } from '../../../main/core/bitbucket/api-client.js'
import { installNetwork } from '../../../main/core/net/network.js'
import { useEmulator } from '../../emulator/harness.js'
import { startForwardProxy } from '../../support/forward-proxy.js'

test('every kind of Bitbucket request goes through the installed proxy; NO_PROXY sends it directly', async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startForwardProxy(t)
  const { webUrl, apiUrl } = emu.info
  await installNetwork({ proxy: { kind: 'environment', env: { HTTP_PROXY: proxy.url } } })

  const oauth = new OAuthClient({ webUrl, apiUrl }, emu.info.privateConsumer)
  const grant = await oauth.clientCredentials()
  const api = new ApiClient({
    apiUrl,
    authorizer: { header: async () => `Bearer ${grant.accessToken}`, afterUnauthorized: async () => null },
  })
  await api.getJson('/2.0/repositories/pail-demo/handbook')
  const refs = await request(`${webUrl}/pail-demo/handbook.git/info/refs?service=git-upload-pack`)
  await refs.body.dump()

  assert.deepEqual(proxy.seen, [
    `POST ${webUrl}/site/oauth2/access_token`,
    `GET ${apiUrl}/2.0/repositories/pail-demo/handbook`,
    `GET ${webUrl}/pail-demo/handbook.git/info/refs?service=git-upload-pack`,
  ])

  await installNetwork({ proxy: { kind: 'environment', env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } } })
  await api.getJson('/2.0/repositories/pail-demo/handbook')
  assert.equal(proxy.seen.length, 3, 'NO_PROXY: the request went directly')
})

test('a proxy asking for credentials is told in a plain sentence by the API client and the sign-in', async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startForwardProxy(t, { requireAuth: 'alice:s3cret-pw' })
  const { webUrl, apiUrl } = emu.info
  await installNetwork({ proxy: { kind: 'environment', env: { http_proxy: proxy.url } } })
  const api = new ApiClient({
    apiUrl,
    authorizer: { header: async () => 'Bearer x', afterUnauthorized: async () => null },
  })
  await assert.rejects(api.getJson('/2.0/user'), (error: unknown) => {
    assert.ok(error instanceof BitbucketError)
    assert.match(error.message, /proxy asks for a user name and password \(HTTP 407\)\. Put them in the proxy address/)
    return true
  })
  const oauth = new OAuthClient({ webUrl, apiUrl }, emu.info.privateConsumer)
  await assert.rejects(oauth.clientCredentials(), /could not reach Bitbucket to sign in through your network's proxy/)

  // With the credentials in the proxy URL, it works; they appear in no message.
  const withAuth = proxy.url.replace('http://', 'http://alice:s3cret-pw@')
  await installNetwork({ proxy: { kind: 'environment', env: { http_proxy: withAuth } } })
  const grant = await oauth.clientCredentials()
  assert.ok(grant.accessToken)
})
