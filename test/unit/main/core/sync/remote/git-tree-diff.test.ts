/**
 * Changes read from git trees must be the changes git itself names: for each pair of commits of a
 * real repository, treeChanges equals `git diff-tree -r --no-renames` under the folder (A added,
 * D removed, M and T modified) — edits, additions, removals, a file that became a folder and back,
 * a mode change, a link, a folder left untouched. treeFiles equals `git ls-tree -r`.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import { parseCommit, parseTree } from '../../../../../../main/core/git/git-objects.js'
import { PackFile } from '../../../../../../main/core/git/pack-file.js'
import {
  treeChanges,
  treeFile,
  treeFiles,
  TreeMissing,
  type TreeSource,
} from '../../../../../../main/core/sync/remote/git-tree-diff.js'

const run = promisify(execFile)
const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }
const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await run('git', args, { cwd, env: ENV })).stdout

/** Commits that change a folder in every way a person can, oldest first. */
async function history(t: TestContext): Promise<{ dir: string; commits: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-tree-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await git(dir, 'init', '--quiet', '-b', 'main')
  await git(dir, 'config', 'user.email', 'sam@example.com')
  await git(dir, 'config', 'user.name', 'Sam')
  const commits: string[] = []
  const commit = async (change: () => Promise<void>): Promise<void> => {
    await change()
    await git(dir, 'add', '-A')
    await git(dir, 'commit', '--quiet', '--allow-empty', '-m', 'step')
    commits.push((await git(dir, 'rev-parse', 'HEAD')).trim())
  }
  const w = (path: string, text: string) => writeFile(join(dir, path), text)
  await commit(async () => {
    await mkdir(join(dir, 'team/minutes'), { recursive: true })
    await mkdir(join(dir, 'other'))
    await w('team/plan.txt', 'plan\n')
    await w('team/minutes/jan.txt', 'jan\n')
    await w('team/becomes-folder', 'file\n')
    await w('other/x.txt', 'x\n')
    await w('top.txt', 'top\n')
  })
  await commit(async () => {
    await w('team/plan.txt', 'plan v2\n')
    await w('team/minutes/feb.txt', 'feb\n')
    await w('other/x.txt', 'x v2\n')
  })
  await commit(async () => {
    await unlink(join(dir, 'team/becomes-folder'))
    await mkdir(join(dir, 'team/becomes-folder'))
    await w('team/becomes-folder/inside.txt', 'inside\n')
    await chmod(join(dir, 'team/plan.txt'), 0o755)
    await symlink('plan.txt', join(dir, 'team/link'))
  })
  await commit(async () => {
    await rm(join(dir, 'team/minutes'), { recursive: true })
    await w('team/minutes', 'now a file\n')
    await unlink(join(dir, 'team/link'))
    await w('team/link', 'a file where a link was\n')
  })
  await commit(async () => undefined)
  return { dir, commits }
}

/** Trees and commits from a pack of the whole repository. */
async function sourceOf(dir: string): Promise<TreeSource> {
  const path = join(dir, 'all.pack')
  await run('sh', ['-c', `git rev-list --objects --all | cut -d" " -f1 | git pack-objects --stdout > all.pack`], {
    cwd: dir,
    env: ENV,
  })
  const pack = await PackFile.open(path)
  const trees = new Map<string, Buffer>()
  const roots = new Map<string, string>()
  for (const [oid, o] of pack.objects) {
    if (o.type === 'tree') trees.set(oid, (await pack.read(oid)).content)
    if (o.type === 'commit') roots.set(oid, parseCommit((await pack.read(oid)).content).tree)
  }
  await pack.close()
  return { tree: (oid) => (trees.has(oid) ? parseTree(trees.get(oid)!) : null), rootOf: (c) => roots.get(c) ?? null }
}

const WORDS: Record<string, string> = { A: 'added', D: 'removed', M: 'modified', T: 'modified' }

for (const folder of ['', 'team']) {
  test(`changes from git trees are git's own, under ${folder === '' ? 'the root' : `“${folder}”`}`, async (t) => {
    const { dir, commits } = await history(t)
    const source = await sourceOf(dir)
    for (let a = 0; a < commits.length; a++)
      for (let b = 0; b < commits.length; b++) {
        const listed = await git(
          dir,
          'diff-tree',
          '-r',
          '--no-renames',
          '--name-status',
          commits[a]!,
          commits[b]!,
          '--',
          ...(folder ? [folder] : []),
        )
        const expected = new Map(
          listed
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => {
              const [status, path] = line.split('\t') as [string, string]
              return [path, WORDS[status[0]!]!] as const
            }),
        )
        assert.deepEqual(treeChanges(source, commits[a]!, commits[b]!, folder), expected, `${a} → ${b}`)
      }
  })
}

test("a commit's files from git trees are git's own, and one file is found by its path", async (t) => {
  const { dir, commits } = await history(t)
  const source = await sourceOf(dir)
  const MODES: Record<string, string> = { '100644': 'file', '100755': 'executable', '120000': 'link' }
  for (const commit of commits) {
    const listed = await git(dir, 'ls-tree', '-r', commit)
    const expected = new Map(
      listed
        .trim()
        .split('\n')
        .map((line) => {
          const [info, path] = line.split('\t') as [string, string]
          const [mode, , oid] = info.split(' ') as [string, string, string]
          return [path, { oid, mode: MODES[mode]! }] as const
        }),
    )
    assert.deepEqual(treeFiles(source, commit, ''), expected)
    for (const [path, file] of expected) assert.deepEqual(treeFile(source, commit, path), file)
    assert.equal(treeFile(source, commit, 'team'), null, 'a folder is not a file')
    assert.equal(treeFile(source, commit, 'nowhere/x.txt'), null)
  }
  assert.deepEqual(treeFiles(source, commits[0]!, 'nowhere'), new Map(), 'a folder that is not there has no files')
})

test('a tree that is not here says so (the caller asks the REST API)', async (t) => {
  const { dir, commits } = await history(t)
  const full = await sourceOf(dir)
  const missing: TreeSource = { tree: () => null, rootOf: full.rootOf }
  assert.throws(() => treeChanges(missing, commits[0]!, commits[1]!, ''), TreeMissing)
  assert.throws(() => treeFiles({ ...full, rootOf: () => null }, commits[0]!, ''), TreeMissing)
})
