/**
 * The admin's check as the window shows it (consumer-check-view.ts): each verdict's sentence and
 * whether the provisioning file may be made, every line's status in words, the features the
 * permissions enable, and nothing from the report beyond its own fields.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { goodConsumerFacts } from '../../../../support/consumer-facts.js'
import { judgeConsumer, type CheckReport } from '../../../../../main/core/admin/consumer-verdict.js'
import { consumerCheckView } from '../../../../../main/core/app/consumer-check-view.js'

const facts = goodConsumerFacts

test('a consumer with everything right: ready, the file may be made, every feature enabled', () => {
  const report = judgeConsumer(facts())
  const view = consumerCheckView(report)
  assert.equal(view.verdict, 'ready')
  assert.equal(view.ready, true)
  assert.equal(view.canProvision, true)
  assert.equal(view.summary, 'Staff can sign in and upload.')
  assert.equal(view.consumerKey, 'KEY123')
  assert.equal(view.callbackUrl, 'http://127.0.0.1:31842/pail/callback')
  assert.deepEqual(
    view.items.map((i) => [i.id, i.status, i.statusWords]),
    [
      ['credentials', 'ok', 'Works'],
      ['private-consumer', 'info', 'Note'],
      ['callback', 'ok', 'Works'],
      ['permissions', 'ok', 'Works'],
      ['reach', 'info', 'Note'],
    ],
  )
  assert.deepEqual(view.items[0]!.text, report.items[0]!.text, 'the verdict’s own words')
  assert.ok(view.features && view.features.length > 0 && view.features.every((f) => f.ready && f.missing.length === 0))
})

test('something to fix: not ready, no file, each fix in words, the missing permission named', () => {
  const view = consumerCheckView(judgeConsumer(facts({ scopes: ['account', 'repository'] })))
  assert.equal(view.verdict, 'needs-fixes')
  assert.equal(view.ready, false)
  assert.equal(view.canProvision, false)
  assert.match(view.summary, /cannot sign in and upload yet.*“To fix”/)
  const permissions = view.items.find((i) => i.id === 'permissions')!
  assert.equal(permissions.statusWords, 'To fix')
  assert.match(permissions.fix ?? '', /tick Repositories: Write/)
  const blocked = view.features?.filter((f) => !f.ready) ?? []
  assert.ok(blocked.length > 0, 'a feature is said to be blocked')
  assert.ok(blocked.every((f) => f.missing.includes('Repositories: Write')))
})

test('nothing wrong but not everything seen: not ready, yet the file may be made (as pail admin provision)', () => {
  const view = consumerCheckView(
    judgeConsumer(facts({ privateConsumer: false, scopes: null, reach: null, lookedAs: null, owner: null })),
  )
  assert.equal(view.verdict, 'incomplete')
  assert.equal(view.ready, false)
  assert.equal(view.canProvision, true)
  assert.match(view.summary, /not everything could be checked/)
  const permissions = view.items.find((i) => i.id === 'permissions')!
  assert.equal(permissions.statusWords, 'Not checked')
  assert.ok(permissions.byHand)
  assert.equal(view.features, null)
})

test('only the report’s own fields reach the view', () => {
  const report = judgeConsumer(facts())
  // A field the report does not have (as a careless change might add) must not travel to the window.
  const widened = {
    ...report,
    secret: 'SECRET-VALUE',
    items: report.items.map((i) => ({ ...i, secret: 'SECRET-VALUE' })),
  }
  const view = consumerCheckView(widened as CheckReport)
  assert.ok(!JSON.stringify(view).includes('SECRET-VALUE'))
})
