/**
 * The one-time secret of `pail serve`: spent once for a fresh session cookie (HttpOnly,
 * SameSite=Strict, Path=/), never the secret itself; only a cookie it handed out opens a session.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SessionGate } from '../../../../../main/cli/serve/session-gate.js'

test('the secret opens one session, once', () => {
  const gate = new SessionGate(4000)
  assert.equal(gate.exchange('wrong'), null)
  const cookie = gate.exchange(gate.secret)
  assert.ok(cookie)
  assert.match(cookie, /^pail-session-4000=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/)
  assert.ok(!cookie.includes(gate.secret))
  assert.equal(gate.exchange(gate.secret), null, 'spent')
  const pair = cookie.split(';')[0]!
  assert.equal(gate.hasSession(pair), true)
  assert.equal(gate.hasSession(`other=1; ${pair}; more=2`), true)
})

test('no cookie, another cookie, a guessed token or the secret as a cookie opens nothing', () => {
  const gate = new SessionGate(4000)
  const token = gate.exchange(gate.secret)!.split(';')[0]!.split('=')[1]!
  for (const header of [
    undefined,
    '',
    'pail-session-4000=',
    `pail-session-4000=${gate.secret}`,
    `pail-session-4001=${token}`,
    `pail-session-4000=${token}x`,
    `xpail-session-4000=${token}`,
  ])
    assert.equal(gate.hasSession(header), false, String(header))
})

test('each server has its own secret and cookie name', () => {
  const a = new SessionGate(4000)
  const b = new SessionGate(4001)
  assert.notEqual(a.secret, b.secret)
  assert.equal(b.exchange(a.secret), null)
  assert.notEqual(a.cookieName, b.cookieName)
})
