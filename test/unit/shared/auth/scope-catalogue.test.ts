import assert from 'node:assert/strict'
import { test } from 'node:test'
import { effectiveScopes, featureReadiness } from '../../../../shared/auth/scope-catalogue.js'

test('repository:write implies repository; repository:admin implies neither', () => {
  assert.ok(effectiveScopes('oauth', ['repository:write']).has('repository'))
  assert.ok(!effectiveScopes('oauth', ['repository:admin']).has('repository'))
  assert.ok(effectiveScopes('oauth', ['pullrequest:write']).has('repository'))
})

test('API-token scopes imply nothing', () => {
  assert.ok(!effectiveScopes('api-token', ['write:repository:bitbucket']).has('read:repository:bitbucket'))
})

test('an OAuth account with account + repository:write can do everything', () => {
  assert.ok(featureReadiness('oauth', ['account', 'repository:write']).every((f) => f.ready))
})

test('a missing scope names the feature, the permission in plain words and whom to ask', () => {
  const upload = featureReadiness('oauth', ['account', 'repository']).find((f) => f.feature === 'upload')!
  assert.equal(upload.ready, false)
  assert.deepEqual(
    upload.missing.map((s) => s.id),
    ['repository:write'],
  )
  assert.match(
    upload.advice,
    /Upload files needs Repositories: Write\. Ask your Bitbucket admin to tick it on Pail's OAuth consumer/,
  )
})

test('access tokens cannot identify a person, and say so', () => {
  const identify = featureReadiness('access-token', ['repository', 'repository:write']).find(
    (f) => f.feature === 'identify',
  )!
  assert.equal(identify.ready, false)
  assert.match(identify.advice, /not possible with an access token/)
  assert.ok(featureReadiness('access-token', ['repository:write']).find((f) => f.feature === 'sync')!.ready)
})

test('an API token with write but not read cannot upload, and the advice names the scope', () => {
  const upload = featureReadiness('api-token', ['write:repository:bitbucket']).find((f) => f.feature === 'upload')!
  assert.equal(upload.ready, false)
  assert.match(upload.advice, /read:repository:bitbucket/)
})
