import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { secretKeys, type AccountRecord } from '../../../../../main/core/auth/account.js'
import { AccountStore } from '../../../../../main/core/auth/account-store.js'
import { TokenEndpointError, type TokenGrant } from '../../../../../main/core/auth/oauth-client.js'
import { SignedOutError, TokenSource, type Renewal } from '../../../../../main/core/auth/token-source.js'
import { FakeClock } from '../../../../fakes/fake-clock.js'
import { MemorySecretStore } from '../../../../fakes/memory-secret-store.js'

const LIFETIME = 60_000

async function setup(t: TestContext, renewal: Renewal | null, kind: AccountRecord['kind'] = 'oauth') {
  const home = await mkdtemp(join(tmpdir(), 'pail-ts-'))
  t.after(() => rm(home, { recursive: true, force: true }))
  const clock = new FakeClock()
  const accounts = new AccountStore(home)
  const secrets = new MemorySecretStore()
  const account: AccountRecord = {
    id: 'acc',
    kind,
    webUrl: 'http://w',
    apiUrl: 'http://a',
    displayName: 'Alex',
    nickname: null,
    accountId: null,
    uuid: null,
    email: null,
    consumerKey: 'key',
    resource: null,
    scopes: ['account'],
    accessTokenExpiresAt: clock.now() + LIFETIME,
    accessTokenLifetimeMs: LIFETIME,
    status: 'signed-in',
    signedOutReason: null,
    updatedAt: clock.now(),
  }
  await accounts.save(account)
  await secrets.set(secretKeys.accessToken('acc'), 'access-0')
  await secrets.set(secretKeys.refreshToken('acc'), 'refresh-0')
  secrets.writes.length = 0
  const source = new TokenSource(account, { accounts, secrets, clock, renewal })
  return { source, clock, accounts, secrets }
}

/** A renewal that rotates tokens like Bitbucket, slowly, counting its calls. */
function rotatingRenewal(clock: FakeClock) {
  const calls: (string | null)[] = []
  const renewal: Renewal = async (refreshToken) => {
    calls.push(refreshToken)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const n = calls.length
    const grant: TokenGrant = {
      accessToken: `access-${n}`,
      refreshToken: `refresh-${n}`,
      expiresAt: clock.now() + LIFETIME,
      lifetimeMs: LIFETIME,
      scopes: ['account', 'repository:write'],
    }
    return grant
  }
  return { renewal, calls }
}

test('a fresh token is handed out without renewing', async (t) => {
  const { source } = await setup(t, async () => assert.fail('no renewal expected'))
  assert.equal(await source.token(), 'access-0')
})

test('50 concurrent callers near expiry cause exactly one refresh, with the stored refresh token', async (t) => {
  const clock0 = new FakeClock()
  const rot = rotatingRenewal(clock0)
  const { source, clock, secrets } = await setup(t, rot.renewal)
  clock.advance(LIFETIME - 1000)
  const tokens = await Promise.all(Array.from({ length: 50 }, () => source.token()))
  assert.deepEqual(new Set(tokens), new Set(['access-1']))
  assert.deepEqual(rot.calls, ['refresh-0'])
  assert.equal(source.refreshCount, 1)
  // The rotated refresh token is written before the access token that goes with it.
  assert.deepEqual(secrets.writes, [`set ${secretKeys.refreshToken('acc')}`, `set ${secretKeys.accessToken('acc')}`])
})

test('after a 401, concurrent callers share one refresh and all get the new token', async (t) => {
  const rot = rotatingRenewal(new FakeClock())
  const { source } = await setup(t, rot.renewal)
  const retried = await Promise.all(Array.from({ length: 10 }, () => source.afterUnauthorized('access-0')))
  assert.deepEqual(new Set(retried), new Set(['access-1']))
  assert.equal(rot.calls.length, 1)
  // A late 401 for the old token does not refresh again.
  assert.equal(await source.afterUnauthorized('access-0'), 'access-1')
  assert.equal(rot.calls.length, 1)
})

test('a refused refresh signs the account out once, with the reason, and never loops', async (t) => {
  let calls = 0
  const { source, accounts, secrets } = await setup(t, async () => {
    calls++
    throw new TokenEndpointError('rejected', 'Invalid refresh_token', 'invalid_request', 400)
  })
  await assert.rejects(source.afterUnauthorized('access-0'), SignedOutError)
  await assert.rejects(source.token(), SignedOutError)
  await assert.rejects(source.afterUnauthorized('access-0'), SignedOutError)
  assert.equal(calls, 1)
  const stored = await accounts.current()
  assert.equal(stored?.status, 'signed-out')
  assert.match(stored?.signedOutReason ?? '', /Sign in again/)
  assert.equal(await secrets.get(secretKeys.refreshToken('acc')), null)
})

test('a network failure during refresh does not sign out; the next call tries again', async (t) => {
  let fail = true
  const { source, clock } = await setup(t, async () => {
    if (fail) throw new TokenEndpointError('unavailable', 'offline')
    return {
      accessToken: 'access-9',
      refreshToken: 'refresh-9',
      expiresAt: clock.now() + LIFETIME,
      lifetimeMs: LIFETIME,
      scopes: [],
    }
  })
  clock.advance(LIFETIME)
  await assert.rejects(source.token(), /offline/)
  fail = false
  assert.equal(await source.token(), 'access-9')
  assert.equal(source.current.status, 'signed-in')
})

test('a pasted token that Bitbucket rejects signs out with a plain reason', async (t) => {
  const { source } = await setup(t, null, 'access-token')
  await assert.rejects(source.afterUnauthorized('access-0'), /revoked or has expired/)
  await assert.rejects(source.token(), /revoked or has expired/)
})

test('a caller that needs the token to last (git) gets a renewed one when less than that is left', async (t) => {
  const rot = rotatingRenewal(new FakeClock())
  const { source, clock } = await setup(t, rot.renewal)
  clock.advance(LIFETIME * 0.6)
  assert.equal(await source.token(), 'access-0', 'plenty left for an ordinary call')
  assert.equal(
    await source.token({ minValidityMs: 15 * 60_000 }),
    'access-1',
    'not enough left for git: capped at half the life',
  )
})
