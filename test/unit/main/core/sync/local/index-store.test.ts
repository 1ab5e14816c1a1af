import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { IndexCorruptError } from '../../../../../../main/core/sync/local/index-format.js'
import { emptyIndex, IndexStore, loadIndex, saveIndex } from '../../../../../../main/core/sync/local/index-store.js'
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
    [JSON.stringify({ ...sample(), version: 3 }), /newer version of Pail \(format 3\)/],
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

/** An index of `n` files, a path per file. */
function many(n: number, base = sha('c')): PairIndex {
  const files: PairIndex['files'] = {}
  for (let i = 0; i < n; i++)
    files[`d${i % 10}/f${i}.txt`] = { size: i, mtimeMs: 1700000000000 + i, sha: sha('1'), mode: 'file' }
  return { version: 1, base, branch: 'main', files }
}

/** What a one-file commit does to the index: one entry set, the base moved. */
function commitOne(index: PairIndex, path: string, c: string): void {
  index.files[path] = { size: 7, mtimeMs: 1800000000000, sha: sha(c), mode: 'file' }
  index.base = sha(c)
}

test('a one-file commit appends one journal line, not the whole index; a load sees it; no change writes nothing', async (t) => {
  const file = join(await dir(t), 'index.json')
  const store = new IndexStore(file, 'main')
  await store.save(many(1000))
  const snapshotBytes = (await readFile(file)).length
  const index = await store.load()
  commitOne(index, 'd1/new.txt', 'a')
  delete index.files['d2/f2.txt']
  await store.save(index)
  assert.equal(store.lastSave?.kind, 'journal')
  assert.ok(store.lastSave.bytes < 300, `${store.lastSave.bytes} bytes for one file`)
  assert.equal((await readFile(file)).length, snapshotBytes, 'the snapshot is left alone')
  const lines = (await readFile(store.journalFile, 'utf8')).split('\n')
  assert.equal(lines.length, 2)
  assert.deepEqual(Object.keys(JSON.parse(lines[0]!).set as object), ['d1/new.txt'])
  assert.deepEqual(JSON.parse(lines[0]!).delete, ['d2/f2.txt'])
  assert.deepEqual(await loadIndex(file, 'main'), index)
  await store.save(index)
  assert.deepEqual(store.lastSave, { kind: 'unchanged', bytes: 0 })
  assert.equal((await readFile(store.journalFile, 'utf8')).split('\n').length, 2)
})

test('a line cut short by a crash is the save that did not happen; the next save writes a whole snapshot', async (t) => {
  const file = join(await dir(t), 'index.json')
  const store = new IndexStore(file, 'main')
  await store.save(many(100))
  const first = await store.load()
  commitOne(first, 'one.txt', 'a')
  await store.save(first)
  const landed = structuredClone(first)
  commitOne(first, 'two.txt', 'b')
  await store.save(first)
  // The crash: the second line only partly on disk.
  const text = await readFile(store.journalFile, 'utf8')
  const cut = text.slice(0, text.indexOf('\n') + 1 + 40)
  await writeFile(store.journalFile, cut)
  const reopened = new IndexStore(file, 'main')
  const loaded = await reopened.load()
  assert.deepEqual(loaded, landed, 'every entry of the whole line, nothing of the cut one')
  commitOne(loaded, 'three.txt', 'd')
  await reopened.save(loaded)
  assert.equal(reopened.lastSave?.kind, 'snapshot', 'nothing is appended after a cut line')
  await assert.rejects(readFile(reopened.journalFile), /ENOENT/)
  assert.deepEqual(await loadIndex(file, 'main'), loaded)
})

test('the journal is compacted into a new snapshot once it outgrows its share; lines of an older snapshot are left out', async (t) => {
  const folder = await dir(t)
  const file = join(folder, 'index.json')
  const store = new IndexStore(file, 'main', { fraction: 0.25, minBytes: 0 })
  await store.save(many(20))
  const index = await store.load()
  const kinds: string[] = []
  let oldJournal = ''
  for (let i = 0; i < 12; i++) {
    commitOne(index, `f${i}.txt`, (i % 10).toString())
    const before = await readFile(store.journalFile, 'utf8').catch(() => '')
    await store.save(index)
    kinds.push(store.lastSave!.kind)
    assert.deepEqual(await loadIndex(file, 'main'), index, `after save ${i + 1}`)
    if (store.lastSave!.kind === 'snapshot') {
      oldJournal = before
      await assert.rejects(readFile(store.journalFile), /ENOENT/, 'the compacted journal is gone')
      break
    }
  }
  assert.deepEqual(
    kinds.slice(0, -1).length > 0 && kinds.slice(0, -1).every((k) => k === 'journal'),
    true,
    kinds.join(' '),
  )
  assert.ok(oldJournal.length > 0)
  // A crash between the new snapshot's rename and the journal's removal leaves the old lines.
  await writeFile(store.journalFile, oldJournal)
  assert.deepEqual(await loadIndex(file, 'main'), index, 'the old lines are not applied again')
  const after = new IndexStore(file, 'main')
  const reloaded = await after.load()
  commitOne(reloaded, 'last.txt', 'e')
  await after.save(reloaded)
  assert.equal(after.lastSave?.kind, 'snapshot', 'an old journal is never appended to')
  assert.deepEqual(await loadIndex(file, 'main'), reloaded)
})

