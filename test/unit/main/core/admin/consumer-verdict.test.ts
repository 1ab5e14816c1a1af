/**
 * The verdicts of `pail admin check` on every kind of answer Bitbucket gives, without a server.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ConsumerFacts } from '../../../../../main/core/admin/consumer-facts.js'
import { goodConsumerFacts } from '../../../../support/consumer-facts.js'
import { judgeConsumer, manualCallbackUrl } from '../../../../../main/core/admin/consumer-verdict.js'

const good = goodConsumerFacts

function statusOf(facts: ConsumerFacts, id: string): string | undefined {
  return judgeConsumer(facts).items.find((i) => i.id === id)?.status
}

test('everything right: ready, each line ok or information', () => {
  const report = judgeConsumer(good())
  assert.equal(report.verdict, 'ready')
  assert.deepEqual(
    report.items.map((i) => [i.id, i.status]),
    [
      ['credentials', 'ok'],
      ['private-consumer', 'info'],
      ['callback', 'ok'],
      ['permissions', 'ok'],
      ['reach', 'info'],
    ],
  )
  assert.ok(report.features?.every((f) => f.ready))
  assert.match(report.items[1]!.text, /acting as Alex Admin/)
})

test('a rejected secret needs a fix; an unreachable Bitbucket is not a fix but leaves the check incomplete', () => {
  const rejected = judgeConsumer(
    good({ credentials: 'rejected', privateConsumer: null, scopes: null, owner: null, reach: null }),
  )
  assert.equal(rejected.verdict, 'needs-fixes')
  assert.match(rejected.items[0]!.fix ?? '', /Copy the Key and the Secret again/)
  assert.equal(
    rejected.items.some((i) => i.id === 'reach'),
    false,
    'nothing is said about reach when the key is wrong',
  )
  const unreachable = judgeConsumer(
    good({ credentials: 'unreachable', credentialsDetail: 'ECONNREFUSED.', privateConsumer: null, scopes: null }),
  )
  assert.equal(unreachable.verdict, 'incomplete')
  assert.equal(unreachable.items[0]!.status, 'unverified')
})

test('a consumer that is not private: the secret is right, permissions and reach are said to be unchecked', () => {
  const report = judgeConsumer(good({ privateConsumer: false, scopes: null, owner: null, reach: null }))
  assert.equal(report.verdict, 'incomplete')
  assert.equal(report.features, null)
  assert.equal(statusOf(good({ privateConsumer: false, scopes: null, reach: null }), 'permissions'), 'unverified')
  assert.equal(statusOf(good({ privateConsumer: false, scopes: null, reach: null }), 'reach'), 'unverified')
  assert.match(report.items.find((i) => i.id === 'private-consumer')!.text, /not a private consumer/)
})

test('a missing permission is a fix naming it as Bitbucket labels it; extra permissions are only a note', () => {
  const report = judgeConsumer(good({ scopes: ['account', 'repository', 'issue:write'] }))
  assert.equal(report.verdict, 'needs-fixes')
  const permissions = report.items.find((i) => i.id === 'permissions')!
  assert.equal(permissions.status, 'fix')
  assert.match(permissions.text, /Missing for Pail: Repositories: Write\./)
  assert.match(permissions.text, /not needed by Pail: Issues: Write/)
  assert.match(permissions.fix ?? '', /tick Repositories: Write/)
  assert.deepEqual(
    report.features?.filter((f) => !f.ready).map((f) => f.label),
    ['Upload files', 'Keep folders in sync'],
  )
  assert.equal(statusOf(good({ scopes: ['repository:write'] }), 'permissions'), 'fix', 'account is needed too')
  // Scopes that imply what Pail needs (bitbucket-api.md §2.1) are enough.
  assert.equal(statusOf(good({ scopes: ['account', 'pullrequest:write'] }), 'permissions'), 'ok')
})

test('the callback: refused or missing is a fix with the exact URL; unverified says how to check by hand', () => {
  for (const reason of ['mismatch', 'none-registered'] as const) {
    const report = judgeConsumer(good({ callback: { outcome: 'rejected', reason } }))
    assert.equal(report.verdict, 'needs-fixes')
    assert.match(report.items.find((i) => i.id === 'callback')!.fix ?? '', /set Callback URL to exactly http:\/\/127/)
  }
  const unverified = judgeConsumer(good({ callback: { outcome: 'unverified', why: 'It asked for a sign-in.' } }))
  assert.equal(unverified.verdict, 'incomplete')
  const byHand = unverified.items.find((i) => i.id === 'callback')!.byHand ?? ''
  assert.ok(byHand.includes(manualCallbackUrl(good())), byHand)
  assert.equal(
    manualCallbackUrl(good()),
    'https://bitbucket.org/site/oauth2/authorize?client_id=KEY123&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A31842%2Fpail%2Fcallback',
  )
})

test('the default repository: unknown to Bitbucket is a fix; not writable by the owner is only a note', () => {
  const ref = 'acme/handbok'
  assert.equal(statusOf(good({ repository: { ref, outcome: 'not-found', detail: null } }), 'repository'), 'fix')
  assert.equal(judgeConsumer(good({ repository: { ref, outcome: 'not-found', detail: null } })).verdict, 'needs-fixes')
  const notWritable = judgeConsumer(good({ repository: { ref, outcome: 'not-writable', detail: null } }))
  assert.equal(notWritable.verdict, 'ready')
  assert.equal(statusOf(good({ repository: { ref, outcome: 'writable', detail: null } }), 'repository'), 'ok')
})

test("the admin's browser sign-in: done, it stands in for client credentials; failed, the check is incomplete", () => {
  const signedIn = judgeConsumer(
    good({
      privateConsumer: false,
      owner: null,
      signIn: { outcome: 'signed-in', as: 'Sam Admin' },
      lookedAs: 'signed-in',
      callback: { outcome: 'accepted', how: 'you signed in through it' },
    }),
  )
  assert.equal(signedIn.verdict, 'ready')
  assert.equal(signedIn.items.find((i) => i.id === 'sign-in')?.status, 'ok')
  assert.match(signedIn.items.find((i) => i.id === 'reach')!.text, /^Signed in as you \(Sam Admin\), Pail can write to/)
  const failed = judgeConsumer(
    good({
      privateConsumer: false,
      scopes: null,
      reach: null,
      signIn: { outcome: 'failed', why: 'You chose not to give Pail access.' },
      lookedAs: null,
    }),
  )
  assert.equal(failed.verdict, 'incomplete')
  assert.equal(failed.items.find((i) => i.id === 'sign-in')?.status, 'unverified')
  const skipped = judgeConsumer(good({ credentials: 'rejected', signIn: { outcome: 'skipped' } }))
  assert.equal(skipped.items.find((i) => i.id === 'sign-in')?.status, 'info')
})

test("the window's check does not offer the CLI's --sign-in; the CLI's does", () => {
  const facts = good({
    privateConsumer: false,
    scopes: null,
    owner: null,
    reach: null,
    callback: { outcome: 'unverified', why: 'It asked for a sign-in.' },
  })
  const texts = (place: 'cli' | 'window') =>
    judgeConsumer(facts, place)
      .items.map((i) => `${i.text} ${i.byHand ?? ''}`)
      .join('\n')
  assert.match(texts('cli'), /--sign-in/)
  assert.doesNotMatch(texts('window'), /--sign-in/)
  assert.match(texts('window'), /Open http/)
})
