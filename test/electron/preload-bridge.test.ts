/**
 * What only Electron can show about the preload: the page gets `window.pail` with one function
 * per contract method (every channel, every event, prepareUpload) and nothing else — no
 * ipcRenderer, no Electron object (security checklist #20). Skipped, with the reason, where the
 * Electron binary is not installed.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { channelNames, eventNames, listenerName, methodName } from '../../shared/ipc/contract.js'
import { launchPail } from './support/launch.js'

/** The contract's methods, from its own lists (RendererApi: a method per channel, `onX` per event, prepareUpload). */
const contractMethods = [...channelNames.map(methodName), ...eventNames.map(listenerName), 'prepareUpload'].sort()

test('the preload exposes window.pail with every contract method and nothing else', async (t) => {
  const pail = await launchPail(t)
  if (!pail) return
  const exposed = await pail.window.evaluate(() => {
    const bridge = (globalThis as unknown as { pail?: Record<string, unknown> }).pail
    if (!bridge) return null
    return Object.getOwnPropertyNames(bridge)
      .sort()
      .map((name) => ({ name, type: typeof bridge[name] }))
  })
  assert.ok(exposed, 'window.pail exists')
  assert.deepEqual(
    exposed.map((entry) => entry.name),
    contractMethods,
    'exactly the contract’s methods',
  )
  assert.deepEqual(
    exposed.filter((entry) => entry.type !== 'function'),
    [],
    'each is a function',
  )
})

test('a bridge method reaches the main process and answers a Result', async (t) => {
  const pail = await launchPail(t)
  if (!pail) return
  // app:get-info takes no input and needs no sign-in: the round trip through ipcMain and back.
  const answer = await pail.window.evaluate(async (method) => {
    const bridge = (globalThis as unknown as { pail: Record<string, () => Promise<{ ok: boolean }>> }).pail
    return (await bridge[method]!()).ok
  }, methodName('app:get-info'))
  assert.equal(answer, true)
})
