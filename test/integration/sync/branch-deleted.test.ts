/**
 * Issue #7, point 2: a branch that does not exist (yet, or any more). Pail never creates a branch
 * that holds only part of the folder: a new branch starts from the main branch's tip (whose files
 * come into the folder), and a branch deleted on Bitbucket holds the pair until the person says
 * to create it again — on top of the last synced commit, or, if that is gone too, afresh from the
 * main branch with every file compared.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { HoldStore } from '../../../main/core/sync/pass/hold-store.js'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

const run = promisify(execFile)
const README = '# Handbook'

async function git(f: SyncFixture, ...args: string[]): Promise<string> {
  return (await run('git', ['--git-dir', f.gitDir, ...args])).stdout.trim()
}

function text(tree: Map<string, string>, path: string): string | undefined {
  const content = tree.get(path)
  return content === undefined ? undefined : Buffer.from(content, 'base64').toString()
}

async function deleteBranch(f: SyncFixture, name: string): Promise<void> {
  await f.emu.control('DELETE', '/branches', { repository: 'handbook', name })
}

function srcPosts(f: SyncFixture): number {
  return f.emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/src')).length
}

test('a first sync to a branch that does not exist yet starts it from the main branch: its files come down too', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  await writeFile(join(f.folder, 'mine.txt'), 'mine\n')
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
  assert.equal((outcome as { downloaded: number }).downloaded, 1)
  assert.match(await readFile(join(f.folder, 'README.md'), 'utf8'), new RegExp(README))
  assert.equal(await git(f, 'rev-parse', 'team^'), await git(f, 'rev-parse', 'main'), 'on top of main’s tip')
  await f.assertInSync()
})

test('a first sync of an empty folder to a new branch creates the branch as the main branch has it', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  assert.equal((await f.syncOnce()).status, 'committed', 'an empty commit creates the branch')
  assert.equal(await git(f, 'rev-parse', 'team^'), await git(f, 'rev-parse', 'main'))
  await f.assertInSync()
  assert.equal((await f.syncOnce()).status, 'up-to-date', 'and the next pass finds nothing to do')
})

test('an empty repository: the first commit has no parent', async (t) => {
  const f = await syncFixture(t, { repository: 'fresh-start', emptyRepository: true })
  await writeFile(join(f.folder, 'first.txt'), 'first\n')
  assert.equal((await f.syncOnce()).status, 'committed')
  assert.equal(await f.commitCount(), 1)
  await f.assertInSync()
})

test('the branch deleted on Bitbucket: held, nothing changed; told to, Pail creates it again whole', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  await writeFile(join(f.folder, 'notes.txt'), 'team notes\n')
  await f.syncOnce()
  const base = await git(f, 'rev-parse', 'team')
  await deleteBranch(f, 'team')
  const posts = srcPosts(f)

  const held = await f.syncOnce()
  assert.equal(held.status, 'held')
  assert.equal((held as { reason: string }).reason, 'branch-deleted')
  assert.match(
    (held as { message: string }).message,
    /^The branch “team” of pail-demo\/handbook was deleted on Bitbucket\. Pail has paused this folder and changed nothing\. .*tell Pail to create it again/,
  )
  const hold = await new HoldStore(f.stateDir).read()
  assert.equal(hold?.reason, 'branch-deleted', 'the hold is written where another process can answer it')
  await writeFile(join(f.folder, 'later.txt'), 'written while the branch was gone\n')
  assert.equal((await f.syncOnce()).status, 'held', 'an edit does not bring back a partial branch')
  assert.equal(srcPosts(f), posts, 'nothing was committed')
  await assert.rejects(git(f, 'rev-parse', '--verify', 'refs/heads/team'))

  await f.answer('recreate-branch')
  const back = await f.syncOnce()
  assert.equal(back.status, 'committed', JSON.stringify(back))
  assert.equal(await git(f, 'rev-parse', 'team^'), base, 'on top of the last synced commit')
  const tree = await f.remoteTree()
  assert.deepEqual([...tree.keys()].sort(), ['README.md', 'later.txt', 'notes.txt'], 'the whole folder')
  await f.assertInSync()
  assert.equal(await new HoldStore(f.stateDir).read(), null, 'the hold is over')
})

test('created again with nothing changed here: an empty commit on top of the last synced commit', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  await writeFile(join(f.folder, 'notes.txt'), 'team notes\n')
  await f.syncOnce()
  const base = await git(f, 'rev-parse', 'team')
  await deleteBranch(f, 'team')
  assert.equal((await f.syncOnce()).status, 'held')
  await f.answer('recreate-branch')
  assert.equal((await f.syncOnce()).status, 'committed')
  assert.equal(await git(f, 'rev-parse', 'team^'), base)
  assert.equal(await git(f, 'diff', '--stat', base, 'team'), '', 'the same files as last synced')
  await f.assertInSync()
})

test('created again when the last synced commit is gone too: afresh from main, nothing here overwritten', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  await writeFile(join(f.folder, 'notes.txt'), 'team notes\n')
  await f.syncOnce()
  const base = await git(f, 'rev-parse', 'team')
  // Meanwhile main moves on, and the team branch is deleted and its commits pruned.
  await f.emu.control('POST', '/commit', {
    files: { 'README.md': 'Robin’s new readme\n', 'guide.txt': 'from main\n' },
  })
  await deleteBranch(f, 'team')
  await run('git', ['--git-dir', f.gitDir, 'reflog', 'expire', '--expire=now', '--all'])
  await run('git', ['--git-dir', f.gitDir, 'gc', '--quiet', '--prune=now'])
  await assert.rejects(git(f, 'cat-file', '-e', `${base}^{commit}`), 'the last synced commit is gone')
  await writeFile(join(f.folder, 'notes.txt'), 'team notes, edited while the branch was gone\n')

  assert.equal((await f.syncOnce()).status, 'held')
  await f.answer('recreate-branch')
  const back = await f.syncOnce()
  assert.equal(back.status, 'committed', JSON.stringify(back))
  assert.equal(await git(f, 'rev-parse', 'team^'), await git(f, 'rev-parse', 'main'), 'on top of main’s tip')
  const tree = await f.remoteTree()
  assert.equal(text(tree, 'notes.txt'), 'team notes, edited while the branch was gone\n')
  assert.equal(text(tree, 'guide.txt'), 'from main\n', 'main’s files come down')
  assert.equal(text(tree, 'README.md'), 'Robin’s new readme\n')
  const copy = [...tree.keys()].find((p) => p.startsWith('README (conflict from test-pc '))
  assert.ok(copy, 'the folder’s README differed from main’s: kept as a copy')
  assert.match(text(tree, copy) ?? '', new RegExp(README))
  await f.assertInSync()
})

test('the branch deleted and created again from main by someone else: the folder’s versions are kept', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  await writeFile(join(f.folder, 'notes.txt'), 'team notes\n')
  await writeFile(join(f.folder, 'README.md'), 'the team’s own readme\n')
  await f.syncOnce()
  await deleteBranch(f, 'team')
  await f.emu.control('POST', '/branches', { repository: 'handbook', name: 'team', from: 'main' })
  const outcome = await f.syncOnce()
  assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
  assert.equal(await git(f, 'rev-parse', 'team^'), await git(f, 'rev-parse', 'main'), 'on top of the new branch')
  const tree = await f.remoteTree()
  assert.equal(text(tree, 'notes.txt'), 'team notes\n', 'the folder’s file goes up again')
  const copy = [...tree.keys()].find((p) => p.startsWith('README (conflict from test-pc '))
  assert.equal(text(tree, copy ?? ''), 'the team’s own readme\n', 'the folder’s readme is kept as a copy')
  assert.match(text(tree, 'README.md') ?? '', new RegExp(README), 'the branch’s readme keeps its name')
  await f.assertInSync()
})

test('created again while many files were deleted here: the branch comes back as last synced, the deletions ask', async (t) => {
  const f = await syncFixture(t, { branch: 'team' })
  await mkdir(join(f.folder, 'many'))
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeFile(join(f.folder, 'many', `${i}.txt`), `${i}\n`)))
  await f.syncOnce()
  const base = await git(f, 'rev-parse', 'team')
  await deleteBranch(f, 'team')
  await rm(join(f.folder, 'many'), { recursive: true })
  assert.equal((await f.syncOnce()).status, 'held')
  await f.answer('recreate-branch')
  const held = await f.syncOnce()
  assert.equal((held as { reason: string }).reason, 'mass-delete', JSON.stringify(held))
  assert.equal(await git(f, 'rev-parse', 'team^'), base, 'the branch is back, as last synced')
  assert.equal(await git(f, 'diff', '--stat', base, 'team'), '')
  await f.answer('delete')
  assert.equal((await f.syncOnce()).status, 'committed', 'the deletions go once answered')
  await f.assertInSync()
})
