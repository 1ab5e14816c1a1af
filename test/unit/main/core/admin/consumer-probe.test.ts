/**
 * How `pail admin check` reads Bitbucket's answers, against a fake token endpoint and authorize
 * page that answer as Bitbucket does (bitbucket-api.md §1.3, §1.6, §1.8) or as it might.
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import { probeConsumer } from '../../../../../main/core/admin/consumer-probe.js'

const CALLBACK = 'http://127.0.0.1:31842/pail/callback'

type Answer = { status: number; json?: Record<string, unknown>; html?: string; headers?: Record<string, string> }

interface Fake {
  /** The token endpoint's answer for a grant type. */
  token: (grant: string) => Answer
  /** The authorize page's answer. */
  authorize: () => Answer
  /** The API's answers (default: 403 for everything). */
  api?: (path: string) => Answer
}

async function fakeBitbucket(t: TestContext, fake: Fake): Promise<{ webUrl: string; apiUrl: string }> {
  const send = (res: ServerResponse, answer: Answer): void => {
    const body = answer.json ? JSON.stringify(answer.json) : (answer.html ?? '')
    res.writeHead(answer.status, {
      'content-type': answer.json ? 'application/json' : 'text/html',
      ...answer.headers,
    })
    res.end(body)
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname === '/site/oauth2/access_token')
        return send(res, fake.token(new URLSearchParams(body).get('grant_type') ?? ''))
      if (url.pathname === '/site/oauth2/authorize') return send(res, fake.authorize())
      return send(
        res,
        fake.api?.(url.pathname) ?? { status: 403, json: { type: 'error', error: { message: 'Forbidden' } } },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { webUrl: base, apiUrl: base }
}

const consentPage: Answer = { status: 200, html: '<form method="post">Grant access</form>' }
const token: Answer = {
  status: 200,
  json: { access_token: 'at', token_type: 'bearer', expires_in: 7200, scope: 'account repository:write' },
}
const badClient: Answer = {
  status: 401,
  json: { error_description: 'Invalid client_id or client_secret.', error: 'invalid_client' },
  headers: { 'www-authenticate': 'Basic realm="Bitbucket.org"' },
}

function probe(endpoints: { webUrl: string; apiUrl: string }) {
  return probeConsumer({ endpoints, consumer: { key: 'KEY', secret: 'SECRET' }, callbackUrl: CALLBACK })
}

test('a token from client credentials: the secret is right, the consumer private, its scopes read', async (t) => {
  const facts = await probe(await fakeBitbucket(t, { token: () => token, authorize: () => consentPage }))
  assert.equal(facts.credentials, 'accepted')
  assert.equal(facts.privateConsumer, true)
  assert.deepEqual(facts.scopes, ['account', 'repository:write'])
  assert.deepEqual(facts.callback, { outcome: 'accepted', how: 'Bitbucket showed its consent page for it' })
  assert.match(String(facts.reach), /Forbidden \(HTTP 403\)/, 'an API refusal is told, not thrown')
})

test('invalid_client, as a 401 challenge or a 400 body: the secret is wrong', async (t) => {
  const asChallenge = await probe(await fakeBitbucket(t, { token: () => badClient, authorize: () => consentPage }))
  assert.equal(asChallenge.credentials, 'rejected')
  const asBody = await probe(
    await fakeBitbucket(t, {
      token: () => ({ status: 400, json: { error_description: 'Bad client.', error: 'invalid_client' } }),
      authorize: () => consentPage,
    }),
  )
  assert.equal(asBody.credentials, 'rejected')
  assert.equal(asBody.scopes, null)
})

test('client credentials refused, then the refresh probe\'s "Invalid refresh_token": secret right, not private', async (t) => {
  const fake = await fakeBitbucket(t, {
    token: (grant) =>
      grant === 'client_credentials'
        ? { status: 400, json: { error_description: 'Not a private consumer.', error: 'unauthorized_client' } }
        : { status: 400, json: { error_description: 'Invalid refresh_token', error: 'invalid_request' } },
    authorize: () => consentPage,
  })
  const facts = await probe(fake)
  assert.equal(facts.credentials, 'accepted')
  assert.equal(facts.privateConsumer, false)
  assert.equal(facts.scopes, null)
})

test('client credentials refused with invalid_scope: a private consumer with no permission ticked', async (t) => {
  const fake = await fakeBitbucket(t, {
    token: (grant) =>
      grant === 'client_credentials'
        ? { status: 400, json: { error_description: 'No scope granted.', error: 'invalid_scope' } }
        : { status: 400, json: { error_description: 'Invalid refresh_token', error: 'invalid_request' } },
    authorize: () => consentPage,
  })
  const facts = await probe(fake)
  assert.equal(facts.credentials, 'accepted')
  assert.equal(facts.privateConsumer, true)
  assert.deepEqual(facts.scopes, [])
})

test('client credentials refused and the refresh probe answers invalid_client: the secret is wrong after all', async (t) => {
  const fake = await fakeBitbucket(t, {
    token: (grant) =>
      grant === 'client_credentials'
        ? { status: 400, json: { error_description: 'Not a private consumer.', error: 'unauthorized_client' } }
        : badClient,
    authorize: () => consentPage,
  })
  assert.equal((await probe(fake)).credentials, 'rejected')
})

test('an answer that says neither leaves the secret unknown', async (t) => {
  const fake = await fakeBitbucket(t, {
    token: () => ({ status: 400, json: { error_description: 'Something else.', error: 'invalid_request' } }),
    authorize: () => consentPage,
  })
  assert.equal((await probe(fake)).credentials, 'unknown')
})

test('"No callback uri defined" at the token endpoint: no callback URL, whatever the authorize page says', async (t) => {
  const noCallback: Answer = {
    status: 400,
    json: { error_description: 'No callback uri defined for the OAuth client.', error: 'invalid_request' },
  }
  const facts = await probe(await fakeBitbucket(t, { token: () => noCallback, authorize: () => consentPage }))
  assert.equal(facts.credentials, 'accepted')
  assert.deepEqual(facts.callback, { outcome: 'rejected', reason: 'none-registered' })
})

test('the authorize page: "Invalid redirect_uri", a redirect to Pail, a redirect to sign in, an unexplained error', async (t) => {
  const callbackOf = async (answer: Answer) =>
    (await probe(await fakeBitbucket(t, { token: () => badClient, authorize: () => answer }))).callback
  assert.deepEqual(
    await callbackOf({ status: 400, html: '<h1>Invalid redirect_uri</h1><p>This integration is misconfigured.</p>' }),
    { outcome: 'rejected', reason: 'mismatch' },
  )
  assert.equal(
    (await callbackOf({ status: 302, headers: { location: `${CALLBACK}?error=invalid_scope` } })).outcome,
    'accepted',
  )
  assert.equal(
    (await callbackOf({ status: 302, headers: { location: '/account/signin/?next=%2Fsite%2Foauth2%2Fauthorize' } }))
      .outcome,
    'unverified',
  )
  assert.equal((await callbackOf({ status: 500, html: 'oops' })).outcome, 'unverified')
})

test('nothing listening: unreachable, never a crash', async () => {
  const facts = await probe({ webUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' })
  assert.equal(facts.credentials, 'unreachable')
  assert.equal(facts.callback.outcome, 'unverified')
})
