import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { HistoryStore, historyEntrySchema } from '../../../../../main/core/history/history-store.js'

async function home(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-history-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const base = {
  source: { kind: 'manual' as const },
  workspace: 'w',
  repository: 'r',
  branch: 'main',
  files: [{ path: 'a.txt', operation: 'add' as const, bytes: 3 }],
}

test('an attempt is one entry whose newest state wins, listed newest first', async (t) => {
  const store = new HistoryStore(await home(t))
  const first = await store.start({ ...base, time: 1 })
  const second = await store.start({ ...base, time: 2 })
  await store.finish(first, { status: 'committed', commit: 'abc', link: 'http://x/commits/abc' })
  await store.finish(second, { status: 'failed', error: 'Bitbucket could not be reached.' })
  const list = await store.list()
  assert.deepEqual(
    list.map((e) => [e.time, e.status, e.commit, e.error]),
    [
      [2, 'failed', null, 'Bitbucket could not be reached.'],
      [1, 'committed', 'abc', null],
    ],
  )
})

test('a half-written last line (another process mid-write) is ignored by readers', async (t) => {
  const dir = await home(t)
  const store = new HistoryStore(dir)
  await store.start({ ...base, time: 1 })
  await appendFile(join(dir, 'history.jsonl'), '{"id":"x","time":')
  assert.equal((await store.list()).length, 1)
})

test('the file is bounded: it keeps the newest entries', async (t) => {
  const dir = await home(t)
  const store = new HistoryStore(dir, 5)
  for (let i = 0; i < 12; i++) await store.start({ ...base, time: i })
  const lines = (await readFile(join(dir, 'history.jsonl'), 'utf8')).trim().split('\n')
  assert.ok(lines.length < 10, `${lines.length} lines kept`)
  assert.deepEqual(
    (await store.list(3)).map((e) => e.time),
    [11, 10, 9],
  )
})

test('a line cut off by a crash does not swallow the next entry', async (t) => {
  const dir = await home(t)
  const store = new HistoryStore(dir)
  await store.start({ ...base, time: 1 })
  // A crash mid-write: half a line, no line break.
  await appendFile(join(dir, 'history.jsonl'), '{"id":"x","time":2,"sou')
  await new HistoryStore(dir).start({ ...base, time: 3 })
  assert.deepEqual(
    (await store.list()).map((e) => e.time),
    [3, 1],
  )
})

test('lines that are not entries are skipped, not trusted', async (t) => {
  const dir = await home(t)
  const store = new HistoryStore(dir)
  await appendFile(join(dir, 'history.jsonl'), '[]\nnull\n{"id":"y","time":"soon"}\n')
  await store.start({ ...base, time: 5 })
  assert.deepEqual(
    (await store.list()).map((e) => e.time),
    [5],
  )
})

test("an entry's files are checked as the schema checks them: what it refuses is skipped, keys it does not know are dropped", async (t) => {
  const dir = await home(t)
  const entry = (id: string, files: unknown, more: object = {}): string =>
    JSON.stringify({
      ...base,
      id,
      time: id.length,
      status: 'committed',
      commit: null,
      link: null,
      error: null,
      note: null,
      files,
      ...more,
    })
  const file = { path: 'a.txt', operation: 'add', bytes: 3 }
  const lines = [
    entry('a', [file]),
    entry('bb', [{ ...file, extra: 'dropped' }], { extra: 'dropped too' }),
    entry('ccc', [file, { ...file, operation: 'move' }]),
    entry('dddd', [{ ...file, bytes: '3' }]),
    entry('eeeee', [{ ...file, path: 5 }]),
    entry('ffffff', [null]),
    entry('ggggggg', { 0: file }),
    entry('hhhhhhhh', [file], { status: 'lost' }),
    entry('iiiiiiiii', []),
    // 1e999 reads as Infinity, which the schema refuses.
    entry('jjjjjjjjjj', [file]).replace('"bytes":3', '"bytes":1e999'),
  ]
  await appendFile(join(dir, 'history.jsonl'), lines.join('\n') + '\n')
  const expected = lines
    .map((line) => historyEntrySchema.safeParse(JSON.parse(line)))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
  assert.deepEqual(
    expected.map((e) => e.id),
    ['a', 'bb', 'iiiiiiiii'],
    'the schema keeps these three',
  )
  const read = await new HistoryStore(dir).list()
  assert.deepEqual(
    read.sort((x, y) => x.time - y.time),
    expected,
  )
})

test('after a restart an attempt is finished by its id, and a pair’s unfinished attempts can be found', async (t) => {
  const dir = await home(t)
  const pairSource = { kind: 'pair' as const, pairId: 'p1', folder: '/f' }
  const first = await new HistoryStore(dir).start({ ...base, source: pairSource, time: 1 })
  await new HistoryStore(dir).start({ ...base, source: { ...pairSource, pairId: 'p2' }, time: 2 })
  await new HistoryStore(dir).start({ ...base, time: 3 })
  const later = new HistoryStore(dir)
  assert.deepEqual(
    (await later.unfinished('p1')).map((e) => e.id),
    [first.id],
  )
  await later.finishById(first.id, { status: 'committed', commit: 'c'.repeat(40) })
  assert.deepEqual(await later.unfinished('p1'), [])
  assert.equal((await later.list()).find((e) => e.id === first.id)?.status, 'committed')
  assert.equal(await later.finishById('gone', { status: 'failed' }), null)
})

test('what another process appends or compacts is seen at once, though an unchanged file is parsed only once', async (t) => {
  const dir = await home(t)
  const mine = new HistoryStore(dir, 2)
  const theirs = new HistoryStore(dir, 2)
  const first = await mine.start({ ...base, time: 1 })
  assert.deepEqual(
    (await mine.list()).map((e) => e.status),
    ['uploading'],
  )
  // Another process (another store on the same file) finishes it: an append.
  await theirs.finish(first, { status: 'committed', commit: 'abc' })
  assert.deepEqual(
    (await mine.list()).map((e) => e.status),
    ['committed'],
    'the append is seen',
  )
  // Enough entries for the other store to compact (rewrite and rename) the file.
  for (let time = 2; time <= 6; time++) await theirs.start({ ...base, time })
  assert.deepEqual(
    (await mine.list()).map((e) => e.time),
    (await new HistoryStore(dir, 2).list()).map((e) => e.time),
    'the compacted file is seen as a fresh reader sees it',
  )
  // The list handed out is the caller's to change; the store's own is not.
  const list = await mine.list()
  list.length = 0
  assert.ok((await mine.list()).length > 0)
})
