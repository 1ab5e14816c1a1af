/**
 * The token endpoint with the authorization-code grant: codes, PKCE, redirect_uri at the
 * exchange, client authentication and malformed requests (bitbucket-api.md §1.3, §1.6, §1.7).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator } from '../harness.js'
import { authorizeAndGrant, basic, codeFor, openAuthorize, pkcePair, sleep, tokenRequest, tokens } from './testing.js'

function assertError(
  answer: { status: number; json: Record<string, unknown> | null },
  status: number,
  error: string,
): void {
  assert.equal(answer.status, status)
  assert.equal(answer.json?.error, error)
  assert.equal(typeof answer.json?.error_description, 'string')
}

test('a code works once, then is refused', async (t) => {
  const emu = await useEmulator(t)
  const code = await codeFor(emu)
  assert.ok(emu.server.issuedSecrets.includes(code), 'codes are registered for the leak scan')
  const first = await tokenRequest(emu, { grant_type: 'authorization_code', code })
  assert.equal(first.status, 200)
  assert.equal(first.headers.get('cache-control'), 'no-store')
  assertError(await tokenRequest(emu, { grant_type: 'authorization_code', code }), 400, 'invalid_grant')
  assertError(await tokenRequest(emu, { grant_type: 'authorization_code', code: 'not-a-code' }), 400, 'invalid_grant')
  assertError(await tokenRequest(emu, { grant_type: 'authorization_code' }), 400, 'invalid_request')
})

test('a code expires after authorizationCodeLifetimeSeconds', async (t) => {
  const emu = await useEmulator(t)
  await emu.control('PATCH', '/settings', { authorizationCodeLifetimeSeconds: 0.2 })
  const stale = await codeFor(emu)
  await sleep(300)
  assertError(await tokenRequest(emu, { grant_type: 'authorization_code', code: stale }), 400, 'invalid_grant')
  await emu.control('PATCH', '/settings', { authorizationCodeLifetimeSeconds: 300 })
  assert.equal((await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu) })).status, 200)
})

test('a code is bound to the consumer it was issued to', async (t) => {
  const emu = await useEmulator(t)
  const other = await emu.control<{ key: string; secret: string }>('POST', '/consumers', {
    callbackUrl: 'http://127.0.0.1:9/cb',
  })
  const code = await codeFor(emu)
  assertError(
    await tokenRequest(emu, { grant_type: 'authorization_code', code }, { auth: basic(other.key, other.secret) }),
    400,
    'invalid_grant',
  )
})

test('PKCE S256: the right verifier passes, a wrong or missing one fails', async (t) => {
  const emu = await useEmulator(t)
  const { verifier, challenge } = pkcePair()
  const withChallenge = { code_challenge: challenge, code_challenge_method: 'S256' }
  assert.equal(
    (
      await tokenRequest(emu, {
        grant_type: 'authorization_code',
        code: await codeFor(emu, withChallenge),
        code_verifier: verifier,
      })
    ).status,
    200,
  )
  const wrong = pkcePair().verifier
  assertError(
    await tokenRequest(emu, {
      grant_type: 'authorization_code',
      code: await codeFor(emu, withChallenge),
      code_verifier: wrong,
    }),
    400,
    'invalid_grant',
  )
  assertError(
    await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu, withChallenge) }),
    400,
    'invalid_grant',
  )
  // A verifier sent without a challenge at authorize is not checked.
  assert.equal(
    (await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu), code_verifier: wrong }))
      .status,
    200,
  )
})

test('pkce=accept ignores the verifier (UNCONFIRMED §1.7)', async (t) => {
  const emu = await useEmulator(t, { pkce: 'accept' })
  const { challenge } = pkcePair()
  const withChallenge = { code_challenge: challenge, code_challenge_method: 'S256' }
  assert.equal(
    (
      await tokenRequest(emu, {
        grant_type: 'authorization_code',
        code: await codeFor(emu, withChallenge),
        code_verifier: pkcePair().verifier,
      })
    ).status,
    200,
  )
  assert.equal(
    (await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu, withChallenge) })).status,
    200,
  )
})

test('PKCE plain is taken unless pkcePlainMethod is off; an unknown method goes back as invalid_request', async (t) => {
  const emu = await useEmulator(t)
  const { verifier } = pkcePair()
  const plain = { code_challenge: verifier, code_challenge_method: 'plain' }
  assert.equal(
    (
      await tokenRequest(emu, {
        grant_type: 'authorization_code',
        code: await codeFor(emu, plain),
        code_verifier: verifier,
      })
    ).status,
    200,
  )
  // RFC 7636 §4.3: no method means plain.
  assert.equal(
    (
      await tokenRequest(emu, {
        grant_type: 'authorization_code',
        code: await codeFor(emu, { code_challenge: verifier }),
        code_verifier: verifier,
      })
    ).status,
    200,
  )
  const refusedAt = async (params: Record<string, string>): Promise<URL> => {
    const page = await openAuthorize(emu, {
      client_id: emu.info.publicConsumer.key,
      response_type: 'code',
      state: 'p',
      ...params,
    })
    assert.equal(page.status, 302)
    return new URL(page.location!)
  }
  const unknown = await refusedAt({ code_challenge: verifier, code_challenge_method: 'S512' })
  assert.equal(unknown.searchParams.get('error'), 'invalid_request')
  assert.equal(unknown.searchParams.get('state'), 'p')
  await emu.control('PATCH', '/settings', { pkcePlainMethod: false })
  assert.equal((await refusedAt(plain)).searchParams.get('error'), 'invalid_request')
})

test('redirect_uri sent at authorize must be repeated identically at the exchange', async (t) => {
  const emu = await useEmulator(t)
  const redirectUri = `${emu.info.publicConsumer.callbackUrl}/x`
  const exchange = async (sent: Record<string, string>): Promise<number> => {
    const code = (await authorizeAndGrant(emu, { redirect_uri: redirectUri })).searchParams.get('code')!
    const answer = await tokenRequest(emu, { grant_type: 'authorization_code', code, ...sent })
    if (answer.status !== 200) assert.equal(answer.json?.error, 'invalid_grant')
    return answer.status
  }
  assert.equal(await exchange({ redirect_uri: redirectUri }), 200)
  assert.equal(await exchange({}), 400, 'omitted')
  assert.equal(
    await exchange({ redirect_uri: emu.info.publicConsumer.callbackUrl }),
    400,
    'a different, even registered, one',
  )
  await emu.control('PATCH', '/settings', { requireRedirectUriAtExchange: false })
  assert.equal(await exchange({}), 200)
})

test('the client authenticates by HTTP Basic or by form fields; wrong credentials are invalid_client', async (t) => {
  const emu = await useEmulator(t)
  const { key, secret } = emu.info.publicConsumer
  assert.equal(
    (await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu) })).status,
    200,
    'Basic',
  )
  const byForm = await tokenRequest(
    emu,
    { grant_type: 'authorization_code', code: await codeFor(emu), client_id: key, client_secret: secret },
    { auth: null },
  )
  assert.equal(byForm.status, 200, 'form fields, as GCM sends them')

  const badBasic = await tokenRequest(
    emu,
    { grant_type: 'authorization_code', code: await codeFor(emu) },
    { auth: basic(key, 'wrong') },
  )
  assertError(badBasic, 401, 'invalid_client')
  assert.match(badBasic.headers.get('www-authenticate') ?? '', /^Basic /)
  assertError(
    await tokenRequest(
      emu,
      { grant_type: 'authorization_code', code: await codeFor(emu), client_id: key, client_secret: 'wrong' },
      { auth: null },
    ),
    400,
    'invalid_client',
  )
  assertError(
    await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu) }, { auth: null }),
    400,
    'invalid_client',
  )
  assertError(
    await tokenRequest(
      emu,
      { grant_type: 'authorization_code', code: await codeFor(emu), client_id: key },
      { auth: null },
    ),
    400,
    'invalid_client',
  )
  assertError(
    await tokenRequest(emu, { grant_type: 'authorization_code', code: await codeFor(emu), client_id: 'someone-else' }),
    401,
    'invalid_client',
  )
  // UNCONFIRMED §1.3: secret-less public clients, behind requireClientSecret.
  await emu.control('PATCH', '/settings', { requireClientSecret: false })
  assert.equal(
    (
      await tokenRequest(
        emu,
        { grant_type: 'authorization_code', code: await codeFor(emu), client_id: key },
        { auth: null },
      )
    ).status,
    200,
  )
})

test('an Authorization: Bearer header at the token endpoint gets an HTML page (§1.3)', async (t) => {
  const emu = await useEmulator(t)
  const { key, secret } = emu.info.publicConsumer
  const answer = await tokenRequest(
    emu,
    { grant_type: 'authorization_code', code: await codeFor(emu) },
    { auth: `Bearer ${Buffer.from(`${key}:${secret}`).toString('base64')}` },
  )
  assert.equal(answer.status, 200)
  assert.match(answer.headers.get('content-type') ?? '', /^text\/html/)
  assert.equal(answer.json, null, 'not JSON')
  assert.match(answer.text, /OpenID transaction in progress/)
})

test('a JSON body reads as no grant type: 400 "Unsupported grant type: None" (§1.3)', async (t) => {
  const emu = await useEmulator(t)
  const code = await codeFor(emu)
  const answer = await tokenRequest(
    emu,
    {},
    { body: JSON.stringify({ grant_type: 'authorization_code', code }), contentType: 'application/json' },
  )
  assert.equal(answer.status, 400)
  assert.deepEqual(answer.json, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: None' })
  assert.deepEqual(
    answer.json && Object.keys(answer.json),
    ['error_description', 'error'],
    'key order as in Bitbucket’s bodies',
  )
  const password = await tokenRequest(emu, { grant_type: 'password', username: 'u', password: 'p' })
  assert.deepEqual(
    password.json,
    { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: password' },
    'ROPC is gone (§1.2)',
  )
  assertError(
    await tokenRequest(emu, {}, { body: 'grant_type=authorization_code&code=a&code=b' }),
    400,
    'invalid_request',
  )
})

test('a consumer without a callback URL cannot exchange a code (§1.6)', async (t) => {
  const emu = await useEmulator(t)
  const consumer = await emu.control<{ key: string; secret: string }>('POST', '/consumers', { callbackUrl: null })
  const answer = await tokenRequest(
    emu,
    { grant_type: 'authorization_code', code: 'anything' },
    { auth: basic(consumer.key, consumer.secret) },
  )
  assert.equal(answer.status, 400)
  assert.equal(
    answer.text,
    '{"error_description":"No callback uri defined for the OAuth client.","error":"invalid_request"}',
  )
})

test('tokens are longer than 2,500 characters and tokenLength is honoured', async (t) => {
  const emu = await useEmulator(t)
  const body = await tokens(emu, { grant_type: 'authorization_code', code: await codeFor(emu) })
  assert.ok(String(body.access_token).length > 2500, 'access token over 2,500 characters (§1.4)')
  assert.ok(String(body.refresh_token).length > 2500, 'refresh token over 2,500 characters (§1.4)')
  assert.ok(/^[A-Za-z0-9_-]+$/.test(String(body.access_token)), 'URL-safe')
  await emu.control('PATCH', '/settings', { tokenLength: 3000 })
  const longer = await tokens(emu, { grant_type: 'authorization_code', code: await codeFor(emu) })
  assert.equal(String(longer.access_token).length, 3000)
  assert.ok(
    emu.server.issuedSecrets.includes(String(longer.access_token)),
    'issued tokens are registered for the leak scan',
  )
  assert.ok(emu.server.issuedSecrets.includes(String(longer.refresh_token)))
})
