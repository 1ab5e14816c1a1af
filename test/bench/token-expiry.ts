/**
 * Case 7 of issue #11: token expiry under load. For each expiry, the emulator ends the access
 * token early (its control API, as Bitbucket may), then 50 API calls start at once: every one is
 * answered 401 and must be retried with one new token. Pail's session (TokenSource: one renewal
 * for every caller) against a naive client that gets a new token on every 401 (plain fetch,
 * client credentials, as a script would). Figures: failed calls, renewals per expiry. Target:
 * exactly one renewal per expiry and no failed call.
 */
import type { Session } from '../../main/core/auth/auth-service.js'
import { formatValue, target, type Section } from './report.js'
import { signedInHome, type BenchContext } from './support.js'

/** Calls started at once after each expiry (issue #11). */
const CALLS = 50
const TOKEN_PATH = '/site/oauth2/access_token'

/** What one contender did over all expiries. */
interface Outcome {
  calls: number
  failed: number
  /** Renewals after each expiry, in order. */
  renewals: number[]
  /** Token endpoint requests the emulator logged. */
  tokenRequests: number
  ms: number
  /** The first failure, in words, for the notes. */
  firstFailure: string | null
}

async function expire(ctx: BenchContext, token: string): Promise<void> {
  const res = await fetch(`${ctx.info.controlUrl}/tokens/expire`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })
  if (res.status !== 200) throw new Error(`expiring a token through the emulator's control API: ${res.status}`)
}

function tokenRequests(ctx: BenchContext, from: number): number {
  return ctx.server.requestLog.slice(from).filter((r) => r.method === 'POST' && r.path.startsWith(TOKEN_PATH)).length
}

/** Runs `expiries` rounds: expire the token `current()` returns, then CALLS calls of `call` at once. */
async function rounds(
  ctx: BenchContext,
  expiries: number,
  current: () => Promise<string>,
  call: () => Promise<void>,
  renewals: () => number,
): Promise<Outcome> {
  const mark = ctx.server.requestLog.length
  const out: Outcome = { calls: 0, failed: 0, renewals: [], tokenRequests: 0, ms: 0, firstFailure: null }
  const started = performance.now()
  for (let i = 0; i < expiries; i++) {
    await expire(ctx, await current())
    const before = renewals()
    const settled = await Promise.allSettled(Array.from({ length: CALLS }, call))
    out.calls += settled.length
    for (const r of settled)
      if (r.status === 'rejected') {
        out.failed++
        out.firstFailure ??= (r.reason as Error).message
      }
    out.renewals.push(renewals() - before)
  }
  out.ms = performance.now() - started
  out.tokenRequests = tokenRequests(ctx, mark)
  return out
}

/** Pail: its session's API client, which asks its TokenSource again after a 401. */
async function pailRounds(ctx: BenchContext, session: Session, expiries: number): Promise<Outcome> {
  return rounds(
    ctx,
    expiries,
    () => session.tokens.token(),
    async () => void (await session.api.getJson<{ display_name: string }>('/2.0/user')),
    () => session.tokens.refreshCount,
  )
}

/** A naive client: one token at a time, and a new one (client credentials) for every call answered 401. */
async function naiveRounds(ctx: BenchContext, expiries: number): Promise<Outcome> {
  const { key, secret } = ctx.info.privateConsumer
  let renewed = 0
  const newToken = async (): Promise<string> => {
    const res = await fetch(`${ctx.info.webUrl}${TOKEN_PATH}`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    if (res.status !== 200) throw new Error(`the token endpoint answered ${res.status}`)
    return ((await res.json()) as { access_token: string }).access_token
  }
  let token = await newToken()
  const get = (with_: string): Promise<Response> =>
    fetch(`${ctx.info.apiUrl}/2.0/user`, { headers: { authorization: `Bearer ${with_}` } })
  return rounds(
    ctx,
    expiries,
    async () => token,
    async () => {
      let res = await get(token)
      if (res.status === 401) {
        await res.body?.cancel()
        renewed++
        token = await newToken()
        res = await get(token)
      }
      await res.body?.cancel()
      if (res.status !== 200) throw new Error(`GET /2.0/user answered ${res.status}`)
    },
    () => renewed,
  )
}

/** Runs case 7 with `expiries` expiries and returns its section of the table. */
export async function tokenExpiryBench(ctx: BenchContext, expiries: number): Promise<Section> {
  const { session } = await signedInHome(ctx, 'token-expiry')
  const pail = await pailRounds(ctx, session, expiries)
  if (pail.tokenRequests !== pail.renewals.reduce((a, b) => a + b, 0))
    throw new Error(`Pail: ${pail.tokenRequests} token requests for ${pail.renewals.join('+')} renewals`)
  const naive = await naiveRounds(ctx, expiries)
  const perExpiry = (o: Outcome): string => o.renewals.join(', ')
  const one = pail.renewals.every((n) => n === 1)
  return {
    title: `7. Token expiry under load: ${CALLS} concurrent API calls after each of ${expiries} expiries`,
    peers: ['naive (new token per 401)'],
    rows: [
      { label: 'API calls', unit: 'count', pail: pail.calls, peers: [naive.calls] },
      { label: 'failed calls', unit: 'count', pail: pail.failed, peers: [naive.failed] },
      {
        label: 'renewals (token requests)',
        unit: 'count',
        pail: pail.tokenRequests,
        peers: [naive.tokenRequests - 1],
      },
      {
        label: 'most renewals after one expiry',
        unit: 'count',
        pail: Math.max(...pail.renewals),
        peers: [Math.max(...naive.renewals)],
      },
      { label: 'wall time', unit: 'ms', pail: pail.ms, peers: [naive.ms] },
    ],
    targets: [
      target('exactly one refresh per expiry', one, `per expiry: ${perExpiry(pail)}`),
      target(
        '0 failed calls',
        pail.failed === 0,
        `${pail.failed} of ${pail.calls}${pail.firstFailure ? ` (first: ${pail.firstFailure})` : ''}`,
      ),
    ],
    notes: [
      `Each expiry: the emulator's control API ends the current access token early, then ${CALLS} GET /2.0/user start at once, so every one is first answered 401.`,
      `Pail: the session's ApiClient and TokenSource (one renewal, under the home's lock, for all callers); renewals per expiry ${perExpiry(pail)}, in ${formatValue(pail.ms, 'ms')}.`,
      `naive: fetch with one shared token, a new client-credentials token on each 401, one retry; renewals per expiry ${perExpiry(naive)} (its first token not counted)${naive.firstFailure ? `; first failure: ${naive.firstFailure}` : ''}.`,
    ],
    summary: `token expiry: ${pail.failed} failed of ${pail.calls}, renewals per expiry ${perExpiry(pail)} (naive ${perExpiry(naive)})`,
  }
}
