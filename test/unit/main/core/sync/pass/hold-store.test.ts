import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { HoldError, HoldStore, resolutionsFor } from '../../../../../../main/core/sync/pass/hold-store.js'

async function stateDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-hold-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const MASS = { reason: 'mass-delete' as const, message: '60 files were deleted…', deletions: ['b.txt', 'a.txt'] }

test('the answers that fit each reason', () => {
  assert.deepEqual(resolutionsFor('missing-folder'), [])
  assert.deepEqual(resolutionsFor('empty-folder'), ['delete', 'restore'])
  assert.deepEqual(resolutionsFor('mass-delete'), ['delete', 'restore'])
  assert.deepEqual(resolutionsFor('branch-deleted'), ['recreate-branch'])
})

test('an answer is recorded on the hold, by another store on the same folder (another process)', async (t) => {
  const dir = await stateDir(t)
  const engine = new HoldStore(dir)
  assert.equal(await engine.read(), null)
  const held = await engine.hold(MASS, 1000)
  assert.deepEqual(held, { ...MASS, deletions: ['a.txt', 'b.txt'], heldAt: 1000, resolution: null, resolvedAt: null })
  const answered = await new HoldStore(dir).resolve('restore')
  assert.equal(answered.resolution, 'restore')
  assert.ok(answered.resolvedAt !== null)
  assert.deepEqual(await engine.read(), answered)
})

test('the same hold written again keeps its time and answer; a different one replaces both', async (t) => {
  const dir = await stateDir(t)
  const store = new HoldStore(dir)
  await store.hold(MASS, 1000)
  await store.resolve('delete')
  const same = await store.hold({ ...MASS, deletions: ['a.txt', 'b.txt'] }, 2000)
  assert.deepEqual([same.heldAt, same.resolution], [1000, 'delete'])
  const other = await store.hold({ ...MASS, deletions: ['a.txt', 'b.txt', 'c.txt'] }, 3000)
  assert.deepEqual([other.heldAt, other.resolution], [3000, null], 'the person answered another question')
})

test('an answer with no hold, or one that does not fit, is refused in plain words', async (t) => {
  const store = new HoldStore(await stateDir(t))
  await assert.rejects(store.resolve('delete'), (e: unknown) => e instanceof HoldError && /not paused/.test(e.message))
  await store.hold({ reason: 'missing-folder', message: 'gone', deletions: [] })
  await assert.rejects(
    store.resolve('delete'),
    (e: unknown) => e instanceof HoldError && /Connect its drive/.test(e.message),
  )
  await store.hold({ reason: 'branch-deleted', message: 'deleted', deletions: [] })
  await assert.rejects(
    store.resolve('restore'),
    (e: unknown) => e instanceof HoldError && /What you can do: create the branch again\./.test(e.message),
  )
  assert.equal((await store.read())?.resolution, null, 'nothing was recorded')
  assert.equal((await store.resolve('recreate-branch')).resolution, 'recreate-branch')
})

test('release removes only the hold the pass read, not a newer one', async (t) => {
  const store = new HoldStore(await stateDir(t))
  const first = await store.hold(MASS, 1000)
  await store.hold({ reason: 'empty-folder', message: 'empty', deletions: ['a.txt'] }, 2000)
  await store.release(first)
  assert.equal((await store.read())?.reason, 'empty-folder')
  await store.release((await store.read())!)
  assert.equal(await store.read(), null)
})
