import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import fc from 'fast-check'
import { FileLogger, flushLogs, redact } from '../../../../../main/core/log/logger.js'

const token = 'A'.repeat(60) + '_-' + 'b9'.repeat(40)

async function tempLog(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-log-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'logs', 'pail.log')
}

async function readLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

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

test('redact knows secret keys however they are spelled', () => {
  const keys = [
    'access_token',
    'refresh-token',
    'Authorization',
    'client_secret',
    'code_verifier',
    'password',
    'Cookie',
    'set-cookie',
    'apiKey',
    'private_key',
    'credentials',
  ]
  for (const key of keys) assert.deepEqual(redact({ [key]: 'short' }), { [key]: '[redacted]' }, key)
})

test('redact keeps error codes under code keys', () => {
  const fields = {
    code: 'ENOENT',
    errorCode: 'commit.stale-parent',
    reason: { code: 'invalid_request' },
    nodeCode: 'ERR_INVALID_URL',
    busy: { code: 'port-busy' },
    exitCode: 2,
    statusCode: 404,
  }
  assert.deepEqual(redact(fields), fields)
})

test('redact hides OAuth authorization codes under code keys', () => {
  // Codes as the emulator and Bitbucket issue them: 18 random URL-safe characters.
  for (const code of ['Xq3_kP9vLm2-Rt7wYb', 'aB3dE5fG7hJ9kL1mN2', 'q7r8s9t0u1v2w3x4y5'])
    assert.deepEqual(redact({ code, authCode: code }), { code: '[redacted]', authCode: '[redacted]' }, code)
  // Any random URL-safe code from 16 to 64 characters. The seed is fixed so the run is the same
  // every time; the odds that a random code passes as an error code are below 1 in a million.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')
  const codes = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 16, maxLength: 64 })
  fc.assert(
    fc.property(codes, (code) => (redact({ code }) as { code: string }).code === '[redacted]'),
    { seed: 20240611, numRuns: 2000 },
  )
})

test('redact hides credentials in URLs', () => {
  assert.equal(
    redact('callback http://127.0.0.1:45123/pail/callback?code=Xq3_kP9vLm2-Rt7wYb&state=s1 answered'),
    'callback http://127.0.0.1:45123/pail/callback?code=[redacted]&state=[redacted] answered',
  )
  assert.deepEqual(redact({ url: 'https://x.test/cb#access_token=abc.def&token_type=bearer' }), {
    url: 'https://x.test/cb#access_token=[redacted]&token_type=bearer',
  })
})

test('redact keeps what an error says, and turns what JSON cannot hold into text', () => {
  const error = Object.assign(new Error(`request failed: Bearer ${token}`, { cause: new Error('socket hang up') }), {
    code: 'ECONNRESET',
  })
  assert.deepEqual(redact({ error }), {
    error: {
      name: 'Error',
      message: 'request failed: Bearer [redacted]',
      cause: { name: 'Error', message: 'socket hang up' },
      code: 'ECONNRESET',
    },
  })
  const loop: Record<string, unknown> = { name: 'loop' }
  loop.self = loop
  assert.deepEqual(redact({ loop, big: 10n ** 20n }), {
    loop: { name: 'loop', self: '[circular]' },
    big: '100000000000000000000',
  })
  // The same object twice, not in a cycle, is written twice.
  const shared = { a: 1 }
  assert.deepEqual(redact({ x: shared, y: shared }), { x: { a: 1 }, y: { a: 1 } })
})

test('the file logger writes JSON lines without secrets', async (t) => {
  const file = await tempLog(t)
  const logger = new FileLogger(file)
  logger.info('token.renewed', { account: 'a1', note: `got ${token}` })
  logger.warn('account.signed-out', { reason: 'Sign in again.' })
  await logger.flush()
  const lines = await readLines(file)
  assert.deepEqual(
    lines.map((l) => [l.level, l.event]),
    [
      ['info', 'token.renewed'],
      ['warn', 'account.signed-out'],
    ],
  )
  assert.equal(lines[0]!.note, 'got [redacted]')
  assert.ok(!(await readFile(file, 'utf8')).includes(token))
})