test('a damaged journal or a journal without its snapshot is a plain-words error, never a shorter index', async (t) => {
  const file = join(await dir(t), 'index.json')
  const store = new IndexStore(file, 'main')
  await store.save(many(10))
  const index = await store.load()
  commitOne(index, 'a.txt', 'a')
  await store.save(index)
  const good = await readFile(store.journalFile, 'utf8')
  const generation = (JSON.parse(good) as { generation: string }).generation
  const line = (set: unknown, extra: object = {}): string =>
    `${JSON.stringify({ generation, base: sha('a'), branch: 'main', set, delete: [], ...extra })}\n`
  const cases: [string, RegExp][] = [
    [`${good}{"generation":\n`, /line 2 of the journal is not valid JSON/],
    [`${good}\0\0\0\0\n`, /line 2 of the journal is not valid JSON/],
    [
      line({ 'b.txt': { size: 1, mtimeMs: 1, sha: 'xyz', mode: 'file' } }),
      /line 1 of the journal: problem at "set\.b\.txt\.sha": is not a git SHA-1/,
    ],
    [
      line({ '../b.txt': { size: 1, mtimeMs: 1, sha: sha('1'), mode: 'file' } }),
      /not a relative path inside the folder/,
    ],
    [line({}, { delete: ['/etc/passwd'] }), /not a relative path inside the folder/],
    [line({}, { extra: 1 }), /line 1 of the journal: problem at/],
  ]
  for (const [text, detail] of cases) {
    await writeFile(store.journalFile, text)
    await assert.rejects(loadIndex(file, 'main'), (error: Error) => {
      assert.ok(error instanceof IndexCorruptError, text)
      assert.match(error.message, /^Pail's record of what it last synced for this folder is damaged/)
      assert.match(error.message, detail)
      assert.ok(error.message.includes(store.journalFile))
      return true
    })
  }
  const snapshot = await readFile(file, 'utf8')
  await writeFile(file, snapshot.replace(sha('1'), 'not-a-sha'))
  await assert.rejects(loadIndex(file, 'main'), /problem at "files\.d0\/f0\.txt\.sha": is not a git SHA-1/)
  await rm(file)
  await writeFile(store.journalFile, good)
  await assert.rejects(loadIndex(file, 'main'), /missing, but its journal of later changes is there/)
})

test('a save after another writer changed the files writes a whole snapshot rather than a line against what it no longer knows', async (t) => {
  const file = join(await dir(t), 'index.json')
  await saveIndex(file, many(50))
  const a = new IndexStore(file, 'main')
  const b = new IndexStore(file, 'main')
  const mine = await a.load()
  const theirs = await b.load()
  commitOne(theirs, 'd1/f1.txt', 'b')
  await b.save(theirs)
  commitOne(mine, 'mine.txt', 'a')
  await a.save(mine)
  assert.equal(a.lastSave?.kind, 'snapshot')
  assert.deepEqual(await loadIndex(file, 'main'), mine, 'the last save wins whole, as with one file')
})

test('an index written before the journal (format 1) is read, and the first save writes the new format', async (t) => {
  const file = join(await dir(t), 'index.json')
  await writeFile(file, JSON.stringify(sample(), null, 2))
  const store = new IndexStore(file, 'main')
  const index = await store.load()
  assert.deepEqual(index, sample())
  commitOne(index, 'new.txt', 'a')
  await store.save(index)
  assert.equal(store.lastSave?.kind, 'snapshot')
  assert.equal((JSON.parse(await readFile(file, 'utf8')) as { version: number }).version, 2)
  assert.deepEqual(await loadIndex(file, 'main'), index)
})

test('a repeated load while the files are unchanged gives a copy of its own; any change to the files is read afresh', async (t) => {
  const file = join(await dir(t), 'index.json')
  await saveIndex(file, many(100))
  for (let pass = 0; pass < 3; pass++) {
    const index = await loadIndex(file, 'main')
    assert.deepEqual(index, many(100), 'what a pass did to its copy is not in the next one')
    index.files[`added-by-pass-${pass}.txt`] = { size: 1, mtimeMs: 1, sha: sha('9'), mode: 'file' }
    index.base = sha('9')
  }
  // Same length, other bytes: damage is found, not hidden behind the last read.
  const text = await readFile(file, 'utf8')
  await writeFile(file, text.replace(sha('1'), sha('x').replace(/x/g, 'z')))
  await assert.rejects(loadIndex(file, 'main'), IndexCorruptError)
})

test('after a save, the next load in this process is what the save wrote, without parsing the files again', async (t) => {
  const file = join(await dir(t), 'index.json')
  const parse = t.mock.method(JSON, 'parse')
  const parsedIndex = (): number =>
    parse.mock.calls.filter((c) => typeof c.arguments[0] === 'string' && c.arguments[0].includes('"generation"')).length
  await saveIndex(file, many(100))
  const store = new IndexStore(file, 'main')
  const index = await store.load()
  assert.deepEqual(index, many(100))
  commitOne(index, 'd1/new.txt', '5')
  await store.save(index)
  assert.equal(store.lastSave?.kind, 'journal')
  const next = await new IndexStore(file, 'main').load()
  assert.deepEqual(next, index, 'the snapshot and its journal line')
  assert.equal(parsedIndex(), 0, 'neither was parsed again')
  // Entries are shared with what the next pass gets: changing one in place fails loudly.
  assert.throws(() => {
    next.files['d1/new.txt']!.size = 8
  }, TypeError)
  assert.deepEqual(await new IndexStore(file, 'main').settled(), { base: sha('5'), branch: 'main' })
  // A writer that is not this process: the files are read again.
  await writeFile(store.journalFile, '')
  assert.equal(await new IndexStore(file, 'main').settled(), null)
  assert.deepEqual(await new IndexStore(file, 'main').load(), many(100))
  assert.ok(parsedIndex() > 0)
})
