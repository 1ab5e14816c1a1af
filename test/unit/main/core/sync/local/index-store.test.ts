import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  emptyIndex,
  IndexCorruptError,
  IndexStore,
  loadIndex,
  saveIndex,
} from '../../../../../../main/core/sync/local/index-store.js'
import type { PairIndex } from '../../../../../../main/core/sync/types.js'

async function dir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'pail-index-'))
  t.after(() => rm(path, { recursive: true, force: true }))
  return path
}

const sha = (c: string): string => c.repeat(40)

function sample(): PairIndex {
  return {
    version: 1,
    base: sha('c'),
    branch: 'main',
    files: {
      'z.txt': { size: 3, mtimeMs: 1700000000000.5, sha: sha('1'), mode: 'file' },
      'a/run.sh': { size: 10, mtimeMs: 0, sha: sha('2'), mode: 'executable' },
      'Caf\u0065\u0301/link': { size: 4, mtimeMs: 5, sha: sha('3'), mode: 'link' },
    },
  }
}

test('a missing index file is an empty index with no base', async (t) => {
  const file = join(await dir(t), 'pairs', 'p1', 'index.json')
  assert.deepEqual(await loadIndex(file, 'main'), { version: 1, base: null, branch: 'main', files: {} })
  assert.deepEqual(emptyIndex('dev'), { version: 1, base: null, branch: 'dev', files: {} })
})

test('an index round-trips exactly (fractional mtimes, NFD names), sorted by path, with no temporary file left', async (t) => {
  const folder = await dir(t)
  const file = join(folder, 'nested', 'index.json')
  await saveIndex(file, sample())
  assert.deepEqual(await loadIndex(file, 'main'), sample())
  assert.deepEqual(Object.keys(JSON.parse(await readFile(file, 'utf8')).files as object), [
    'Caf\u0065\u0301/link',
    'a/run.sh',
    'z.txt',
  ])
  assert.deepEqual(await readdir(join(folder, 'nested')), ['index.json'])
})

test('a damaged index is a plain-words error, never an empty index', async (t) => {
  const file = join(await dir(t), 'index.json')
  const cases: [string, RegExp][] = [
    ['', /the file is empty/],
    ['{"version":1,"base":null,"branch":"main","files":{', /not valid JSON/],
    ['null', /problem at "\(top\)"/],
    [JSON.stringify({ ...sample(), version: 2 }), /newer version of Pail \(format 2\)/],
    [
      JSON.stringify({ ...sample(), files: { 'a.txt': { size: 1, mtimeMs: 1, sha: 'xyz', mode: 'file' } } }),
      /problem at "files\.a\.txt\.sha": is not a git SHA-1/,
    ],
    [
      JSON.stringify({ ...sample(), files: { '../escape.txt': { size: 1, mtimeMs: 1, sha: sha('1'), mode: 'file' } } }),
      /not a relative path inside the folder/,
    ],
    [
      JSON.stringify({ ...sample(), files: { '/abs.txt': { size: 1, mtimeMs: 1, sha: sha('1'), mode: 'file' } } }),
      /not a relative path inside the folder/,
    ],
    [
      JSON.stringify({ ...sample(), files: { 'a.txt': { size: 1, mtimeMs: 1, sha: sha('1'), mode: 'symlink' } } }),
      /problem at "files\.a\.txt\.mode"/,
    ],
    [JSON.stringify({ ...sample(), base: 'main' }), /problem at "base": is not a commit hash/],
  ]
  for (const [text, detail] of cases) {
    await writeFile(file, text)
    await assert.rejects(loadIndex(file, 'main'), (error: Error) => {
      assert.ok(error instanceof IndexCorruptError, text)
      assert.match(
        error.message,
        /^Pail's record of what it last synced for this folder is damaged, so Pail has stopped syncing the folder rather than guess what changed\. Your files are untouched\./,
      )
      assert.match(error.message, detail)
      assert.ok(error.message.includes(file))
      return true
    })
  }
})

test('saving refuses an index that could not be loaded back', async (t) => {
  const file = join(await dir(t), 'index.json')
  await assert.rejects(
    saveIndex(file, { ...sample(), files: { '../x': { size: 1, mtimeMs: 1, sha: sha('1'), mode: 'file' } } }),
  )
  await assert.rejects(readFile(file), /ENOENT/)
})

test('IndexStore runs saves one after another; the last one wins', async (t) => {
  const store = new IndexStore(join(await dir(t), 'index.json'), 'main')
  assert.equal((await store.load()).base, null)
  const saves = Array.from({ length: 20 }, (_, i) =>
    store.save({ ...sample(), base: i.toString(16).padStart(40, '0') }),
  )
  await Promise.all(saves)
  assert.equal((await store.load()).base, (19).toString(16).padStart(40, '0'))
})
