/**
 * The shared budgets of bitbucket-api.md §5: OAuth API calls count against the consumer, whoever
 * the user; git has its own allowance per user; whether OAuth git requests also draw on the
 * consumer's budget is UNCONFIRMED (a setting). The request log counts API and git apart.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { apiGet } from './api/read-test-support.js'
import { RATE_LIMIT_BODY } from './faults.js'
import { useEmulator, type RunningEmulator } from './harness.js'
import type { RequestCounts } from './request-counts.js'

const API_PATH = '/2.0/repositories/pail-demo/handbook'

/** The ref advertisement of the seeded repository, with Basic `x-token-auth:<token>`. */
async function gitRefs(emu: RunningEmulator, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${emu.info.webUrl}/pail-demo/handbook.git/info/refs?service=git-upload-pack`, {
    headers: { authorization: `Basic ${Buffer.from(`x-token-auth:${token}`).toString('base64')}` },
  })
  return { status: res.status, text: await res.text() }
}

test("every user's OAuth token draws on one consumer budget; over it, Bitbucket's plain-text 429 (§5)", async (t) => {
  const emu = await useEmulator(t, { consumerRateLimitPerHour: 3 })
  const mine = await emu.oauthToken(['repository'])
  const theirs = await emu.oauthToken(['repository'], { email: emu.info.otherUser.email })
  for (const token of [mine, theirs, mine]) assert.equal((await apiGet(emu, API_PATH, token)).status, 200)
  const limited = await apiGet(emu, API_PATH, theirs)
  assert.equal(limited.status, 429, 'the second user is refused: the consumer used its hour')
  assert.equal(limited.headers.get('content-type'), 'text/plain')
  assert.equal(limited.text, RATE_LIMIT_BODY)
  assert.equal(limited.headers.get('x-ratelimit-limit'), null, 'OAuth callers get no X-RateLimit headers')
  // Another consumer, and access tokens (their own allowance), are not held to this consumer's budget.
  assert.equal((await apiGet(emu, API_PATH, await emu.clientCredentialsToken())).status, 200)
  assert.equal((await apiGet(emu, API_PATH, emu.info.repositoryAccessToken)).status, 200)
  const used = await emu.control<{ consumers: Record<string, number> }>('GET', '/budgets')
  assert.equal(used.consumers[emu.info.publicConsumer.key], 3, 'refused requests do not count')
})

test('a consumer budget of 0 is unlimited', async (t) => {
  const emu = await useEmulator(t, { consumerRateLimitPerHour: 0 })
  const token = await emu.oauthToken(['repository'])
  for (let i = 0; i < 5; i++) assert.equal((await apiGet(emu, API_PATH, token)).status, 200)
})

test('git requests do not draw on the consumer budget by default, and do with gitCountsAgainstConsumer (UNCONFIRMED §5)', async (t) => {
  const emu = await useEmulator(t, { consumerRateLimitPerHour: 2 })
  const token = await emu.oauthToken(['repository'])
  for (let i = 0; i < 4; i++) assert.equal((await gitRefs(emu, token)).status, 200)
  for (let i = 0; i < 2; i++) assert.equal((await apiGet(emu, API_PATH, token)).status, 200, 'the API budget is whole')
  assert.equal((await apiGet(emu, API_PATH, token)).status, 429)

  emu.server.updateSettings({ gitCountsAgainstConsumer: true })
  const limited = await gitRefs(emu, token)
  assert.equal(limited.status, 429, 'git is refused once the consumer used its hour')
  assert.equal(limited.text, RATE_LIMIT_BODY)
  const fresh = await useEmulator(t, { consumerRateLimitPerHour: 2, gitCountsAgainstConsumer: true })
  const other = await fresh.oauthToken(['repository'])
  for (let i = 0; i < 2; i++) assert.equal((await gitRefs(fresh, other)).status, 200)
  assert.equal((await apiGet(fresh, API_PATH, other)).status, 429, 'git requests used the API budget up')
})

test('git has its own hourly allowance per user (§5: 60,000 by default)', async (t) => {
  const emu = await useEmulator(t, { gitRateLimitPerHour: 2 })
  assert.equal(emu.server.settings.consumerRateLimitPerHour, 1000, 'the documented consumer default')
  const mine = await emu.oauthToken(['repository'])
  const second = await emu.oauthToken(['repository'])
  assert.equal((await gitRefs(emu, mine)).status, 200)
  assert.equal((await gitRefs(emu, second)).status, 200)
  const limited = await gitRefs(emu, mine)
  assert.equal(limited.status, 429, "two tokens of one user share the user's git allowance")
  assert.equal(limited.text, RATE_LIMIT_BODY)
  const theirs = await emu.oauthToken(['repository'], { email: emu.info.otherUser.email })
  assert.equal((await gitRefs(emu, theirs)).status, 200, 'another user has their own')
})

test('the request log counts API and git requests apart, per consumer, with the 429s', async (t) => {
  const emu = await useEmulator(t, { consumerRateLimitPerHour: 2 })
  const token = await emu.oauthToken(['repository'])
  const since = Date.now()
  for (let i = 0; i < 3; i++) await apiGet(emu, API_PATH, token)
  await gitRefs(emu, token)
  await apiGet(emu, API_PATH, emu.info.repositoryAccessToken)
  await emu.control('GET', '/info')
  const counts = await emu.control<RequestCounts>('GET', `/requests/counts?since=${since}`)
  assert.deepEqual(counts.api, { requests: 4, rateLimited: 1 })
  assert.deepEqual(counts.git, { requests: 1, rateLimited: 0 })
  assert.deepEqual(counts.byConsumer, {
    [emu.info.publicConsumer.key]: { api: { requests: 3, rateLimited: 1 }, git: { requests: 1, rateLimited: 0 } },
  })
  assert.deepEqual(emu.server.requestCounts(since), counts)
  assert.deepEqual(emu.server.requestCounts(Date.now() + 1000).api, { requests: 0, rateLimited: 0 })
})
