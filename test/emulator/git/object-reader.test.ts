/**
 * The long-lived `cat-file --batch-command` behind GitRepository's lookups: its answers are those
 * of a fresh `git rev-parse` however the repository changed meanwhile, they come back in order,
 * names one line cannot carry still resolve, and an idle reader never keeps Node running.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { git, GitRepository } from './git-store.js'

async function repository(t: TestContext): Promise<{ repo: GitRepository; gitDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'emu-reader-'))
  const repo = new GitRepository(join(dir, 'r.git'))
  t.after(async () => {
    await repo.close()
    await rm(dir, { recursive: true, force: true })
  })
  await repo.init('main')
  return { repo, gitDir: repo.gitDir }
}

async function commit(repo: GitRepository, parent: string | null, files: Record<string, string>): Promise<string> {
  const blobs = await repo.writeBlobs(Object.values(files))
  return repo.createCommit({
    parent,
    changes: Object.keys(files).map((path, i) => ({ path, blob: blobs[i]!, mode: '100644' })),
    deletions: [],
    message: 'test\n',
    authorName: 'Test Author',
    authorEmail: 'author@example.com',
  })
}

const run = async (dir: string, ...args: string[]): Promise<string> => (await git(dir, args)).toString().trim()

test('the reader answers as a fresh rev-parse after branches move, get packed or go, and objects arrive', async (t) => {
  const { repo, gitDir: dir } = await repository(t)
  const first = await commit(repo, null, { 'README.md': 'one' })
  assert.ok(await repo.moveBranch('main', first, null))
  assert.equal(await repo.branchTip('main'), first)

  // Another process moves the branch: the reader (started above) sees it.
  const second = await commit(repo, first, { 'README.md': 'two' })
  await run(dir, 'update-ref', 'refs/heads/main', second)
  assert.equal(await repo.branchTip('main'), second)
  assert.equal(await repo.resolveCommit('main'), second)

  // Packed refs, then a loose ref over the packed one.
  await run(dir, 'pack-refs', '--all')
  assert.equal(await repo.branchTip('main'), second)
  await run(dir, 'update-ref', 'refs/heads/main', first)
  assert.equal(await repo.branchTip('main'), first)

  // An object written by another git, then moved into a pack and its loose copy removed.
  const blob = (await git(dir, ['hash-object', '-w', '--stdin'], { input: 'arrived later' })).toString().trim()
  const tree = await run(dir, 'mktree', '--missing')
  const later = (await git(dir, ['commit-tree', tree], { input: 'later\n' })).toString().trim()
  assert.deepEqual(await repo.objectInfo(blob), { sha: blob, type: 'blob', size: 13 })
  assert.equal(await repo.resolveCommit(later), later)
  await run(dir, 'update-ref', 'refs/heads/later', later)
  await run(dir, 'repack', '-a', '-d', '-q')
  await run(dir, 'prune-packed')
  assert.equal(await repo.resolveCommit(later.slice(0, 10)), later)
  assert.equal(await repo.typeAt(second, 'README.md'), 'blob')

  await run(dir, 'update-ref', '-d', 'refs/heads/later')
  assert.equal(await repo.branchTip('later'), null)
  assert.equal(await repo.objectInfo('refs/heads/later'), null)
})

test('many questions at once are answered in order; line breaks and NULs in names are handled', async (t) => {
  const { repo } = await repository(t)
  const base = await commit(repo, null, { 'a.txt': 'a', 'two\nlines.txt': 'b', 'dir/c.txt': 'c' })
  const tree = await repo.treeOf(base)
  const names = Array.from(
    { length: 300 },
    (_, i) => [`${base}:a.txt`, `${base}^{tree}`, 'nothing-here', `${base}:dir`][i % 4]!,
  )
  const expected = [
    await run(repo.gitDir, 'rev-parse', `${base}:a.txt`),
    tree,
    null,
    await run(repo.gitDir, 'rev-parse', `${base}:dir`),
  ]
  const answers = await Promise.all(names.map((name) => repo.objectInfo(name)))
  for (const [i, answer] of answers.entries())
    assert.equal(answer?.sha ?? null, expected[i % 4], `answer ${i} (${names[i]})`)
  // A path with a newline cannot go on one batch line; it still resolves (through rev-parse).
  assert.equal(await repo.typeAt(base, 'two\nlines.txt'), 'blob')
  assert.equal(await repo.typeAt(base, 'two'), null)
  // A NUL would cut the name short in git (`main` alone would resolve); it names nothing.
  await repo.moveBranch('main', base, null)
  assert.equal(await repo.resolveCommit('main\0junk'), null)
  assert.equal(await repo.branchTip('main\r'), null)
  assert.equal(await repo.resolveCommit('main'), base)
})

test('an idle reader does not keep Node running; a closed one starts again on the next question', async (t) => {
  const { repo, gitDir: dir } = await repository(t)
  const sha = await commit(repo, null, { 'README.md': 'x' })
  await repo.moveBranch('main', sha, null)

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./object-reader-child.ts', import.meta.url)), dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  // Deadline for the child to end by itself (its own start-up under tsx takes a second or two).
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null]
  clearTimeout(deadline)
  assert.equal(signal, null, 'the child had to be killed: the idle reader kept it running')
  assert.equal(code, 0)
  assert.equal(out.trim(), sha)

  assert.equal(await repo.branchTip('main'), sha)
  await repo.close()
  assert.equal(await repo.branchTip('main'), sha)

  // Closed with questions open, then asked again at once: each child answers its own questions.
  const open = Array.from({ length: 5000 }, (_, i) => repo.objectInfo(i % 2 ? 'refs/heads/main' : 'nothing-here'))
  const closing = repo.close()
  const after = repo.objectInfo(`${sha}^{tree}`)
  await closing
  assert.deepEqual(
    (await Promise.all(open)).map((info) => info?.sha ?? null),
    open.map((_, i) => (i % 2 ? sha : null)),
  )
  assert.equal((await after)?.sha, await repo.treeOf(sha))
})

test('treeEntries reads trees through the reader, asked among other questions, as ls-tree lists them', async (t) => {
  const { repo, gitDir: dir } = await repository(t)
  const files: Record<string, string> = { 'a.txt': 'a', 'two\nlines.txt': 'b', 'dir/c.txt': 'c', 'dir/sub/d': 'd' }
  // Enough entries that answers span several reads from git's pipe.
  for (let i = 0; i < 3000; i++) files[`many/f${i}.txt`] = `file ${i}\n`
  const base = await commit(repo, null, files)
  const listed = async (treeish: string): Promise<Map<string, { mode: string; sha: string }>> => {
    const out = (await git(dir, ['ls-tree', '-z', treeish])).toString('utf8')
    const map = new Map<string, { mode: string; sha: string }>()
    for (const line of out.split('\0').filter(Boolean)) {
      const [mode, , sha] = line.slice(0, line.indexOf('\t')).split(' ')
      // ls-tree pads nothing but writes a directory's mode as 040000; the tree object says 40000.
      map.set(line.slice(line.indexOf('\t') + 1), { mode: mode!.replace(/^0/, ''), sha: sha! })
    }
    return map
  }
  const root = await repo.treeOf(base)
  const rootEntries = await listed(root)
  const trees = [root, rootEntries.get('dir')!.sha, rootEntries.get('many')!.sha]
  // Trees, a blob asked as a tree, missing objects and plain lookups, all in one turn.
  const answers = await Promise.all([
    ...trees.map((sha) => repo.treeEntries(sha)),
    repo.treeEntries(rootEntries.get('a.txt')!.sha),
    repo.treeEntries('0'.repeat(40)),
    repo.typeAt(base, 'dir/sub'),
    ...trees.map((sha) => repo.treeEntries(sha)),
  ])
  for (const [i, sha] of [...trees, ...trees].entries()) {
    const index = i < 3 ? i : i + 3
    assert.deepEqual(answers[index], await listed(sha), `tree ${sha}`)
  }
  assert.equal(answers[3], null, 'a blob is not a tree')
  assert.equal(answers[4], null, 'a missing object')
  assert.equal(answers[5], 'tree')
})
