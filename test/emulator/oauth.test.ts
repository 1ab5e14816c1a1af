/**
 * The authorize endpoint and consent page (bitbucket-api.md §1.2, §1.8), driven as a browser
 * would with `redirect: 'manual'`. Token-endpoint tests live in ./oauth/*.test.ts.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { credentialFromToken, EXPIRED_MESSAGE } from './auth.js'
import { useEmulator } from './harness.js'
import { ApiError } from './http.js'
import { authorizeAndGrant, openAuthorize, parseConsentForm, signIn, submitConsent, tokens } from './oauth/testing.js'

const MISCONFIGURED = 'This integration is misconfigured. Contact the vendor for assistance.'

test('the full authorization-code flow: consent page, Grant, code exchange, a working token', async (t) => {
  const emu = await useEmulator(t)
  const { publicConsumer, user } = emu.info
  const page = await openAuthorize(emu, { client_id: publicConsumer.key, response_type: 'code', state: 'st-123' })
  assert.equal(page.status, 200)
  assert.match(page.contentType, /^text\/html/)
  // The page names the consumer, the signed-in user and the permissions in plain words.
  assert.match(page.html, /<span id="consumer-name">Pail<\/span>/)
  assert.match(page.html, new RegExp(`id="user-display-name">${user.displayName}<`))
  assert.match(page.html, new RegExp(`id="user-nickname">${user.nickname}<`))
  assert.match(page.html, /<li data-scope="account">Read your account information/)
  assert.match(page.html, /<li data-scope="repository:write">Read and modify your repositories/)

  const form = parseConsentForm(page.html)
  assert.equal(form.method, 'POST')
  assert.equal(form.action, '/site/oauth2/authorize')
  assert.deepEqual(Object.keys(form.hidden), ['request_id'])
  assert.ok(form.hidden.request_id!.length >= 32, 'the request id is long and random')
  assert.deepEqual(form.buttons.grant, { name: 'decision', value: 'grant' })
  assert.deepEqual(form.buttons.deny, { name: 'decision', value: 'deny' })

  const res = await submitConsent(emu, form, 'grant')
  assert.equal(res.status, 302)
  const callback = new URL(res.headers.get('location')!)
  assert.equal(
    `${callback.origin}${callback.pathname}`,
    publicConsumer.callbackUrl,
    'no redirect_uri sent: the consumer callback is used',
  )
  assert.equal(callback.searchParams.get('state'), 'st-123')
  const code = callback.searchParams.get('code')
  assert.ok(code && code.length > 0, 'the callback carries a code')

  const body = await tokens(emu, { grant_type: 'authorization_code', code })
  assert.equal(body.token_type, 'bearer')
  assert.equal(body.state, 'authorization_code')
  assert.equal(body.scope, 'account repository:write')
  assert.equal(body.expires_in, 7200)
  assert.equal(typeof body.refresh_token, 'string')

  const accessToken = String(body.access_token)
  const record = emu.server.world.accessToken(accessToken)
  assert.ok(record, 'the access token is recorded')
  assert.equal(record.kind, 'oauth')
  assert.equal(record.userUuid, user.uuid)
  assert.equal(record.consumerKey, publicConsumer.key)
  assert.deepEqual(record.scopes, ['account', 'repository:write'])
  assert.equal(record.grant, 'authorization_code')
  assert.ok(record.expiresAt !== null && Math.abs(record.expiresAt - (Date.now() + 7200_000)) < 60_000)

  const credential = credentialFromToken(emu.server, accessToken)
  assert.equal(credential.user?.uuid, user.uuid)
  assert.deepEqual(credential.scopes, ['account', 'repository:write'])

  await emu.control('POST', '/tokens/expire', { all: true })
  assert.throws(
    () => credentialFromToken(emu.server, accessToken),
    (error: unknown) => error instanceof ApiError && error.status === 401 && error.message === EXPIRED_MESSAGE,
  )
})

test('Deny sends the user back with the error, a description and the state', async (t) => {
  const emu = await useEmulator(t)
  const deny = async (): Promise<URL> => {
    const page = await openAuthorize(emu, {
      client_id: emu.info.publicConsumer.key,
      response_type: 'code',
      state: 'keep me',
    })
    const res = await submitConsent(emu, parseConsentForm(page.html), 'deny')
    assert.equal(res.status, 302)
    return new URL(res.headers.get('location')!)
  }
  const denied = await deny()
  assert.equal(`${denied.origin}${denied.pathname}`, emu.info.publicConsumer.callbackUrl)
  assert.equal(denied.searchParams.get('error'), 'access_denied')
  assert.ok(denied.searchParams.get('error_description'))
  assert.equal(denied.searchParams.get('state'), 'keep me')
  assert.equal(denied.searchParams.get('code'), null)
  // UNCONFIRMED §1.2: the code is a setting.
  await emu.control('PATCH', '/settings', { denyErrorCode: 'user_denied' })
  assert.equal((await deny()).searchParams.get('error'), 'user_denied')
})

test('state is echoed exactly, and left out when none was sent', async (t) => {
  const emu = await useEmulator(t)
  const odd = 'a b&c=d/é?#'
  assert.equal((await authorizeAndGrant(emu, { state: odd })).searchParams.get('state'), odd)
  assert.equal((await authorizeAndGrant(emu, {})).searchParams.has('state'), false)
})

test('the consent form is one-time and cannot be forged or posted from another site', async (t) => {
  const emu = await useEmulator(t)
  const page = await openAuthorize(emu, { client_id: emu.info.publicConsumer.key, response_type: 'code' })
  const form = parseConsentForm(page.html)
  const forged = await submitConsent(emu, { ...form, hidden: { request_id: 'made-up' } }, 'grant')
  assert.equal(forged.status, 400)
  assert.equal(forged.headers.get('location'), null)
  const crossSite = await submitConsent(emu, form, 'grant', { origin: 'http://evil.example' })
  assert.equal(crossSite.status, 403)
  assert.equal(crossSite.headers.get('location'), null)
  const first = await submitConsent(emu, form, 'grant', { origin: emu.info.webUrl })
  assert.equal(first.status, 302)
  const replay = await submitConsent(emu, form, 'grant')
  assert.equal(replay.status, 400)
  assert.equal(replay.headers.get('location'), null)
  assert.match(await replay.text(), /expired or was already answered/)
})

test('redirect_uri follows the prefix rule: a sub-path is accepted, another path, port or host is not', async (t) => {
  const emu = await useEmulator(t)
  const callback = emu.info.publicConsumer.callbackUrl
  const sub = await authorizeAndGrant(emu, { redirect_uri: `${callback}/done?x=1`, state: 's' })
  assert.equal(`${sub.origin}${sub.pathname}`, `${callback}/done`)
  assert.equal(sub.searchParams.get('x'), '1', 'the redirect_uri query is kept')
  assert.ok(sub.searchParams.get('code'))
  const url = new URL(callback)
  const rejected = [
    `${url.origin}/other/callback`,
    `${url.protocol}//${url.hostname}:${Number(url.port) + 1}${url.pathname}`,
    `${url.protocol}//localhost:${url.port}${url.pathname}`,
    `https://${url.host}${url.pathname}`,
  ]
  for (const redirectUri of rejected) {
    const page = await openAuthorize(emu, {
      client_id: emu.info.publicConsumer.key,
      response_type: 'code',
      redirect_uri: redirectUri,
    })
    assert.equal(page.status, 400, redirectUri)
    assert.equal(page.location, null, 'never a redirect')
    assert.match(page.html, /Invalid redirect_uri/)
    assert.ok(page.html.includes(MISCONFIGURED))
  }
})

test('a loopback callback without a port takes any port only with redirectUriMatch=loopback-any-port', async (t) => {
  const emu = await useEmulator(t)
  const consumer = await emu.control<{ key: string }>('POST', '/consumers', { callbackUrl: 'http://127.0.0.1/cb' })
  const params = { client_id: consumer.key, response_type: 'code', redirect_uri: 'http://127.0.0.1:45678/cb/x' }
  assert.equal((await openAuthorize(emu, params)).status, 400, 'the documented string-prefix rule refuses it')
  await emu.control('PATCH', '/settings', { redirectUriMatch: 'loopback-any-port' })
  assert.equal((await openAuthorize(emu, params)).status, 200)
  assert.equal(
    (await openAuthorize(emu, { ...params, redirect_uri: 'http://localhost:45678/cb' })).status,
    400,
    'the host must still match',
  )
})

test('an unknown or missing client, or a consumer without a callback URL, gets an HTML error page', async (t) => {
  const emu = await useEmulator(t)
  const noCallback = await emu.control<{ key: string }>('POST', '/consumers', { callbackUrl: null })
  const cases: Record<string, string>[] = [
    { client_id: 'no-such-client', response_type: 'code' },
    { response_type: 'code' },
    { client_id: noCallback.key, response_type: 'code' },
  ]
  for (const params of cases) {
    const page = await openAuthorize(emu, params)
    assert.equal(page.status, 400)
    assert.equal(page.location, null)
    assert.match(page.contentType, /^text\/html/)
    assert.match(page.html, /id="error-title"/)
  }
  assert.match(
    (await openAuthorize(emu, { client_id: noCallback.key, response_type: 'code' })).html,
    /No callback uri defined for the OAuth client\./,
  )
})

test('the implicit grant (response_type=token) and a missing response_type are refused without a redirect', async (t) => {
  const emu = await useEmulator(t)
  const cases: Record<string, string>[] = [{ response_type: 'token' }, {}]
  for (const params of cases) {
    const page = await openAuthorize(emu, { client_id: emu.info.publicConsumer.key, ...params })
    assert.equal(page.status, 400)
    assert.equal(page.location, null)
    assert.match(page.html, /Unsupported response_type/)
    assert.doesNotMatch(page.html, /<form/)
  }
})

test('everything put into the consent page is escaped', async (t) => {
  const emu = await useEmulator(t)
  const consumer = await emu.control<{ key: string }>('POST', '/consumers', {
    name: '<script>alert("x")</script> & Co',
    callbackUrl: 'http://127.0.0.1:9/cb',
    scopes: ['account', '<b>odd</b>'],
  })
  const page = await openAuthorize(emu, { client_id: consumer.key, response_type: 'code' })
  assert.equal(page.status, 200)
  assert.doesNotMatch(page.html, /<script>|<b>/)
  assert.match(page.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; Co/)
  assert.match(page.html, /data-scope="&lt;b&gt;odd&lt;\/b&gt;"/)
  const bad = await openAuthorize(emu, { client_id: emu.info.publicConsumer.key, response_type: '"><img src=x>' })
  assert.doesNotMatch(bad.html, /<img/)
})

test('the scope parameter narrows the grant only with narrowScopesToRequest', async (t) => {
  const emu = await useEmulator(t)
  const plain = await signIn(emu, { scope: 'repository' })
  assert.equal(plain.scope, 'account repository:write', 'by default the consumer’s ticked scopes are granted')
  await emu.control('PATCH', '/settings', { narrowScopesToRequest: true })
  const narrowed = await signIn(emu, { scope: 'repository pipeline' })
  assert.equal(narrowed.scope, 'repository', 'repository is covered by repository:write; pipeline is not ticked')
  assert.deepEqual(emu.server.world.accessToken(String(narrowed.access_token))?.scopes, ['repository'])
  const none = await openAuthorize(emu, {
    client_id: emu.info.publicConsumer.key,
    response_type: 'code',
    scope: 'wiki',
    state: 'q',
  })
  assert.equal(none.status, 302)
  const location = new URL(none.location!)
  assert.equal(location.searchParams.get('error'), 'invalid_scope')
  assert.equal(location.searchParams.get('state'), 'q')
})
