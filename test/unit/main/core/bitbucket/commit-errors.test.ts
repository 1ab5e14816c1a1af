import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ApiResponse } from '../../../../../main/core/bitbucket/api-client.js'
import {
  CommitForbiddenError,
  CommitRejectedError,
  commitErrorFrom,
  RateLimitedError,
  RepositoryNotFoundError,
  retryAfterMs,
  StaleParentError,
  TransientUploadError,
} from '../../../../../main/core/bitbucket/commit-errors.js'

const target = { workspace: 'acme', repository: 'docs', branch: 'release/1.0' }

function json(status: number, error: Record<string, unknown>, extra: Record<string, unknown> = {}): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ type: 'error', error, ...extra })),
  }
}

test('409 and an unknown parent are both StaleParentError: re-read the tip', () => {
  const stale = commitErrorFrom(json(409, { message: 'Commit rejected' }), target)
  assert.ok(stale instanceof StaleParentError)
  assert.equal(stale.code, 'commit.stale-parent')
  assert.match(stale.message, /branch "release\/1\.0" of acme\/docs/)
  const gone = commitErrorFrom(
    json(404, { message: 'Commit not found', data: { shas: ['abc'] } }, { data: { shas: ['abc'] } }),
    target,
  )
  assert.ok(gone instanceof StaleParentError)
  assert.equal(gone.code, 'commit.unknown-parent')
})

test('403 for a missing scope names it in plain words, with the advice for the kind of account', () => {
  const body = json(403, {
    message: 'Your credentials lack one or more required privilege scopes.',
    detail: { required: ['write:repository:bitbucket'], granted: ['read:repository:bitbucket'] },
  })
  const plain = commitErrorFrom(body, target)
  assert.ok(plain instanceof CommitForbiddenError)
  assert.equal(plain.reason, 'missing-scope')
  assert.deepEqual(plain.missingScopes, ['write:repository:bitbucket'])
  assert.match(plain.message, /lacks the permission write:repository:bitbucket/)
  const apiToken = commitErrorFrom(body, target, 'api-token')
  assert.match(apiToken.message, /Create a new API token with/)
  // Bitbucket without `granted`: every required scope is reported missing.
  const bare = commitErrorFrom(
    json(403, {
      message: 'Your credentials lack one or more required privilege scopes.',
      detail: { required: ['repository:write'] },
    }),
    target,
  )
  assert.match(bare.message, /Repositories: Write/)
  const odd = commitErrorFrom(
    json(403, {
      message: 'Your credentials lack one or more required privilege scopes.',
      detail: 'text, not an object',
    }),
    target,
  )
  assert.match(odd.message, /lacks the permission Repositories: Write/)
})

test('403 without a scope message is write access or a branch restriction', () => {
  const error = commitErrorFrom(json(403, { message: 'Forbidden' }), target)
  assert.ok(error instanceof CommitForbiddenError)
  assert.equal(error.reason, 'no-write-access')
  assert.equal(error.code, 'commit.no-write-access')
  assert.match(
    error.message,
    /write access to the repository, or the branch "release\/1\.0" only accepts changes from certain people/,
  )
})

test('404, 429, 5xx, 401 and 400', () => {
  assert.ok(
    commitErrorFrom(json(404, { message: 'Repository acme/docs not found' }), target) instanceof
      RepositoryNotFoundError,
  )
  const limited = commitErrorFrom(
    {
      status: 429,
      headers: { 'content-type': 'text/plain', 'retry-after': '120' },
      body: Buffer.from('Rate limit for this resource has been exceeded'),
    },
    target,
  )
  assert.ok(limited instanceof RateLimitedError)
  assert.equal(limited.retryAfterMs, 120_000)
  const down = commitErrorFrom(
    { status: 502, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>Bad gateway</html>') },
    target,
  )
  assert.ok(down instanceof TransientUploadError)
  assert.equal(down.status, 502)
  const unauthorized = commitErrorFrom(
    json(401, { message: 'Token is invalid, expired, or not supported for this endpoint.' }),
    target,
  )
  assert.ok(unauthorized instanceof CommitRejectedError)
  assert.match(unauthorized.message, /Sign in again/)
  const bad = commitErrorFrom(json(400, { message: 'Invalid path: points into .git' }), target)
  assert.ok(bad instanceof CommitRejectedError)
  assert.equal(bad.code, 'commit.rejected')
  assert.match(bad.message, /points into \.git/)
})

test('Retry-After: seconds, an HTTP date, or nothing', () => {
  const now = Date.parse('2026-08-01T12:00:00Z')
  assert.equal(retryAfterMs('30', now), 30_000)
  assert.equal(retryAfterMs('Sat, 01 Aug 2026 12:01:00 GMT', now), 60_000)
  assert.equal(retryAfterMs('Sat, 01 Aug 2026 11:00:00 GMT', now), 0)
  assert.equal(retryAfterMs(undefined, now), null)
  assert.equal(retryAfterMs('soon', now), null)
})
