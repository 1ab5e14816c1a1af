/**
 * The office simulation (issue 12 §1): a hundred staff on one OAuth consumer for a simulated
 * hour, then a budget used up on purpose. What holds is asserted — the hour within the consumer's
 * budget with nothing refused, no REST request to learn where a branch is, one POST per commit
 * unless a 409 said the branch moved, every other REST request is bringing a teammate's change in
 * (git brings them in; the REST API only where git could not), each save seen by every teammate,
 * 95 % of them within two minutes, and clients that meet the limit back off apart.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeOffice, runOffice, type OfficeFigures } from './office.js'

const MINUTE = 60_000

/** Every REST request of the hour was a commit or bringing someone else's change in: idle passes cost none. */
function assertOnlyCommitsAndBringingIn(f: OfficeFigures): void {
  const allowed =
    /^(POST src \(commit\)|GET commit \(ancestry walk\)|GET diffstat|GET src (meta|raw|listing))( → (409|429))?$/
  for (const kind of Object.keys(f.api.byKind)) assert.match(kind, allowed, `no other REST request: ${kind}`)
  const posts = Object.entries(f.api.byKind)
    .filter(([kind]) => kind.startsWith('POST src'))
    .reduce((n, [, count]) => n + count, 0)
  assert.equal(
    posts,
    f.commits + (f.api.byKind['POST src (commit) → 409'] ?? 0) + (f.api.byKind['POST src (commit) → 429'] ?? 0),
    'one POST per commit, plus one per 409 or 429',
  )
}

/** The consumer budget of the office's hour: Bitbucket's 1,000, or PAIL_SIM_BUDGET (0: unlimited, to measure what the office needs). */
const BUDGET = Number(process.env.PAIL_SIM_BUDGET ?? 1000)

test('a hundred staff on one consumer, teams of five sharing a repository, one simulated hour', async (t) => {
  const f = await runOffice({
    staff: 100,
    teamSize: 5,
    durationMs: 60 * MINUTE,
    saveEveryMs: 10 * MINUTE,
    consumerBudget: BUDGET,
  })
  for (const line of describeOffice(f)) t.diagnostic(line)
  assert.equal(f.saves, 600)
  assertOnlyCommitsAndBringingIn(f)
  assert.equal(f.api.byKind['GET refs/branches (tip)'], undefined, 'the tip is never read over the API')
  assert.ok(f.git.requests > 0 && f.git.rateLimited === 0, 'git answers every poll')
  if (BUDGET > 0) {
    // Issue 12 §1: the office's hour stays under the consumer's budget, nobody is refused, and
    // everyone sees a teammate's save within two minutes — other people's changes come in through git.
    assert.ok(f.api.requests <= BUDGET, `${f.api.requests} REST requests in the hour, within ${BUDGET}`)
    assert.equal(f.api.rateLimited, 0, 'no request refused with 429')
  }
  const sorted = [...f.latencies].sort((a, b) => a - b)
  assert.ok(sorted.length > 0 && f.unseen === 0, 'every save was seen by every teammate')
  assert.ok(
    sorted[Math.floor(0.95 * (sorted.length - 1))]! < 2 * MINUTE,
    "p95 of seeing a teammate's save under 2 minutes",
  )
})

test('when the budget is used up, clients back off with jitter instead of retrying together', async (t) => {
  const f = await runOffice({
    staff: 20,
    teamSize: 5,
    durationMs: 30 * MINUTE,
    saveEveryMs: 5 * MINUTE,
    consumerBudget: 40,
    // Everyone saves at the same moments: the budget (two rounds of commits) runs out for all at once.
    firstSaveAtMs: MINUTE,
  })
  for (const line of describeOffice(f)) t.diagnostic(line)
  assert.ok(f.api.rateLimited > 0, 'the budget was met')
  assertOnlyCommitsAndBringingIn(f)
  const first = new Map<number, { at: number; delayMs: number }>()
  for (const b of f.backoffs) if (!first.has(b.person)) first.set(b.person, b)
  assert.ok(first.size >= 10, `${first.size} clients met the limit`)
  const delays = [...first.values()].map((b) => b.delayMs)
  t.diagnostic(`first back-offs (s): ${delays.map((d) => Math.round(d / 1000)).join(', ')}`)
  assert.ok(Math.min(...delays) >= 5 * MINUTE, 'nobody retries before the rate-limit back-off (5 min)')
  // The clients that met the limit at the same moment do not come back at the same moment.
  const together = new Map<number, number[]>()
  for (const b of first.values()) together.set(b.at, [...(together.get(b.at) ?? []), b.at + b.delayMs])
  const group = [...together.values()].sort((a, b) => b.length - a.length)[0]!
  assert.ok(group.length >= 3, `${group.length} clients met the limit together`)
  const seconds = new Set(group.map((at) => Math.floor(at / 1000)))
  const span = Math.max(...group) - Math.min(...group)
  t.diagnostic(
    `${group.length} clients limited at the same moment retry over ${Math.round(span / 1000)} s, in ${seconds.size} different seconds`,
  )
  assert.ok(seconds.size >= Math.ceil(group.length * 0.6), 'most of them in different seconds')
  assert.ok(span >= 30_000, 'spread over at least half a minute')
})
