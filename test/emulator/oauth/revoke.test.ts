/** `POST /site/oauth2/revoke` (bitbucket-api.md §1.1; UNCONFIRMED, behind `revokeEndpoint`). */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { credentialFromToken, INVALID_MESSAGE } from '../auth.js'
import { useEmulator } from '../harness.js'
import { ApiError } from '../http.js'
import { basic, signIn, tokenRequest } from './testing.js'

const REVOKE = '/site/oauth2/revoke'

test('revoking an access token makes the API refuse it; revoking a refresh token stops refreshes', async (t) => {
  const emu = await useEmulator(t)
  const body = await signIn(emu)
  const answer = await tokenRequest(emu, { token: String(body.access_token) }, { path: REVOKE })
  assert.equal(answer.status, 200)
  assert.equal(answer.text, '', 'UNCONFIRMED: an empty 200, as RFC 7009 §2.2')
  assert.throws(
    () => credentialFromToken(emu.server, String(body.access_token)),
    (error: unknown) => error instanceof ApiError && error.status === 401 && error.message === INVALID_MESSAGE,
  )
  assert.equal((await tokenRequest(emu, { token: String(body.refresh_token) }, { path: REVOKE })).status, 200)
  const refreshed = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: String(body.refresh_token) })
  assert.equal(refreshed.text, '{"error_description":"Invalid refresh_token","error":"invalid_request"}')
})

test('revoke leaves other consumers’ tokens alone and needs the client’s credentials', async (t) => {
  const emu = await useEmulator(t)
  const body = await signIn(emu)
  const other = await emu.control<{ key: string; secret: string }>('POST', '/consumers', {
    callbackUrl: 'http://127.0.0.1:9/cb',
  })
  const foreign = await tokenRequest(
    emu,
    { token: String(body.access_token) },
    { path: REVOKE, auth: basic(other.key, other.secret) },
  )
  assert.equal(foreign.status, 200, 'RFC 7009: no hint that the token exists')
  assert.equal(credentialFromToken(emu.server, String(body.access_token)).kind, 'oauth', 'still valid')
  const unauthenticated = await tokenRequest(
    emu,
    { token: String(body.access_token) },
    { path: REVOKE, auth: basic(emu.info.publicConsumer.key, 'wrong') },
  )
  assert.equal(unauthenticated.status, 401)
  assert.equal(unauthenticated.json?.error, 'invalid_client')
  const missing = await tokenRequest(emu, {}, { path: REVOKE })
  assert.equal(missing.status, 400)
  assert.equal(missing.json?.error, 'invalid_request')
  assert.equal(
    credentialFromToken(emu.server, String(body.access_token)).kind,
    'oauth',
    'still valid after the refused attempts',
  )
})

test('with revokeEndpoint off the path does not exist', async (t) => {
  const emu = await useEmulator(t, { revokeEndpoint: false })
  const body = await signIn(emu)
  const answer = await tokenRequest(emu, { token: String(body.access_token) }, { path: REVOKE })
  assert.equal(answer.status, 404)
  assert.equal(credentialFromToken(emu.server, String(body.access_token)).kind, 'oauth')
})
