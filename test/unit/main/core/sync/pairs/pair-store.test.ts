import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
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
    /"bad\/name" is not a repository: Bitbucket repository names have only letters/,
  )
  await assert.rejects(store.add({ ...ok, folder: join(root, 'docs'), repository: '..' }), /"\.\." is not a repository/)
  await assert.rejects(store.add({ ...ok, folder: join(root, 'docs'), workspace: '..' }), /"\.\." is not a workspace/)
  await assert.rejects(
    store.add({ ...ok, folder: join(root, 'docs'), branch: 'a..b' }),
    /"a\.\.b" is not a branch name git accepts: it contains "\.\."/,
  )
  await assert.rejects(
    store.add({ ...ok, folder: join(root, 'docs'), pathInRepo: 'a/../b' }),
    /not a usable folder inside the repository/,
  )
  await store.add({ ...ok, folder: join(root, 'docs') })
  await assert.rejects(store.add({ ...ok, folder: join(root, 'docs', 'inner') }), /overlaps the folder of another pair/)
  await assert.rejects(store.get('nope'), /There is no sync pair "nope"/)
})

const posix = process.platform !== 'win32'

test(
  "folders are judged by their real paths: a link to Pail's home, a folder holding it, a home that is a link, an overlap through a link",
  { skip: !posix && 'symlinks' },
  async (t) => {
    const { root, home, store } = await setup(t)
    const ok = { workspace: 'w', repository: 'r', branch: 'main' }
    await symlink(home, join(root, 'home-link'))
    await assert.rejects(
      store.add({ ...ok, folder: join(root, 'home-link') }),
      /holds Pail's own settings and sign-in secrets/,
    )
    await mkdir(join(home, 'pairs'))
    await assert.rejects(store.add({ ...ok, folder: join(home, 'pairs') }), /holds Pail's own settings/)
    await assert.rejects(store.add({ ...ok, folder: root }), /holds Pail's own settings/, 'a folder holding the home')
    // A Pail home reached through a link (PAIL_HOME=…/home-link): the real home is still refused.
    const viaLink = new PairStore(new JsonSettingsStore(home), join(root, 'home-link'))
    await assert.rejects(viaLink.add({ ...ok, folder: home }), /holds Pail's own settings/)

    const docs = await store.add({ ...ok, folder: join(root, 'docs') })
    await symlink(join(root, 'docs'), join(root, 'docs-alias'))
    await assert.rejects(store.add({ ...ok, folder: join(root, 'docs-alias') }), /overlaps the folder of another pair/)
    await symlink(join(root, 'docs', 'inner'), join(root, 'inner-alias'))
    await assert.rejects(store.add({ ...ok, folder: join(root, 'inner-alias') }), /overlaps the folder of another pair/)
    assert.equal(
      (await store.get(join(root, 'docs-alias'))).id,
      docs.id,
      'a pair is found through a link to its folder',
    )
  },
)

test('settings holding a repository that is a path are refused when read', async (t) => {
  const { home, store } = await setup(t)
  const pair = {
    id: 'abcd1234',
    folder: '/x',
    workspace: 'w',
    branch: 'main',
    pathInRepo: '',
    paused: null,
    createdAt: 1,
  }
  await writeFile(join(home, 'settings.json'), JSON.stringify({ pairs: [{ ...pair, repository: '../..' }] }))
  assert.deepEqual(await store.list(), [], 'never handed to the engine')
  await writeFile(join(home, 'settings.json'), JSON.stringify({ pairs: [{ ...pair, repository: 'handbook' }] }))
  assert.equal((await store.list()).length, 1)
})
