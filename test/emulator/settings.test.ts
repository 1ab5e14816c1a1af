import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defaultSettings, mergeSettings } from './settings.js'

test('mergeSettings applies known keys and leaves the base untouched', () => {
  const base = structuredClone(defaultSettings)
  const merged = mergeSettings(base, {
    accessTokenLifetimeSeconds: 60,
    tokenScopeField: 'scopes',
    gitNoAccessStatus: 403,
    gitUrlWithoutDotGit: false,
  })
  assert.equal(merged.accessTokenLifetimeSeconds, 60)
  assert.equal(merged.tokenScopeField, 'scopes')
  assert.equal(merged.gitNoAccessStatus, 403)
  assert.equal(merged.gitUrlWithoutDotGit, false)
  assert.equal(merged.tokenLength, defaultSettings.tokenLength)
  assert.notEqual(merged, base)
  assert.deepEqual(base, defaultSettings)
})

test('an empty patch gives an equal copy', () => {
  const merged = mergeSettings(defaultSettings, {})
  assert.deepEqual(merged, defaultSettings)
  assert.notEqual(merged, defaultSettings)
})

test('unknown keys are refused, naming the key', () => {
  assert.throws(() => mergeSettings(defaultSettings, { retryAfter: 5 }), /Unknown emulator setting "retryAfter"/)
  assert.throws(() => mergeSettings(defaultSettings, { toString: 'x' }), /Unknown emulator setting "toString"/)
  // JSON.parse makes `__proto__` an own key; it must not become the settings object's prototype.
  assert.throws(
    () => mergeSettings(defaultSettings, JSON.parse('{"__proto__": {"tokenLength": 1}}') as Record<string, unknown>),
    /Unknown emulator setting "__proto__"/,
  )
})

test('values of the wrong type are refused, naming the key and the type', () => {
  assert.throws(() => mergeSettings(defaultSettings, { tokenLength: '2600' }), /"tokenLength" must be a number/)
  assert.throws(() => mergeSettings(defaultSettings, { scopeHeaders: 1 }), /"scopeHeaders" must be a boolean/)
  assert.throws(() => mergeSettings(defaultSettings, { denyErrorCode: null }), /"denyErrorCode" must be a string/)
  assert.throws(
    () => mergeSettings(defaultSettings, { gitApiTokenPushNeedsRead: 'true' }),
    /"gitApiTokenPushNeedsRead" must be a boolean/,
  )
})

test('retryAfterSeconds takes a number or null (no Retry-After, §5), nothing else', () => {
  assert.equal(defaultSettings.retryAfterSeconds, null)
  assert.equal(mergeSettings(defaultSettings, { retryAfterSeconds: 30 }).retryAfterSeconds, 30)
  assert.equal(
    mergeSettings({ ...defaultSettings, retryAfterSeconds: 30 }, { retryAfterSeconds: null }).retryAfterSeconds,
    null,
  )
  assert.throws(() => mergeSettings(defaultSettings, { retryAfterSeconds: '30' }), /"retryAfterSeconds"/)
})

test('a refused patch changes nothing, even when some of its keys were valid', () => {
  const base = structuredClone(defaultSettings)
  assert.throws(() => mergeSettings(base, { tokenLength: 10, bogus: true }))
  assert.deepEqual(base, defaultSettings)
})

test('the defaults follow the observed behaviour where bitbucket-api.md has one', () => {
  // §5: no Retry-After on 429; §1.4/changes in force: `scope` field; §2.2 headers on.
  assert.equal(defaultSettings.retryAfterSeconds, null)
  assert.equal(defaultSettings.tokenScopeField, 'scope')
  assert.ok(defaultSettings.tokenLength > 2500)
  assert.equal(defaultSettings.refreshTokenGraceSeconds, 600)
})
