/**
 * The Electron registration serves every contract channel, answers only Pail's own window (the
 * sender frame's URL, parsed, on the allow-list), validates payloads through dispatch, and can be
 * removed again.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { channelNames } from '../../../../../shared/ipc/contract.js'
import { registerHandlers } from '../../../../../main/electron/ipc/register-handlers.js'
import { ownWindowCheck } from '../../../../../main/electron/ipc/sender-check.js'
import { echoHandlers, type Echo } from '../../../../integration/serve/serve-harness.js'
import { FakeIpcMain } from './fake-ipc.js'

const rendererIndex = join('/opt', 'Pail', 'resources', 'app.asar', 'out', 'renderer', 'index.html')
const own = pathToFileURL(rendererIndex).href

function setUp() {
  const ipc = new FakeIpcMain()
  const calls: Echo[] = []
  const remove = registerHandlers(ipc.registry, echoHandlers(calls), {
    isOwnWindow: ownWindowCheck(rendererIndex, ['http://localhost:5173']),
  })
  return { ipc, calls, remove }
}

test('every channel of the contract is registered, and answers the app’s own window through dispatch', async () => {
  const { ipc, calls } = setUp()
  assert.deepEqual([...ipc.handlers.keys()].sort(), [...channelNames].sort())
  assert.deepEqual(await ipc.invoke('folders:sync-now', `${own}#/folders`, { pairId: '0123abcd' }), {
    ok: true,
    value: { channel: 'folders:sync-now', input: { pairId: '0123abcd' } },
  })
  assert.deepEqual(await ipc.invoke('app:get-info', 'http://localhost:5173/'), {
    ok: true,
    value: { channel: 'app:get-info', input: undefined },
  })
  const refused = (await ipc.invoke('folders:sync-now', own, { pairId: 'x' })) as {
    ok: boolean
    error: { code: string }
  }
  assert.equal(refused.ok, false)
  assert.equal(refused.error.code, 'request.invalid')
  assert.equal(calls.length, 2)
})

test('a request from any other frame is refused before it reaches the core', async () => {
  const { ipc, calls } = setUp()
  const foreign = [
    'https://attacker.example/',
    'https://bitbucket.org/site/oauth2/authorize',
    pathToFileURL(join('/tmp', 'evil', 'index.html')).href,
    `${own}.html`,
    pathToFileURL(join('/opt', 'Pail', 'resources', 'app.asar', 'out', 'renderer', 'other.html')).href,
    'http://localhost:5173.attacker.example/',
    'http://localhost:5173@attacker.example/',
    'http://localhost:5174/',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    '',
    'not a url',
    null,
  ]
  for (const url of foreign) {
    const answer = (await ipc.invoke('auth:sign-out', url)) as { ok: boolean; error: { code: string; message: string } }
    assert.equal(answer.ok, false, String(url))
    assert.equal(answer.error.code, 'ipc.foreign-sender', String(url))
    assert.match(answer.error.message, /only its own window/)
  }
  assert.deepEqual(calls, [], 'no handler ran')
})

test('the function it answers removes every channel again', () => {
  const { ipc, remove } = setUp()
  remove()
  assert.equal(ipc.handlers.size, 0)
})
