import assert from 'node:assert/strict'
import { test } from 'node:test'
import { channelNames, methodName } from '../../../shared/ipc/contract.js'
import { createBrowserClient, createHttpInvoke } from '../../../renderer/transport/browser-transport.js'
import { resultFromAnswer } from '../../../renderer/transport/transport-errors.js'

function recordingFetch(status: number, body: string | Error) {
  const calls: { url: string; init: RequestInit }[] = []
  const fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    if (body instanceof Error) throw body
    return { status, text: async () => body }
  }
  return { calls, fetch }
}

test('a request is a same-origin POST to its channel, with the payload as JSON', async () => {
  const http = recordingFetch(200, '{"ok":true,"value":[]}')
  const invoke = createHttpInvoke(http)
  const answer = await invoke('history:list', { query: 'report', limit: 5 })
  assert.deepEqual(answer, { ok: true, value: [] })
  assert.equal(http.calls[0]!.url, '/api/invoke/history:list')
  assert.equal(http.calls[0]!.init.method, 'POST')
  assert.equal(http.calls[0]!.init.credentials, 'same-origin')
  assert.equal(http.calls[0]!.init.body, '{"query":"report","limit":5}')
})

test('a channel without a payload sends no body', async () => {
  const http = recordingFetch(200, '{"ok":true,"value":null}')
  await createHttpInvoke(http)('auth:get-state', undefined)
  assert.equal(http.calls[0]!.init.body, undefined)
})

test("the server's error Result comes through as it is", async () => {
  const error = { code: 'folders.not-a-folder', message: 'That is not a folder.', action: 'Choose a folder.' }
  const answer = await createHttpInvoke(recordingFetch(200, JSON.stringify({ ok: false, error })))('folders:add', {
    folder: '/x',
    workspace: 'a',
    repository: 'b',
    branch: 'main',
    pathInRepo: '',
  })
  assert.deepEqual(answer, { ok: false, error })
})

test('no answer at all says Pail is not answering, in plain words', async () => {
  const answer = await createHttpInvoke(recordingFetch(0, new TypeError('Failed to fetch')))('app:get-info', undefined)
  assert.equal(answer.ok ? null : answer.error.code, 'serve.unreachable')
  assert.doesNotMatch(answer.ok ? '' : answer.error.message, /fetch|TypeError/)
})

test('an answer that is not a Result is read by its status: no session, or an error with its number', () => {
  assert.equal(resultFromAnswer(403, 'Forbidden').ok, false)
  assert.deepEqual((resultFromAnswer(401, '') as { error: { code: string } }).error.code, 'serve.no-session')
  const other = resultFromAnswer(502, '<html>Bad gateway</html>')
  assert.equal(other.ok ? null : other.error.code, 'serve.unexpected-answer')
  assert.match(other.ok ? '' : other.error.message, /502/)
  // JSON that only looks like a Result is not taken for one.
  assert.equal((resultFromAnswer(200, '{"ok":false}') as { ok: boolean }).ok, false)
  assert.equal(
    (resultFromAnswer(200, '{"ok":false}') as { error: { code: string } }).error.code,
    'serve.unexpected-answer',
  )
})

test('window.pail in the browser has a method for every channel of the contract', () => {
  const { api } = createBrowserClient({
    fetch: recordingFetch(200, '{"ok":true,"value":null}').fetch,
    openEventSource: () => ({ readyState: 0, addEventListener: () => undefined, close: () => undefined }),
    newRequest: () => {
      throw new Error('not used')
    },
    setTimeout: () => undefined,
  })
  for (const name of channelNames)
    assert.equal(typeof (api as Record<string, unknown>)[methodName(name)], 'function', name)
  assert.equal(typeof api.prepareUpload, 'function')
  assert.equal(typeof api.onAuthChanged, 'function')
})
