import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BitbucketError } from '../../../../../../main/core/bitbucket/api-client.js'
import { RateLimitedError, TransientUploadError } from '../../../../../../main/core/bitbucket/commit-errors.js'
import {
  classifyFailure,
  describeNextAttempt,
  failureMessage,
  retryDelayMs,
} from '../../../../../../main/core/sync/service/backoff.js'

const MINUTE = 60_000

test('failures are told apart: a 429 from any request, Bitbucket unreachable or 5xx, anything else', () => {
  assert.deepEqual(classifyFailure(new RateLimitedError('limited', 30_000)), {
    kind: 'rate-limited',
    retryAfterMs: 30_000,
  })
  assert.deepEqual(classifyFailure(new BitbucketError(429, 'Rate limit for this resource has been exceeded')), {
    kind: 'rate-limited',
    retryAfterMs: null,
  })
  assert.equal(
    classifyFailure(new BitbucketError(0, 'Pail could not reach Bitbucket (ECONNREFUSED).')).kind,
    'unreachable',
  )
  assert.equal(classifyFailure(new BitbucketError(503, 'Service unavailable')).kind, 'unreachable')
  assert.equal(classifyFailure(new TransientUploadError('commit.transient', 502, 'x')).kind, 'unreachable')
  assert.equal(classifyFailure(new BitbucketError(403, 'Forbidden')).kind, 'other')
  assert.equal(classifyFailure(new Error('EACCES')).kind, 'other')
  assert.equal(classifyFailure('a string').kind, 'other')
})

test('ordinary failures wait half to all of 2 s doubling, capped at 15 minutes', () => {
  const low = () => 0
  const high = () => 0.999999
  const unreachable = { kind: 'unreachable', retryAfterMs: null } as const
  assert.equal(retryDelayMs(unreachable, 1, low), 1000)
  assert.equal(retryDelayMs(unreachable, 1, high), 2000)
  assert.equal(retryDelayMs(unreachable, 4, low), 8000)
  assert.equal(retryDelayMs(unreachable, 30, high), 15 * MINUTE)
  assert.equal(retryDelayMs(unreachable, 1000, low), 7.5 * MINUTE, 'no overflow after many failures')
  assert.equal(retryDelayMs(unreachable, 3, low, { baseMs: 10, capMs: 30, rateLimitBaseMs: 0, rateLimitCapMs: 0 }), 15)
})

test('a rate limit never waits less than asked: Retry-After, or 5 minutes doubling to an hour', () => {
  const low = () => 0
  assert.equal(retryDelayMs({ kind: 'rate-limited', retryAfterMs: 42_000 }, 1, low), 42_000)
  assert.equal(
    retryDelayMs({ kind: 'rate-limited', retryAfterMs: 42_000 }, 1, () => 0.999999),
    52_500,
  )
  assert.equal(retryDelayMs({ kind: 'rate-limited', retryAfterMs: null }, 1, low), 5 * MINUTE)
  assert.equal(retryDelayMs({ kind: 'rate-limited', retryAfterMs: null }, 2, low), 10 * MINUTE)
  assert.equal(retryDelayMs({ kind: 'rate-limited', retryAfterMs: null }, 9, low), 60 * MINUTE)
})

test('the next attempt and the failure are said in plain words', () => {
  const now = Date.parse('2026-11-23T12:00:00Z')
  assert.match(describeNextAttempt(now + 40_000, now), /^Next attempt at .+ \(in 40 seconds\)\.$/)
  assert.match(describeNextAttempt(now + 7 * MINUTE, now), /\(in 7 minutes\)/)
  assert.match(describeNextAttempt(now + 3 * 60 * MINUTE, now), /\(in 3 hours\)/)
  const read429 = new BitbucketError(429, 'Rate limit for this resource has been exceeded')
  assert.match(failureMessage(read429, classifyFailure(read429)), /^Bitbucket is limiting how often Pail/)
  const down = new BitbucketError(0, 'Pail could not reach Bitbucket (ECONNREFUSED).')
  assert.equal(failureMessage(down, classifyFailure(down)), 'Pail could not reach Bitbucket (ECONNREFUSED).')
  const read503 = new BitbucketError(503, 'Something went wrong')
  assert.equal(
    failureMessage(read503, classifyFailure(read503)),
    'Bitbucket had a problem answering (503: Something went wrong). Pail will try again.',
  )
  const commit502 = new TransientUploadError(
    'commit.transient',
    502,
    'Bitbucket had a problem saving the commit (502: x). Pail will try again.',
  )
  assert.equal(failureMessage(commit502, classifyFailure(commit502)), commit502.message)
})
