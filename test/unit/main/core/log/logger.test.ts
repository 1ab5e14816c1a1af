import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { FileLogger, redact } from '../../../../../main/core/log/logger.js'

const token = 'A'.repeat(60) + '_-' + 'b9'.repeat(40)

test('redact hides secret keys, credentials in text and token-shaped runs, and keeps hashes and paths', () => {
  assert.deepEqual(redact({ refreshToken: 'r', consumerSecret: 's', expiresInMs: 5 }), {
    refreshToken: '[redacted]',
    consumerSecret: '[redacted]',
    expiresInMs: 5,
  })
  assert.equal(redact(`header Bearer ${token} sent`), 'header Bearer [redacted] sent')
  assert.equal(redact(`answer ${token}`), 'answer [redacted]')
  const sha = 'a'.repeat(40)
  assert.equal(
    redact(`commit ${sha} of /home/alex/Documents/Team handbook/notes.txt`),
    `commit ${sha} of /home/alex/Documents/Team handbook/notes.txt`,
  )
})

test('the file logger writes JSON lines without secrets', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pail-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const logger = new FileLogger(join(dir, 'logs', 'pail.log'))
  logger.info('token.renewed', { account: 'a1', note: `got ${token}` })
  logger.warn('account.signed-out', { reason: 'Sign in again.' })
  const lines = (await readFile(join(dir, 'logs', 'pail.log'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>)
  assert.deepEqual(
    lines.map((l) => [l.level, l.event]),
    [
      ['info', 'token.renewed'],
      ['warn', 'account.signed-out'],
    ],
  )
  assert.equal(lines[0]!.note, 'got [redacted]')
  assert.ok(!(await readFile(join(dir, 'logs', 'pail.log'), 'utf8')).includes(token))
})
