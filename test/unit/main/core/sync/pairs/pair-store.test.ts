import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { JsonSettingsStore } from '../../../../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../../../../main/core/sync/pairs/pair-store.js'
import { isPaused } from '../../../../../../main/core/sync/pairs/sync-pair.js'

async function setup(t: TestContext) {
  const root = await mkdtemp(join(tmpdir(), 'pail-pairs-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const home = join(root, 'home')
  await mkdir(join(root, 'docs', 'inner'), { recursive: true })
  await mkdir(home)
  return { root, home, store: new PairStore(new JsonSettingsStore(home), home, () => 1000) }
}

test('pairs are added, listed, paused for a time or until resumed, and removed', async (t) => {
  const { root, home, store } = await setup(t)
  const pair = await store.add({
    folder: join(root, 'docs'),
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    pathInRepo: '/team notes/',
  })
  assert.equal(pair.pathInRepo, 'team notes')
  assert.deepEqual(
    (await new PairStore(new JsonSettingsStore(home), home).list()).map((p) => p.id),
    [pair.id],
  )
  assert.equal(isPaused(await store.pause(pair.id, 5000), 4000), true)
  assert.equal(isPaused(await store.get(pair.id), 6000), false, 'a timed pause ends by itself')
  assert.equal(isPaused(await store.pause(join(root, 'docs'), null), 10 ** 15), true)
  assert.equal((await store.resume(pair.id)).paused, null)
  await store.remove(pair.id)
  assert.deepEqual(await store.list(), [])
})

test('adding refuses, in plain words, what a person could get wrong', async (t) => {
  const { root, home, store } = await setup(t)
  const ok = { workspace: 'w', repository: 'r', branch: 'main' }
  await assert.rejects(store.add({ ...ok, folder: join(root, 'missing') }), /does not exist/)
  await writeFile(join(root, 'file.txt'), 'x')
  await assert.rejects(store.add({ ...ok, folder: join(root, 'file.txt') }), /is a file, not a folder/)
  await assert.rejects(store.add({ ...ok, folder: home }), /holds Pail's own settings/)
  await assert.rejects(
    store.add({ ...ok, folder: join(root, 'docs'), repository: 'bad/name' }),
    /write it as workspace\/repository/,
  )
  await assert.rejects(
    store.add({ ...ok, folder: join(root, 'docs'), pathInRepo: 'a/../b' }),
    /not a usable folder inside the repository/,
  )
  await store.add({ ...ok, folder: join(root, 'docs') })
  await assert.rejects(store.add({ ...ok, folder: join(root, 'docs', 'inner') }), /overlaps the folder of another pair/)
  await assert.rejects(store.get('nope'), /There is no sync pair "nope"/)
})
