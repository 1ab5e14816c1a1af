/**
 * The token lifecycle against the emulator, with access tokens that live a few seconds:
 * concurrent API calls across several expiries, the 401 path, a refresh lost by a killed process
 * (grace period), and a revoked grant.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { secretKeys } from '../../../main/core/auth/account.js'
import { OAuthClient } from '../../../main/core/auth/oauth-client.js'
import { SignedOutError } from '../../../main/core/auth/token-source.js'
import { flushLogs } from '../../../main/core/log/logger.js'
import { useEmulator } from '../../emulator/harness.js'
import { consentRobot } from '../../support/consent-robot.js'
import { freePort } from '../../support/net.js'
import { assertNoSecretsInHome } from '../../support/leak-scan.js'
import { pailAuth } from '../../support/pail-auth.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function signedIn(t: Parameters<typeof useEmulator>[0], settings: Parameters<typeof useEmulator>[1]) {
  const port = await freePort()
  const emu = await useEmulator(t, settings, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  const pail = await pailAuth(t, emu, consentRobot('grant'), port)
  await pail.auth.signInWithBrowser({ timeoutMs: 20_000 })
  const session = (await pail.auth.session())!
  const tokenCalls = (): number =>
    emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.startsWith('/site/oauth2/access_token')).length
  return { emu, pail, session, tokenCalls, signInCalls: tokenCalls() }
}

test('50 concurrent API calls in waves across several 3-second expiries: no failed call, one refresh per expiry', async (t) => {
  // Thousands of calls in seconds: the office's hourly budget (consumerRateLimitPerHour) is not what this measures.
  const { emu, pail, session, tokenCalls, signInCalls } = await signedIn(t, {
    accessTokenLifetimeSeconds: 3,
    consumerRateLimitPerHour: 0,
  })
  const seen = new Set<string>()
  let calls = 0
  let failed = 0
  const started = Date.now()
  let forcedExpiry = false
  while (Date.now() - started < 9000) {
    if (!forcedExpiry && Date.now() - started > 4000) {
      // Bitbucket may also end a token early: the 401 path must hold up under load too.
      await emu.control('POST', '/tokens/expire', {})
      forcedExpiry = true
    }
    const wave = await Promise.allSettled(
      Array.from({ length: 50 }, async () => {
        seen.add(await session.tokens.token())
        return session.api.getJson<{ display_name: string }>('/2.0/user')
      }),
    )
    calls += wave.length
    failed += wave.filter((r) => r.status === 'rejected').length
    await sleep(150)
  }
  const refreshes = session.tokens.refreshCount
  t.diagnostic(`${calls} calls, ${failed} failed, ${refreshes} refreshes in ${Date.now() - started} ms`)
  assert.equal(failed, 0)
  assert.ok(refreshes >= 3, `expected several expiries, saw ${refreshes} refreshes`)
  assert.equal(tokenCalls() - signInCalls, refreshes, 'every refresh was one token request')
  // One refresh per expiry: each refresh replaced exactly one access token (+1 for the forced one's successor).
  assert.ok(seen.size <= refreshes + 1, `${seen.size} tokens seen for ${refreshes} refreshes`)
  await assertNoSecretsInHome(pail.home, emu.server.issuedSecrets)
})

test('a refresh lost by a killed process: the next process signs in on the old refresh token within the grace period', async (t) => {
  const { emu, pail, session } = await signedIn(t, {})
  const account = session.tokens.current
  const stored = (await pail.secrets.get(secretKeys.refreshToken(account.id)))!
  // The "killed" process: Bitbucket rotated the token, but nothing was written to disk.
  const client = new OAuthClient({ webUrl: emu.info.webUrl, apiUrl: emu.info.apiUrl }, emu.info.publicConsumer)
  await client.refresh(stored)
  await emu.control('POST', '/tokens/expire', {})
  const next = (await pail.reopen().session())!
  const user = await next.api.getJson<{ display_name: string }>('/2.0/user')
  assert.equal(user.display_name, emu.info.user.displayName)
  assert.equal(next.tokens.refreshCount, 1)
})

test('a refresh lost by a killed process, after the grace period: signed out, saying to sign in again', async (t) => {
  const { emu, pail, session } = await signedIn(t, { refreshTokenGraceSeconds: 1 })
  const stored = (await pail.secrets.get(secretKeys.refreshToken(session.tokens.current.id)))!
  await new OAuthClient({ webUrl: emu.info.webUrl, apiUrl: emu.info.apiUrl }, emu.info.publicConsumer).refresh(stored)
  await sleep(1500)
  await emu.control('POST', '/tokens/expire', {})
  const next = (await pail.reopen().session())!
  await assert.rejects(next.api.getJson('/2.0/user'), (error: Error) => {
    assert.ok(error instanceof SignedOutError)
    assert.match(error.message, /no longer accepts Pail's saved sign-in .*Sign in again/)
    return true
  })
  const account = await pail.reopen().accounts.current()
  assert.equal(account?.status, 'signed-out')
  await flushLogs()
  const log = await readFile(join(pail.home, 'logs', 'pail.log'), 'utf8')
  assert.match(log, /"event":"account.signed-out"/)
  await assertNoSecretsInHome(pail.home, emu.server.issuedSecrets)
})

test('a revoked grant moves the account to signed out, once, without looping, and keeps none of its secrets', async (t) => {
  const { emu, pail, session, tokenCalls } = await signedIn(t, {})
  const id = session.tokens.current.id
  assert.deepEqual(
    (await pail.secrets.keys()).sort(),
    [secretKeys.accessToken(id), secretKeys.consumerSecret(id), secretKeys.refreshToken(id)].sort(),
  )
  await emu.control('POST', '/tokens/revoke', { consumer: emu.info.publicConsumer.key })
  const before = tokenCalls()
  await assert.rejects(session.api.getJson('/2.0/user'), SignedOutError)
  await assert.rejects(session.api.getJson('/2.0/user'), SignedOutError)
  assert.equal(tokenCalls() - before, 1, 'exactly one refresh attempt')
  assert.equal(session.tokens.current.status, 'signed-out')
  // The dead tokens and the consumer secret are gone from the secrets file; the account record
  // stays (signed out, with the reason) so Pail can say what happened.
  assert.deepEqual(await pail.secrets.keys(), [])
  assert.equal((await pail.reopen().accounts.current())?.status, 'signed-out')
})
