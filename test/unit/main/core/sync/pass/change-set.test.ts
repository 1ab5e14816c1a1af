import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { hashBlob } from '../../../../../../main/core/git/blob-hash.js'
import { buildChangeSet, type ChangeSetOptions } from '../../../../../../main/core/sync/pass/change-set.js'
import { emptyIndex } from '../../../../../../main/core/sync/local/index-store.js'
import { scanFolder, scanPaths, type ScanResult } from '../../../../../../main/core/sync/local/scanner.js'
import { formatBytes } from '../../../../../../main/core/sync/local/skipped.js'
import type { IndexEntry, PairIndex } from '../../../../../../main/core/sync/types.js'

type After = { after: (fn: () => Promise<void>) => void }
const posix = process.platform !== 'win32'
/** Hashing "later" than any file was written, so no entry counts as racily clean. */
const settled: ChangeSetOptions = { now: () => Date.now() + 60_000 }

async function folder(t: After, files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pail-changes-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

/** An index entry that matches a scanned file exactly (as after a sync). */
function synced(scan: ScanResult, path: string, content: string): IndexEntry {
  const entry = scan.entries.get(path)!
  return { size: entry.size, mtimeMs: entry.mtimeMs, sha: hashBlob(content), mode: entry.mode }
}

function indexOf(files: Record<string, IndexEntry>): PairIndex {
  return { ...emptyIndex('main'), base: 'b'.repeat(40), files }
}

test('new files become uploads under the pair path, with the index entry they will have once committed', async (t) => {
  const root = await folder(t, { 'a.txt': 'alpha', 'Docs/b.md': '# b' })
  const changes = await buildChangeSet(await scanFolder(root), emptyIndex('main'), {
    ...settled,
    pathInRepo: '/team/shared/',
  })
  assert.deepEqual(changes.uploads, [
    { repoPath: 'team/shared/Docs/b.md', absolutePath: join(root, 'Docs', 'b.md'), mode: 'file' },
    { repoPath: 'team/shared/a.txt', absolutePath: join(root, 'a.txt'), mode: 'file' },
  ])
  assert.equal(changes.hashed.get('a.txt')!.sha, hashBlob('alpha'))
  assert.equal(changes.hashed.get('a.txt')!.size, 5)
  assert.deepEqual(changes.deletions, [])
  assert.equal(changes.unchanged.size, 0)
})

test('only paths whose size, mtime or mode moved are hashed; same content is "unchanged" with a fresh stat', async (t) => {
  const root = await folder(t, { 'same.txt': 'same', 'touched.txt': 'touched', 'edited.txt': 'before' })
  const before = await scanFolder(root)
  // same.txt's index entry has a wrong hash: had it been hashed, it would become an upload.
  const index = indexOf({
    'same.txt': { ...synced(before, 'same.txt', 'same'), sha: 'f'.repeat(40) },
    'touched.txt': synced(before, 'touched.txt', 'touched'),
    'edited.txt': synced(before, 'edited.txt', 'before'),
  })
  await utimes(join(root, 'touched.txt'), new Date(), new Date(Date.now() - 5_000_000))
  await writeFile(join(root, 'edited.txt'), 'after!')
  const changes = await buildChangeSet(await scanFolder(root), index, settled)
  assert.deepEqual(
    changes.uploads.map((u) => u.repoPath),
    ['edited.txt'],
  )
  assert.equal(changes.hashed.get('edited.txt')!.sha, hashBlob('after!'))
  assert.deepEqual([...changes.unchanged.keys()], ['touched.txt'])
  const touched = changes.unchanged.get('touched.txt')!
  assert.equal(touched.sha, hashBlob('touched'))
  assert.notEqual(touched.mtimeMs, index.files['touched.txt']!.mtimeMs, 'the new stat, for the caller to save')
  assert.deepEqual(changes.deletions, [])
})

test('a file hashed moments after it was written is recorded with mtime 0, so the next scan checks it again', async (t) => {
  const root = await folder(t, { 'fresh.txt': 'x' })
  const scan = await scanFolder(root)
  const mtime = scan.entries.get('fresh.txt')!.mtimeMs
  const racy = await buildChangeSet(scan, emptyIndex('main'), { now: () => mtime + 1000 })
  assert.equal(racy.hashed.get('fresh.txt')!.mtimeMs, 0)
  const calm = await buildChangeSet(scan, emptyIndex('main'), { now: () => mtime + 3000 })
  assert.equal(calm.hashed.get('fresh.txt')!.mtimeMs, mtime)
})

test(
  'an executable bit added or removed is an upload with the new mode',
  { skip: !posix && 'no executable bit' },
  async (t) => {
    const root = await folder(t, { 'run.sh': 'echo hi\n' })
    const index = indexOf({ 'run.sh': synced(await scanFolder(root), 'run.sh', 'echo hi\n') })
    await chmod(join(root, 'run.sh'), 0o755)
    const changes = await buildChangeSet(await scanFolder(root), index, settled)
    assert.deepEqual(
      changes.uploads.map((u) => [u.repoPath, u.mode]),
      [['run.sh', 'executable']],
    )
    assert.equal(changes.hashed.get('run.sh')!.mode, 'executable')
  },
)

test('where the executable bit is not trusted (Windows), an indexed executable stays executable', async (t) => {
  const root = await folder(t, { 'run.sh': 'echo hi\n' })
  const scan = await scanFolder(root)
  const index = indexOf({ 'run.sh': { ...synced(scan, 'run.sh', 'echo hi\n'), mode: 'executable', mtimeMs: 1 } })
  const changes = await buildChangeSet(scan, index, { ...settled, trustExecutableBit: false })
  assert.deepEqual(changes.uploads, [])
  assert.equal(changes.unchanged.get('run.sh')!.mode, 'executable')
})

test(
  'links are uploaded as links carrying the target text that was hashed',
  { skip: !posix && 'symlinks' },
  async (t) => {
    const root = await folder(t, { 'target.txt': 't' })
    await symlink('target.txt', join(root, 'shortcut'))
    const changes = await buildChangeSet(await scanFolder(root), emptyIndex('main'), settled)
    const link = changes.uploads.find((u) => u.repoPath === 'shortcut')!
    assert.deepEqual(link, {
      repoPath: 'shortcut',
      absolutePath: join(root, 'shortcut'),
      mode: 'link',
      linkTarget: 'target.txt',
    })
    assert.equal(changes.hashed.get('shortcut')!.sha, hashBlob('target.txt'))
  },
)

test('deletions only for indexed paths that are gone — not for skipped, ignored or out-of-scope ones', async (t) => {
  const root = await folder(t, { 'kept.txt': 'k', 'big.bin': 'x'.repeat(2000), 'dir/in.txt': 'i' })
  const sha = 'a'.repeat(40)
  const entry: IndexEntry = { size: 1, mtimeMs: 1, sha, mode: 'file' }
  const index = indexOf({
    'kept.txt': entry,
    'big.bin': entry,
    'gone.txt': entry,
    'dir/gone.txt': entry,
    'old.tmp': entry,
    'elsewhere/x.txt': entry,
  })
  const full = await buildChangeSet(await scanFolder(root), index, {
    ...settled,
    pathInRepo: 'p',
    maxFileBytes: 1000,
    isIgnored: (path) => path.endsWith('.tmp'),
  })
  assert.deepEqual(full.deletions, ['p/dir/gone.txt', 'p/elsewhere/x.txt', 'p/gone.txt'])
  assert.deepEqual(full.deletedPaths, ['dir/gone.txt', 'elsewhere/x.txt', 'gone.txt'])
  assert.deepEqual(
    full.skipped.map((s) => [s.path, s.reason]),
    [['big.bin', 'too-large']],
  )
  assert.match(full.skipped[0]!.message, /“big\.bin” is too big to upload \(2 KB; the limit is 1000 bytes per file\)/)
  assert.ok(!full.uploads.some((u) => u.repoPath === 'p/big.bin'))
  const partial = await buildChangeSet(await scanPaths(root, ['dir', 'gone.txt']), index, settled)
  assert.deepEqual(partial.deletions, ['dir/gone.txt', 'gone.txt'], 'elsewhere/x.txt was not looked at')
  assert.deepEqual(
    partial.uploads.map((u) => u.repoPath),
    ['dir/in.txt'],
  )
})

test('a missing folder yields no change at all', async (t) => {
  const root = await folder(t, {})
  const index = indexOf({ 'a.txt': { size: 1, mtimeMs: 1, sha: 'a'.repeat(40), mode: 'file' } })
  const changes = await buildChangeSet(await scanFolder(join(root, 'unplugged')), index)
  assert.deepEqual([changes.uploads, changes.deletions, changes.deletedPaths], [[], [], []])
})

test('a file that vanishes or changes between scan and hash is skipped as "changing", never deleted', async (t) => {
  const root = await folder(t, { 'a.txt': 'a' })
  const scan = await scanFolder(root)
  const index = indexOf({ 'a.txt': { size: 9, mtimeMs: 1, sha: 'a'.repeat(40), mode: 'file' } })
  await rm(join(root, 'a.txt'))
  const changes = await buildChangeSet(scan, index, settled)
  assert.deepEqual(
    changes.skipped.map((s) => [s.path, s.reason]),
    [['a.txt', 'changing']],
  )
  assert.match(changes.skipped[0]!.message, /changed while Pail was reading it/)
  assert.deepEqual([changes.uploads, changes.deletions], [[], []])
})

test('files over the size limit are skipped with a message; links are never too large', async (t) => {
  const root = await folder(t, { small: 'x'.repeat(10), 'huge.mov': 'y'.repeat(150) })
  await symlink('small', join(root, 'link'))
  const changes = await buildChangeSet(await scanFolder(root), emptyIndex('main'), { ...settled, maxFileBytes: 100 })
  assert.deepEqual(
    changes.uploads.map((u) => u.repoPath),
    ['link', 'small'],
  )
  assert.deepEqual(
    changes.skipped.map((s) => [s.path, s.reason]),
    [['huge.mov', 'too-large']],
  )
  assert.equal(
    changes.skipped[0]!.message,
    '“huge.mov” is too big to upload (150 bytes; the limit is 100 bytes per file). Keep it somewhere else, or add it to .pailignore to hide this message.',
  )
})

test('formatBytes', () => {
  assert.deepEqual([0, 1023, 1536, 10 * 1024 * 1024, 2.5 * 1024 ** 3].map(formatBytes), [
    '0 bytes',
    '1023 bytes',
    '1.5 KB',
    '10 MB',
    '2.5 GB',
  ])
})

test('a file hashed by an earlier round of the pass is not read again while its stat holds; a racy one is', async (t) => {
  const root = await folder(t, { 'calm.txt': 'one', 'racy.txt': 'two' })
  const scan = await scanFolder(root)
  const first = await buildChangeSet(scan, emptyIndex('main'), settled)
  const hashedBefore = new Map(first.hashed)
  hashedBefore.set('racy.txt', { ...hashedBefore.get('racy.txt')!, mtimeMs: 0 })
  // Same size, same mtime, other bytes: only a read could tell.
  for (const [path, text] of [
    ['calm.txt', 'ONE'],
    ['racy.txt', 'TWO'],
  ] as const) {
    const { mtimeMs } = scan.entries.get(path)!
    await writeFile(join(root, path), text)
    await utimes(join(root, path), mtimeMs / 1000, mtimeMs / 1000)
  }
  const again = await buildChangeSet(await scanFolder(root), emptyIndex('main'), { ...settled, hashedBefore })
  assert.equal(again.hashed.get('calm.txt')!.sha, hashBlob('one'), 'taken from the earlier round, not read')
  assert.equal(again.hashed.get('racy.txt')!.sha, hashBlob('TWO'), 'a racy entry is read again')
  assert.deepEqual(
    again.uploads.map((u) => u.repoPath),
    ['calm.txt', 'racy.txt'],
  )
})
