/**
 * A commit costs the emulator a fixed, small number of git processes, whatever its number of
 * files and deletions: `POST /src` and the control endpoint's commit write blobs, trees and the
 * commit through one `git fast-import` and ask about paths through the repository's long-lived
 * reader. A one-file `POST /src` after another is four: the refs (`for-each-ref`), `fast-import`,
 * and the branch move (`update-ref`) with the size after (`count-objects`), which the next
 * request's size check reuses.
 */
import assert from 'node:assert/strict'
import childProcess from 'node:child_process'
import { syncBuiltinESMExports } from 'node:module'
import { test, type TestContext } from 'node:test'
import { useEmulator } from '../harness.js'
import { freshRepo, lsTree, postSrc, urlencoded } from './src-test-helpers.js'

/** Counts the `git` processes this process starts (the emulator runs in it) from now until the test ends. */
function countGitProcesses(t: TestContext): () => number {
  const original = childProcess.spawn
  let count = 0
  childProcess.spawn = ((...args: Parameters<typeof original>) => {
    if (args[0] === 'git') count++
    return original(...args)
  }) as typeof original
  // The emulator imports `spawn` by name: the named ESM binding follows only after this.
  syncBuiltinESMExports()
  t.after(() => {
    childProcess.spawn = original
    syncBuiltinESMExports()
  })
  return () => count
}

test('the git processes of a commit do not grow with its files and deletions', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken()
  const dir = await freshRepo(emu, 'processes')
  const count = countGitProcesses(t)
  const processesFor = async (work: () => Promise<void>): Promise<number> => {
    const before = count()
    await work()
    return count() - before
  }
  const post = async (pairs: [string, string][]): Promise<void> => {
    const res = await postSrc(emu, token, urlencoded(pairs), { slug: 'processes' })
    assert.equal(res.status, 201, res.text)
  }
  const wide = Array.from({ length: 300 }, (_, i): [string, string] => [`wide/d${i % 7}/f${i}.txt`, `file ${i}`])

  // A first commit with a deletion starts the repository's reader; the figures compare later commits.
  await post([
    ['warm-up.txt', 'w'],
    ['files', 'not-there.txt'],
  ])
  const one = await processesFor(() => post([['one.txt', '1']]))
  const many = await processesFor(() => post(wide))
  const deletions = await processesFor(() =>
    post([...wide.map(([path]): [string, string] => ['files', path]), ['last.txt', 'l']]),
  )
  const paths = [...(await lsTree(dir, 'main')).keys()].sort()
  assert.deepEqual(paths, ['README.md', 'last.txt', 'one.txt', 'warm-up.txt'])
  assert.ok(one > 0, 'no git process counted: the counter does not see the emulator')
  assert.ok(one <= 4, `a one-file commit took ${one} git processes`)
  assert.ok(many <= one, `1 file took ${one} git processes, 300 files ${many}`)
  assert.ok(deletions <= one, `1 file took ${one} git processes, 300 deletions and 1 file ${deletions}`)

  // The control endpoint's "commit as another user" writes its blobs the same way.
  const control = (files: Record<string, string>) => () =>
    emu.control('POST', '/commit', { repository: 'processes', files }).then(() => undefined)
  const byOne = await processesFor(control({ 'other.txt': 'o' }))
  const byMany = await processesFor(control(Object.fromEntries(wide)))
  assert.ok(byMany <= byOne, `control: 1 file took ${byOne} git processes, 300 files ${byMany}`)
  assert.equal((await lsTree(dir, 'main')).size, 5 + wide.length)
})
