/**
 * dispatch: only the contract's channels, payloads checked by their schemas before any handler
 * runs (a refusal names the field), and every error a sentence for people — the core's own kept,
 * anything unexpected replaced, its detail only in the log.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { channelNames, type Handlers } from '../../../../../shared/ipc/contract.js'
import { AppError, dispatch } from '../../../../../main/core/app/index.js'
import { SignInFailed } from '../../../../../main/core/auth/auth-service.js'
import { CommitForbiddenError } from '../../../../../main/core/bitbucket/commit-errors.js'
import type { Logger } from '../../../../../main/core/log/logger.js'
import { PairError } from '../../../../../main/core/sync/pairs/pair-store.js'
import { UploadRequestError } from '../../../../../main/core/upload/manual-upload.js'

/** Handlers that record their calls and answer (or throw) what `answer` says. */
function recording(answer: (channel: string, input: unknown) => unknown) {
  const calls: { channel: string; input: unknown }[] = []
  const handlers = Object.fromEntries(
    channelNames.map((channel) => [
      channel,
      async (input: unknown) => {
        calls.push({ channel, input })
        return answer(channel, input)
      },
    ]),
  ) as unknown as Handlers
  return { handlers, calls }
}

function recordingLogger() {
  const lines: { level: string; event: string; fields: unknown }[] = []
  const logger: Logger = {
    info: (event, fields) => lines.push({ level: 'info', event, fields }),
    warn: (event, fields) => lines.push({ level: 'warn', event, fields }),
    error: (event, fields) => lines.push({ level: 'error', event, fields }),
  }
  return { logger, lines }
}

const target = {
  folder: '/home/alex/Documents',
  workspace: 'pail-demo',
  repository: 'handbook',
  branch: 'main',
  pathInRepo: '',
}

test('a channel outside the contract is refused in words, and no handler runs', async () => {
  const { handlers, calls } = recording(() => 'ran')
  for (const name of ['folders:format-disk', '__proto__', 'constructor', 'toString', '']) {
    const result = await dispatch(handlers, name, undefined)
    assert.equal(result.ok, false, name)
    assert.ok(!result.ok && result.error.code === 'request.unknown-channel', name)
  }
  assert.deepEqual(calls, [])
})

test('a payload the channel’s schema refuses names the field, and no handler runs', async () => {
  const { handlers, calls } = recording(() => 'ran')
  const empty = await dispatch(handlers, 'folders:add', { ...target, folder: '' })
  assert.ok(!empty.ok)
  assert.equal(empty.error.code, 'request.invalid')
  assert.match(empty.error.message, /“Folder”: Choose a folder\./)
  const badId = await dispatch(handlers, 'folders:sync-now', { pairId: '../../etc' })
  assert.ok(!badId.ok)
  assert.match(badId.error.message, /“folder” is not a folder id\./)
  const wrongType = await dispatch(handlers, 'settings:update', { notifications: 'yes' })
  assert.ok(!wrongType.ok)
  assert.match(wrongType.error.message, /“notifications”/)
  const missing = await dispatch(handlers, 'repos:list-branches', undefined)
  assert.ok(!missing.ok && missing.error.code === 'request.invalid')
  const extra = await dispatch(handlers, 'auth:get-state', { sneaky: true })
  assert.ok(!extra.ok && extra.error.code === 'request.invalid')
  assert.deepEqual(calls, [])
})

test('a checked payload reaches its handler and the answer comes back as a Result', async () => {
  const { handlers, calls } = recording((channel) => (channel === 'folders:add' ? { added: true } : null))
  const result = await dispatch(handlers, 'folders:add', target)
  assert.deepEqual(result, { ok: true, value: { added: true } })
  assert.deepEqual(calls, [{ channel: 'folders:add', input: target }])
  assert.deepEqual(await dispatch(handlers, 'app:get-info', undefined), { ok: true, value: null })
})

test('the core’s own errors keep their sentences, with a code', async () => {
  const cases: [Error, string][] = [
    [new PairError('The folder /x does not exist. Create it first, or pick another.'), 'folders.invalid'],
    [new SignInFailed('Bitbucket did not accept this access token.'), 'auth.sign-in-failed'],
    [new UploadRequestError('There is nothing to upload in what was chosen.'), 'upload.invalid'],
    [
      new CommitForbiddenError('no-write-access', [], 'You may not write to pail-demo/handbook.', null),
      'commit.no-write-access',
    ],
    [new AppError('folders.unknown', 'Pail does not sync this folder.', 'Look again.'), 'folders.unknown'],
  ]
  for (const [error, code] of cases) {
    const { handlers } = recording(() => {
      throw error
    })
    const result = await dispatch(handlers, 'folders:list', undefined)
    assert.ok(!result.ok)
    assert.equal(result.error.code, code)
    assert.equal(result.error.message, error.message)
  }
  const { handlers } = recording(() => {
    throw new AppError('folders.unknown', 'Pail does not sync this folder.', 'Look again.')
  })
  const result = await dispatch(handlers, 'folders:list', undefined)
  assert.ok(!result.ok && result.error.action === 'Look again.')
})

test('an error with its own words for people (toUserError, as staging errors have) is passed as it is', async () => {
  const staged = Object.assign(new Error('not for people'), {
    toUserError: () => ({ code: 'serve.staging-unknown', message: 'This upload is not on Pail’s side any more.' }),
  })
  const { handlers } = recording(() => {
    throw staged
  })
  const result = await dispatch(handlers, 'upload:start', {
    source: { kind: 'staged', stagingId: 'a'.repeat(32) },
    workspace: 'w',
    repository: 'r',
    branch: 'main',
    pathInRepo: '',
  })
  assert.ok(!result.ok)
  assert.deepEqual(result.error, {
    code: 'serve.staging-unknown',
    message: 'This upload is not on Pail’s side any more.',
  })
})

test('anything unexpected becomes a general sentence; its detail goes to the log only', async () => {
  const { logger, lines } = recordingLogger()
  const { handlers } = recording(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'secretThing') at /src/core.ts:12")
  })
  const result = await dispatch(handlers, 'folders:list', undefined, logger)
  assert.ok(!result.ok)
  assert.equal(result.error.code, 'app.internal')
  assert.match(result.error.message, /^Something went wrong in Pail/)
  assert.doesNotMatch(JSON.stringify(result.error), /secretThing|core\.ts|TypeError/)
  assert.equal(lines.length, 1)
  assert.equal(lines[0]!.level, 'error')
  assert.match((lines[0]!.fields as { error: Error }).error.message, /secretThing/)
})
