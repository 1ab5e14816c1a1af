import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { z } from 'zod'
import type { Logger } from '../../../../../main/core/log/logger.js'
import { JsonStore, type DamagePolicy, type StoreNotice } from '../../../../../main/core/store/json-store.js'

async function home(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-store-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const schema = z.object({ names: z.array(z.string()) })
const reset: DamagePolicy = { kind: 'reset', what: 'The test list', then: 'Add the names again.' }

function store(dir: string, damage: DamagePolicy = reset) {
  const notices: StoreNotice[] = []
  const warnings: string[] = []
  const logger: Logger = { info: () => undefined, warn: (event) => warnings.push(event), error: () => undefined }
  const s = new JsonStore({
    file: join(dir, 'list.json'),
    schema,
    empty: () => ({ names: [] }),
    damage,
    notices: (n) => notices.push(n),
    logger,
  })
  return { s, notices, warnings }
}

for (const [what, text] of [
  ['cut off by a crash', '{"names": ["a'],
  ['empty', ''],
  ['an array', '[]'],
  ['null', 'null'],
  ['the wrong shape', '{"names": "a"}'],
] as const) {
  test(`a file that is ${what} is kept aside, said in plain words, and read as empty`, async (t) => {
    const dir = await home(t)
    await writeFile(join(dir, 'list.json'), text)
    const { s, notices } = store(dir)
    assert.deepEqual(await s.read(), { names: [] })
    const files = await readdir(dir)
    assert.deepEqual(
      files.filter((f) => f === 'list.json'),
      [],
      'the damaged file no longer stands in the way',
    )
    const copy = files.find((f) => f.startsWith('list.json.damaged-'))
    assert.ok(copy, `a copy is kept: ${files.join(', ')}`)
    assert.equal(await readFile(join(dir, copy), 'utf8'), text)
    assert.equal(notices.length, 1)
    assert.match(
      notices[0]!.message,
      /^The test list \(.*list\.json\) was damaged \(.+\), so Pail started it afresh and kept the damaged file as .*list\.json\.damaged-.*\. Add the names again\.$/,
    )
    // Once dealt with, the store works as new: an update saves.
    await s.update((v) => void v.names.push('Robin'))
    assert.deepEqual(await s.read(), { names: ['Robin'] })
    assert.equal(notices.length, 1, 'the damage is told once')
  })
}

test('a damaged cache is kept aside and rebuilt without a notice, with a log line', async (t) => {
  const dir = await home(t)
  await writeFile(join(dir, 'list.json'), '{')
  const { s, notices, warnings } = store(dir, { kind: 'rebuild' })
  assert.deepEqual(await s.read(), { names: [] })
  assert.deepEqual(notices, [])
  assert.deepEqual(warnings, ['store.damaged'])
})

test('a damaged file that may hold secrets is removed, not copied', async (t) => {
  const dir = await home(t)
  await writeFile(join(dir, 'list.json'), '{"names": ["tok')
  const { s, notices } = store(dir, { ...reset, discard: true })
  assert.deepEqual(await s.read(), { names: [] })
  assert.deepEqual(await readdir(dir), [])
  assert.match(notices[0]!.message, /removed the damaged file/)
})

test('a value that breaks the schema is refused before it reaches the disk', async (t) => {
  const dir = await home(t)
  const { s } = store(dir)
  await s.update((v) => void v.names.push('a'))
  await assert.rejects(s.update((v) => void (v.names as unknown[]).push(42)))
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'list.json'), 'utf8')), { names: ['a'] })
})

test('updates in one process are applied one after another: none is lost', async (t) => {
  const dir = await home(t)
  const { s } = store(dir)
  await Promise.all(Array.from({ length: 20 }, (_, i) => s.update((v) => void v.names.push(`n${i}`))))
  assert.equal((await s.read()).names.length, 20)
})
