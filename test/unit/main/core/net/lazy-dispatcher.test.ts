import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Agent, request } from 'undici'
import { LazyDispatcher } from '../../../../../main/core/net/lazy-dispatcher.js'
import { startOrigin } from '../../../../support/forward-proxy.js'

test('the real dispatcher is built on the first request only, once, and closed with the lazy one', async (t) => {
  const origin = await startOrigin(t, 'origin')
  let built = 0
  let inner: Agent | null = null
  const lazy = new LazyDispatcher(() => {
    built += 1
    inner = new Agent()
    return inner
  })
  assert.equal(built, 0, 'nothing is built before a request')
  assert.equal(await (await request(`${origin.url}/a`, { dispatcher: lazy })).body.text(), 'origin /a')
  assert.equal(await (await request(`${origin.url}/b`, { dispatcher: lazy })).body.text(), 'origin /b')
  assert.equal(built, 1)
  await lazy.close()
  assert.equal((inner as Agent | null)?.closed, true)

  const unused = new LazyDispatcher(() => assert.fail('closing an unused dispatcher builds nothing'))
  await unused.close()
  await new Promise<void>((resolve) => unused.destroy(null, resolve))
})
