import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { InsideFolder } from '../../../../../../main/core/fs/inside-folder.js'
import { hashBlob } from '../../../../../../main/core/git/blob-hash.js'
import type { LocalChangeSet } from '../../../../../../main/core/sync/pass/change-set.js'
import type { Action } from '../../../../../../main/core/sync/pass/reconcile.js'
import type { SyncPair } from '../../../../../../main/core/sync/pairs/sync-pair.js'
import { applyRemote, type ApplyInput } from '../../../../../../main/core/sync/remote/apply-remote.js'
import { StagingRecord } from '../../../../../../main/core/sync/remote/staging-record.js'
import type { IndexEntry, PairIndex } from '../../../../../../main/core/sync/types.js'
import { fakeBranch, type FakeFile } from './fake-branch.js'

const posix = process.platform !== 'win32'

function entry(content: string): IndexEntry {
  return { size: Buffer.byteLength(content), mtimeMs: 0, sha: hashBlob(content), mode: 'file' }
}

async function setup(
  t: TestContext,
  options: { local: Record<string, string>; branch: Record<string, FakeFile>; indexed: Record<string, string> },
) {
  const root = await mkdtemp(join(tmpdir(), 'pail-apply-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const folder = join(root, 'folder')
  await mkdir(folder)
  for (const [path, content] of Object.entries(options.local)) {
    await mkdir(join(folder, path, '..'), { recursive: true })
    await writeFile(join(folder, path), content)
  }
  const pair: SyncPair = {
    id: '0123abcd',
    folder,
    workspace: 'pail-demo',
    repository: 'handbook',
    branch: 'main',
    pathInRepo: '',
    paused: null,
    createdAt: 0,
  }
  const index: PairIndex = {
    version: 1,
    base: 'b'.repeat(40),
    branch: 'main',
    files: Object.fromEntries(Object.entries(options.indexed).map(([p, c]) => [p, entry(c)])),
  }
  const input = (
    actions: Action[],
    local: LocalChangeSet,
    inside: InsideFolder = new InsideFolder(folder),
  ): ApplyInput => ({
    api: fakeBranch(options.branch).api,
    ref: { workspace: 'pail-demo', repository: 'handbook' },
    pair,
    tip: 'c'.repeat(40),
    actions,
    local,
    index,
    device: 'test-pc',
    now: () => new Date(2026, 10, 23, 17, 12).getTime(),
    inside,
    staging: new StagingRecord(join(root, 'state')).start(inside),
  })
  return { root, folder, index, input }
}

/** A change set with the given local edits (uploads) of files in `folder`. */
function edits(folder: string, files: Record<string, string>): LocalChangeSet {
  return {
    uploads: Object.keys(files).map((p) => ({ repoPath: p, absolutePath: join(folder, p), mode: 'file' as const })),
    deletions: [],
    deletedPaths: [],
    hashed: new Map(Object.entries(files).map(([p, c]) => [p, entry(c)])),
    unchanged: new Map(),
    skipped: [],
  }
}

const NONE: LocalChangeSet = {
  uploads: [],
  deletions: [],
  deletedPaths: [],
  hashed: new Map(),
  unchanged: new Map(),
  skipped: [],
}

/** An InsideFolder on which the person re-creates the file right after Pail moved it to its conflict copy. */
class RecreatedMeanwhile extends InsideFolder {
  override async rename(from: string, to: string): Promise<void> {
    await super.rename(from, to)
    if (to.includes('(conflict from')) await writeFile(this.absolute(from), 'written again, newest\n')
  }
}

test('a file re-created between the conflict-copy rename and the download: nothing thrown, nothing lost', async (t) => {
  const s = await setup(t, {
    local: { 'report.txt': 'mine\n' },
    indexed: { 'report.txt': 'base\n' },
    branch: { 'report.txt': { content: Buffer.from('theirs\n') } },
  })
  const applied = await applyRemote(
    s.input(
      [{ kind: 'compare', path: 'report.txt' }],
      edits(s.folder, { 'report.txt': 'mine\n' }),
      new RecreatedMeanwhile(s.folder),
    ),
  )
  const copy = 'report (conflict from test-pc 2026-11-23 1712).txt'
  assert.deepEqual(applied.copies, [copy])
  assert.deepEqual(
    applied.refused.map((r) => [r.path, r.reason]),
    [['report.txt', 'changed-here']],
    'the branch version is compared again with the newest file',
  )
  assert.equal(await readFile(join(s.folder, copy), 'utf8'), 'mine\n', 'the earlier version is in the copy')
  assert.equal(await readFile(join(s.folder, 'report.txt'), 'utf8'), 'written again, newest\n')
  assert.deepEqual(s.index.files['report.txt'], entry('base\n'), 'the index still says base: changed on both sides')
  assert.deepEqual((await readdir(s.folder)).sort(), [copy, 'report.txt'], 'no temporary file left')
})

test('a second conflict within the same minute gets its own copy name', async (t) => {
  const s = await setup(t, {
    local: { 'report.txt': 'mine again\n', 'report (conflict from test-pc 2026-11-23 1712).txt': 'mine\n' },
    indexed: { 'report.txt': 'base\n' },
    branch: { 'report.txt': { content: Buffer.from('theirs\n') } },
  })
  const applied = await applyRemote(
    s.input([{ kind: 'compare', path: 'report.txt' }], edits(s.folder, { 'report.txt': 'mine again\n' })),
  )
  assert.deepEqual(applied.copies, ['report (conflict from test-pc 2026-11-23 1712 2).txt'])
  assert.deepEqual(applied.refused, [])
  assert.equal(await readFile(join(s.folder, 'report.txt'), 'utf8'), 'theirs\n')
})

test(
  'branch changes under a folder that became a link are refused, not written or deleted outside',
  { skip: !posix },
  async (t) => {
    const s = await setup(t, {
      local: { 'keep.txt': 'k' },
      indexed: { 'notes/a.txt': 'a\n', 'notes/old.txt': 'old\n' },
      branch: {
        'notes/a.txt': { content: Buffer.from('theirs\n') },
        'notes/new.txt': { content: Buffer.from('new\n') },
      },
    })
    const elsewhere = join(s.root, 'elsewhere')
    await mkdir(elsewhere)
    await writeFile(join(elsewhere, 'a.txt'), 'a\n')
    await writeFile(join(elsewhere, 'old.txt'), 'old\n')
    await symlink(elsewhere, join(s.folder, 'notes'))
    const applied = await applyRemote(
      s.input(
        [
          { kind: 'download', path: 'notes/a.txt' },
          { kind: 'download', path: 'notes/new.txt' },
          { kind: 'delete-local', path: 'notes/old.txt' },
        ],
        NONE,
      ),
    )
    assert.deepEqual(
      applied.refused.map((r) => [r.path, r.reason]),
      [
        ['notes/a.txt', 'outside-folder'],
        ['notes/new.txt', 'outside-folder'],
        ['notes/old.txt', 'outside-folder'],
      ],
    )
    assert.deepEqual((await readdir(elsewhere)).sort(), ['a.txt', 'old.txt'])
    assert.equal(await readFile(join(elsewhere, 'a.txt'), 'utf8'), 'a\n')
    assert.equal(applied.downloaded, 0)
    assert.deepEqual(Object.keys(s.index.files).sort(), ['notes/a.txt', 'notes/old.txt'], 'the index forgets nothing')
  },
)

test('a file changed here before the branch deletion is applied is kept and refused as changed here', async (t) => {
  const s = await setup(t, {
    local: { 'draft.txt': 'edited here\n' },
    indexed: { 'draft.txt': 'base\n' },
    branch: {},
  })
  const applied = await applyRemote(s.input([{ kind: 'delete-local', path: 'draft.txt' }], NONE))
  assert.deepEqual(
    applied.refused.map((r) => [r.path, r.reason]),
    [['draft.txt', 'changed-here']],
  )
  assert.equal(await readFile(join(s.folder, 'draft.txt'), 'utf8'), 'edited here\n')
})

test('a folder here where the branch changed a file: the folder moves to a copy and is compared again', async (t) => {
  const s = await setup(t, {
    local: { 'plan/a.txt': 'a\n' },
    indexed: { plan: 'plan, as synced\n' },
    branch: { plan: { content: Buffer.from('plan, edited by Robin\n') } },
  })
  const local = edits(s.folder, { 'plan/a.txt': 'a\n' })
  const applied = await applyRemote(
    s.input(
      [
        { kind: 'download', path: 'plan' },
        { kind: 'upload', path: 'plan/a.txt' },
      ],
      { ...local, deletedPaths: ['plan'], deletions: ['plan'] },
    ),
  )
  const copy = 'plan (conflict from test-pc 2026-11-23 1712)'
  assert.deepEqual(
    applied.refused.map((r) => [r.path, r.reason]),
    [['plan', 'changed-here']],
    'compared again: the name is free for the branch’s file',
  )
  assert.deepEqual(applied.conflicts, ['plan'])
  assert.equal(await readFile(join(s.folder, copy, 'a.txt'), 'utf8'), 'a\n', 'the folder, with its files')
  await assert.rejects(readFile(join(s.folder, 'plan')), { code: 'ENOENT' })
})

test('a file here where the branch put files in a folder: the file moves to a copy and is compared again', async (t) => {
  const s = await setup(t, {
    local: { notes: 'a file now\n' },
    indexed: { 'notes/old.txt': 'old\n' },
    branch: { 'notes/new.txt': { content: Buffer.from('new from Robin\n') } },
  })
  const applied = await applyRemote(
    s.input(
      [
        { kind: 'upload', path: 'notes' },
        { kind: 'download', path: 'notes/new.txt' },
      ],
      edits(s.folder, { notes: 'a file now\n' }),
    ),
  )
  const copy = 'notes (conflict from test-pc 2026-11-23 1712)'
  assert.deepEqual(
    applied.refused.map((r) => [r.path, r.reason]),
    [['notes/new.txt', 'changed-here']],
  )
  assert.equal(await readFile(join(s.folder, copy), 'utf8'), 'a file now\n')
  assert.deepEqual(
    applied.uploads.map((u) => u.repoPath),
    [copy],
    'the file goes up under the copy’s name',
  )
  await assert.rejects(readFile(join(s.folder, 'notes')), { code: 'ENOENT' }, 'the name is free for the folder')
})

/** An InsideFolder on a computer that does not let Pail into one folder (EACCES, as without permission). */
class NoAccessTo extends InsideFolder {
  constructor(
    folder: string,
    private readonly locked: string,
  ) {
    super(folder)
  }

  override async check(path: string): Promise<void> {
    if (path.startsWith(`${this.locked}/`))
      throw Object.assign(new Error(`EACCES: permission denied, lstat '${this.absolute(path)}'`), { code: 'EACCES' })
    return super.check(path)
  }
}

test('a branch change under a folder Pail may not open waits, refused, and the rest comes in', async (t) => {
  const s = await setup(t, {
    local: {},
    indexed: {},
    branch: {
      'locked/new.txt': { content: Buffer.from('theirs\n') },
      'open/new.txt': { content: Buffer.from('also theirs\n') },
    },
  })
  const applied = await applyRemote(
    s.input(
      [
        { kind: 'download', path: 'locked/new.txt' },
        { kind: 'download', path: 'open/new.txt' },
      ],
      NONE,
      new NoAccessTo(s.folder, 'locked'),
    ),
  )
  assert.deepEqual(
    applied.refused.map((r) => [r.path, r.reason]),
    [['locked/new.txt', 'no-access']],
  )
  assert.match(applied.refused[0]!.message, /no permission/)
  assert.equal(await readFile(join(s.folder, 'open', 'new.txt'), 'utf8'), 'also theirs\n')
  assert.equal(applied.downloaded, 1)
})