test('logging returns before the disk is touched; flush waits for the lines', async (t) => {
  const file = await tempLog(t)
  const logger = new FileLogger(file)
  logger.info('first')
  logger.error('second', { code: 'ENOSPC' })
  // Nothing of it is written while the caller still runs: the write happens after it returns.
  assert.equal(existsSync(file), false, 'the log was written synchronously')
  await logger.flush()
  assert.deepEqual(
    (await readLines(file)).map((l) => [l.event, l.code]),
    [
      ['first', undefined],
      ['second', 'ENOSPC'],
    ],
  )
})

test('lines land in the order logged, none lost or torn, from several loggers on one file', async (t) => {
  const file = await tempLog(t)
  const loggers = [new FileLogger(file), new FileLogger(file), new FileLogger(file)]
  let n = 0
  // Bursts with turns of the event loop between them, so lines arrive while batches are being written.
  for (let burst = 0; burst < 30; burst++) {
    for (let i = 0; i < 100; i++, n++) loggers[n % 3]!.info('line', { n, padding: 'x '.repeat(n % 200) })
    await new Promise((done) => setImmediate(done))
  }
  await flushLogs()
  const lines = await readLines(file)
  assert.deepEqual(
    lines.map((l) => l.n),
    Array.from({ length: n }, (_, i) => i),
  )
})

test('the log moves to pail.log.1 before it passes 5 MB, keeping one old file and every line in order', async (t) => {
  const file = await tempLog(t)
  const logger = new FileLogger(file)
  const maxBytes = 5 * 1024 * 1024
  const log = (from: number, to: number): void => {
    for (let n = from; n < to; n++) logger.info('line', { n, padding: 'x '.repeat(500) })
  }
  log(0, 6000) // about 6 MB
  await logger.flush()
  const [old, current] = [await readLines(`${file}.1`), await readLines(file)]
  assert.deepEqual(
    [...old, ...current].map((l) => l.n),
    Array.from({ length: 6000 }, (_, i) => i),
  )
  assert.ok(old.length > 0 && current.length > 0)
  assert.ok((await stat(`${file}.1`)).size <= maxBytes, 'the old file is within 5 MB')

  log(6000, 12000)
  await logger.flush()
  const [older, latest] = [await readLines(`${file}.1`), await readLines(file)]
  const kept = [...older, ...latest].map((l) => l.n as number)
  assert.deepEqual(
    kept,
    Array.from({ length: kept.length }, (_, i) => 12000 - kept.length + i),
  )
  assert.ok(kept[0]! > (old.at(-1)!.n as number), 'the second move replaced the first old file')
  assert.equal(existsSync(`${file}.2`), false)
  for (const path of [file, `${file}.1`]) assert.ok((await stat(path)).size <= maxBytes, `${path} is within 5 MB`)
})

test('a log that cannot be written never throws, and writing resumes when it can', async (t) => {
  const file = await tempLog(t)
  const rejections: unknown[] = []
  const onRejection = (reason: unknown): void => void rejections.push(reason)
  process.on('unhandledRejection', onRejection)
  t.after(() => process.off('unhandledRejection', onRejection))
  // A file where the logs folder should be: neither the folder nor the log can be made.
  await writeFile(join(file, '..'), 'not a folder')
  const logger = new FileLogger(file)
  assert.doesNotThrow(() => logger.error('lost', { reason: 'the folder is a file' }))
  await logger.flush()
  await new Promise((done) => setImmediate(done))
  assert.deepEqual(rejections, [])

  await rm(join(file, '..'))
  logger.info('kept')
  await logger.flush()
  assert.deepEqual(
    (await readLines(file)).map((l) => l.event),
    ['kept'],
  )
})

test('fields that cannot be written cost their fields, not the line, and never throw', async (t) => {
  const file = await tempLog(t)
  const logger = new FileLogger(file)
  const hostile = {
    get value(): string {
      throw new Error('getter failed')
    },
  }
  assert.doesNotThrow(() => logger.warn('odd.fields', { hostile }))
  await logger.flush()
  assert.deepEqual(await readLines(file), [
    { time: (await readLines(file))[0]!.time, level: 'warn', event: 'odd.fields', fields: '[not loggable]' },
  ])
})
