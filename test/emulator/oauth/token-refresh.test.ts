/**
 * The refresh-token and client-credentials grants and the token body's shape
 * (bitbucket-api.md §1.2, §1.4, §1.5, §1.6).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { credentialFromToken, EXPIRED_MESSAGE } from '../auth.js'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { ApiError } from '../http.js'
import { basic, signIn, sleep, tokenRequest, tokens } from './testing.js'

const INVALID_REFRESH = '{"error_description":"Invalid refresh_token","error":"invalid_request"}'

async function refresh(
  emu: RunningEmulator,
  refreshToken: string,
  auth?: string,
): Promise<{ status: number; text: string; json: Record<string, unknown> | null }> {
  return tokenRequest(
    emu,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    auth === undefined ? {} : { auth },
  )
}

function privateAuth(emu: RunningEmulator): string {
  return basic(emu.info.privateConsumer.key, emu.info.privateConsumer.secret)
}

test('refresh rotates: a new refresh token each time, and every access token stays valid', async (t) => {
  const emu = await useEmulator(t)
  const first = await signIn(emu)
  const second = await refresh(emu, String(first.refresh_token))
  assert.equal(second.status, 200)
  assert.equal(second.json?.state, 'refresh_token')
  assert.equal(second.json?.token_type, 'bearer')
  assert.equal(second.json?.scope, 'account repository:write')
  assert.ok(second.json?.refresh_token !== first.refresh_token, 'a new refresh token')
  assert.ok(second.json?.access_token !== first.access_token, 'a new access token')
  // §1.5: refreshing does not revoke other unexpired access tokens.
  for (const token of [first.access_token, second.json?.access_token])
    assert.equal(credentialFromToken(emu.server, String(token)).user?.uuid, emu.info.user.uuid)
  const record = emu.server.world.accessToken(String(second.json?.access_token))
  assert.equal(record?.grant, 'refresh_token')
  assert.deepEqual(record?.scopes, ['account', 'repository:write'])
  // Within the grace period the old refresh token still works, and so does the new one.
  assert.equal((await refresh(emu, String(first.refresh_token))).status, 200)
  assert.equal((await refresh(emu, String(second.json?.refresh_token))).status, 200)
})

test('an old refresh token dies refreshTokenGraceSeconds after its first use', async (t) => {
  const emu = await useEmulator(t, { refreshTokenGraceSeconds: 1.5 })
  const first = await signIn(emu)
  const second = await refresh(emu, String(first.refresh_token))
  assert.equal(second.status, 200)
  await sleep(1000)
  assert.equal((await refresh(emu, String(first.refresh_token))).status, 200, 'still in the grace period')
  // 1.6 s after the first use but only 0.6 s after the second: the clock runs from the FIRST use.
  await sleep(600)
  const dead = await refresh(emu, String(first.refresh_token))
  assert.equal(dead.status, 400)
  assert.equal(dead.text, INVALID_REFRESH)
  assert.equal(
    (await refresh(emu, String(second.json?.refresh_token))).status,
    200,
    'the rotated one was never used, so it lives',
  )
})

test('a refresh token never used expires after refreshTokenUnusedLifetimeSeconds', async (t) => {
  const emu = await useEmulator(t, { refreshTokenUnusedLifetimeSeconds: 0.3 })
  const body = await signIn(emu)
  await sleep(400)
  const answer = await refresh(emu, String(body.refresh_token))
  assert.equal(answer.status, 400)
  assert.equal(answer.text, INVALID_REFRESH)
})

test('a revoked, unknown, missing or other consumer’s refresh token gets §1.6’s exact body', async (t) => {
  const emu = await useEmulator(t)
  const body = await signIn(emu)
  const other = await emu.control<{ key: string; secret: string }>('POST', '/consumers', {
    callbackUrl: 'http://127.0.0.1:9/cb',
  })
  assert.equal((await refresh(emu, String(body.refresh_token), basic(other.key, other.secret))).text, INVALID_REFRESH)
  assert.equal((await refresh(emu, 'not-a-refresh-token')).text, INVALID_REFRESH)
  assert.equal((await tokenRequest(emu, { grant_type: 'refresh_token' })).text, INVALID_REFRESH)
  assert.equal(
    (await refresh(emu, String(body.access_token))).text,
    INVALID_REFRESH,
    'an access token is not a refresh token',
  )
  await emu.control('POST', '/tokens/revoke', { token: body.refresh_token })
  const revoked = await refresh(emu, String(body.refresh_token))
  assert.equal(revoked.status, 400)
  assert.equal(revoked.text, INVALID_REFRESH)
})

test('client_credentials: a private consumer gets a token acting for its owner; a public one is refused', async (t) => {
  const emu = await useEmulator(t)
  const answer = await tokenRequest(emu, { grant_type: 'client_credentials' }, { auth: privateAuth(emu) })
  assert.equal(answer.status, 200)
  assert.equal(answer.json?.state, 'client_credentials')
  assert.equal(answer.json?.scope, 'account repository:write')
  assert.equal(typeof answer.json?.refresh_token, 'string', 'UNCONFIRMED §1.4: a refresh token by default')
  const record = emu.server.world.accessToken(String(answer.json?.access_token))
  assert.equal(record?.userUuid, emu.info.user.uuid, 'the consumer’s owner')
  assert.equal(record?.consumerKey, emu.info.privateConsumer.key)
  assert.equal(record?.grant, 'client_credentials')
  assert.equal((await refresh(emu, String(answer.json?.refresh_token), privateAuth(emu))).status, 200)

  const pub = await tokenRequest(emu, { grant_type: 'client_credentials' })
  assert.equal(pub.status, 400)
  assert.equal(pub.json?.error, 'unauthorized_client')

  await emu.control('PATCH', '/settings', { clientCredentialsRefreshToken: false, tokenStateOnEveryGrant: false })
  const bare = await tokenRequest(emu, { grant_type: 'client_credentials' }, { auth: privateAuth(emu) })
  assert.equal(bare.status, 200)
  assert.equal(bare.json && 'refresh_token' in bare.json, false)
  assert.equal(bare.json && 'state' in bare.json, false)
})

test('client_credentials needs a callback URL on the consumer too (§1.6, composer #5335), unless relaxed', async (t) => {
  const emu = await useEmulator(t)
  const bare = await emu.control<{ key: string; secret: string }>('POST', '/consumers', {
    isPrivate: true,
    callbackUrl: null,
  })
  const answer = await tokenRequest(emu, { grant_type: 'client_credentials' }, { auth: basic(bare.key, bare.secret) })
  assert.equal(answer.status, 400)
  assert.equal(
    answer.text,
    '{"error_description":"No callback uri defined for the OAuth client.","error":"invalid_request"}',
  )
  assert.equal(
    (await tokenRequest(emu, { grant_type: 'client_credentials' }, { auth: privateAuth(emu) })).status,
    200,
    'the seeded private consumer has one',
  )
  await emu.control('PATCH', '/settings', { callbackUrlRequiredForAllGrants: false })
  assert.equal(
    (await tokenRequest(emu, { grant_type: 'client_credentials' }, { auth: basic(bare.key, bare.secret) })).status,
    200,
  )
})

test('the scope field is `scope` by default and `scopes` by setting, joined by tokenScopeSeparator', async (t) => {
  const emu = await useEmulator(t)
  const modern = await signIn(emu)
  assert.equal(modern.scope, 'account repository:write')
  assert.equal('scopes' in modern, false)
  await emu.control('PATCH', '/settings', { tokenScopeField: 'scopes', tokenScopeSeparator: ',' })
  const legacy = await signIn(emu)
  assert.equal(legacy.scopes, 'account,repository:write')
  assert.equal('scope' in legacy, false)
  assert.deepEqual(
    Object.keys(legacy),
    ['scopes', 'access_token', 'expires_in', 'token_type', 'state', 'refresh_token'],
    'the order of the body recorded in §1.4',
  )
})

test('accessTokenLifetimeSeconds is read at issue time; an expired token gets the "Access token expired" 401', async (t) => {
  const emu = await useEmulator(t)
  await emu.control('PATCH', '/settings', { accessTokenLifetimeSeconds: 3600 })
  const body = await signIn(emu)
  assert.equal(body.expires_in, 3600)
  const record = emu.server.world.accessToken(String(body.access_token))
  assert.ok(record?.expiresAt && Math.abs(record.expiresAt - (Date.now() + 3600_000)) < 60_000)
  await emu.control('PATCH', '/settings', { accessTokenLifetimeSeconds: 0.2 })
  const short = await tokens(emu, { grant_type: 'refresh_token', refresh_token: String(body.refresh_token) })
  assert.equal(short.expires_in, 0)
  await sleep(300)
  const expired = (): unknown => credentialFromToken(emu.server, String(short.access_token))
  assert.throws(
    expired,
    (error: unknown) => error instanceof ApiError && error.status === 401 && error.message === EXPIRED_MESSAGE,
  )
  // And by the control endpoint, for a token that had two hours left.
  assert.equal(credentialFromToken(emu.server, String(body.access_token)).kind, 'oauth')
  await emu.control('POST', '/tokens/expire', { token: body.access_token })
  assert.throws(
    () => credentialFromToken(emu.server, String(body.access_token)),
    (error: unknown) => error instanceof ApiError && error.message === EXPIRED_MESSAGE,
  )
})
