/**
 * The preload, the Electron handlers and `pail serve` serve exactly the contract's channels: no
 * channel missing, none extra, none renamed. The preload is the built one (out/preload/index.cjs,
 * what the window really gets), run with a fake `electron` that records what it exposes and
 * invokes; the Electron side is the registration on a fake ipcMain; the server is asked over HTTP.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  channelNames,
  eventNames,
  listenerName,
  methodName,
  type ChannelName,
} from '../../../../shared/ipc/contract.js'
import { builtPreloadFile } from '../../../../main/core/build-output.js'
import { registerHandlers } from '../../../../main/electron/ipc/register-handlers.js'
import { FakeIpcMain } from '../../main/electron/ipc/fake-ipc.js'
import { echoHandlers, invoke, openSession, startHarness } from '../../../integration/serve/serve-harness.js'

const sorted = (names: Iterable<string>): string[] => [...names].sort()

/** Runs the built preload with a fake electron; answers what it exposed and the channels its methods invoke. */
async function builtPreload(): Promise<{ exposed: Record<string, unknown>; invoked: string[]; listened: string[] }> {
  const file = builtPreloadFile()
  assert.ok(existsSync(file), `${file} is missing: run "npm run build" first`)
  const exposed: Record<string, unknown> = {}
  const invoked: string[] = []
  const listened: string[] = []
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: Record<string, unknown>) => {
        assert.equal(key, 'pail')
        Object.assign(exposed, api)
      },
    },
    ipcRenderer: {
      invoke: async (channel: string) => {
        invoked.push(channel)
        return { ok: true, value: null }
      },
      on: (channel: string) => void listened.push(channel),
      off: () => undefined,
    },
    webUtils: { getPathForFile: () => '' },
  }
  const module = { exports: {} }
  const fakeRequire = (name: string): unknown => {
    if (name === 'electron') return electron
    throw new Error(`the preload required ${name}; a sandboxed preload may require only electron`)
  }
  // The built preload is one CommonJS file; run as Electron would, with our require.
  new Function('require', 'module', 'exports', readFileSync(file, 'utf8'))(fakeRequire, module, module.exports)
  for (const channel of channelNames) await (exposed[methodName(channel)] as (input?: unknown) => Promise<unknown>)()
  for (const event of eventNames) (exposed[listenerName(event)] as (listener: () => void) => unknown)(() => undefined)
  return { exposed, invoked, listened }
}

test('the built preload exposes one method per channel and one listener per event, invoking exactly those', async () => {
  const { exposed, invoked, listened } = await builtPreload()
  assert.deepEqual(
    sorted(Object.keys(exposed)),
    sorted([...channelNames.map(methodName), ...eventNames.map(listenerName), 'prepareUpload']),
  )
  assert.deepEqual(invoked, channelNames, 'each method invokes its own channel')
  assert.deepEqual(listened, [...eventNames])
})

test('the Electron handlers register exactly the contract’s channels', () => {
  const ipc = new FakeIpcMain()
  registerHandlers(ipc.registry, echoHandlers(), { isOwnWindow: () => true })
  assert.deepEqual(sorted(ipc.handlers.keys()), sorted(channelNames))
})

test('pail serve answers exactly the contract’s channels', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  assert.deepEqual(sorted(h.serve.channels), sorted(channelNames))
  for (const channel of channelNames) {
    const answer = await invoke(h, cookie, channel)
    assert.equal(answer.status, 200, channel)
    assert.equal(typeof (answer.json as { ok: unknown }).ok, 'boolean', channel)
  }
  // A name the contract does not have: methods and listeners are not channels.
  const others: string[] = [...eventNames, ...channelNames.map(methodName), 'app:get-infos', 'app']
  for (const name of others) assert.equal((await invoke(h, cookie, name)).status, 404, name)
})

test('the contract’s names keep their shape: area:verb-noun channels, area:past-participle events', () => {
  for (const name of channelNames satisfies ChannelName[]) assert.match(name, /^[a-z]+:[a-z]+(-[a-z]+)*$/, name)
  for (const name of eventNames) assert.match(name, /^[a-z]+:[a-z]+ed$/, name)
})
