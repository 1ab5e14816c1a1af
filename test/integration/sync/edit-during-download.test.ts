/**
 * Issue #7, point 1: another person's edit arrives while the person here edits the same file.
 * The download finds the file changed and is not placed; the base must not move past the other
 * person's edit, so the same pass compares again and keeps both versions (the conflict rule).
 */
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { syncFixture, type SyncFixture } from '../../support/sync-fixture.js'

/** Waits until every armed fault has fired (a delayed request has arrived and is being held). */
async function faultsFired(f: SyncFixture): Promise<void> {
  const end = Date.now() + 15_000
  while ((await f.emu.control<unknown[]>('GET', '/faults')).length > 0) {
    if (Date.now() > end) throw new Error('the armed fault never fired')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Where the other person's version is held back while the person here saves: the REST download, or git's fetch. */
const WAYS = [
  {
    way: 'the REST API',
    over: false,
    // Hold the download of README.md's bytes (not its meta).
    fault: { method: 'GET', pattern: '/src/[0-9a-f]{40}/README\\.md$' },
  },
  {
    way: 'git',
    over: true,
    // Hold the fetch (the second POST of the pass: the first is ls-refs, for the tip).
    fault: { method: 'POST', server: 'web', pattern: 'git-upload-pack$', skip: 1 },
  },
] as const

for (const { way, over, fault } of WAYS)
  test(`a remote edit arriving over ${way} while the same file is edited here: both versions survive`, async (t) => {
    const f = await syncFixture(t, { readBranchOverGit: over })
    await f.syncOnce()
    await f.emu.control('POST', '/commit', { files: { 'README.md': 'Robin rewrote the readme\n' } })
    // Hold the other person's version back while the person saves the file here.
    await f.emu.control('POST', '/faults', { kind: 'delay', ms: 1500, count: 1, ...fault })
    const syncing = f.syncOnce()
    await faultsFired(f)
    await writeFile(join(f.folder, 'README.md'), 'Alex rewrote the readme meanwhile\n')
    const outcome = await syncing

    assert.equal(outcome.status, 'committed', JSON.stringify(outcome))
    assert.deepEqual((outcome as { conflicts: string[] }).conflicts, ['README.md'])
    assert.equal(await readFile(join(f.folder, 'README.md'), 'utf8'), 'Robin rewrote the readme\n')
    const remote = await f.remoteTree()
    assert.equal(Buffer.from(remote.get('README.md')!, 'base64').toString(), 'Robin rewrote the readme\n')
    const copy = [...remote.keys()].find((p) => p.startsWith('README (conflict from test-pc '))
    assert.ok(copy, 'the version written here is kept as a conflict copy')
    assert.equal(Buffer.from(remote.get(copy)!, 'base64').toString(), 'Alex rewrote the readme meanwhile\n')
    await f.assertInSync()

    const again = await f.syncOnce()
    assert.equal(again.status, 'up-to-date', 'nothing is uploaded over Robin’s version later either')
    assert.equal(
      Buffer.from((await f.remoteTree()).get('README.md')!, 'base64').toString(),
      'Robin rewrote the readme\n',
    )
  })

test('a pass whose commit fails after it brought files in: a file the branch removes later still goes', async (t) => {
  const f = await syncFixture(t)
  await f.syncOnce()
  await f.emu.control('POST', '/commit', { files: { 'brief.txt': 'brief from Robin\n' } })
  await writeFile(join(f.folder, 'mine.txt'), 'mine\n')
  await f.emu.control('POST', '/faults', { kind: 'status', status: 503, count: 1, method: 'POST', path: '/src' })
  await assert.rejects(f.syncOnce(), /503/)
  assert.equal(
    await readFile(join(f.folder, 'brief.txt'), 'utf8'),
    'brief from Robin\n',
    'brought in before the commit failed',
  )
  // Robin removes it again: from the last synced commit, the file was never there at all.
  await f.emu.control('POST', '/commit', { deletions: ['brief.txt'] })
  assert.equal((await f.syncOnce()).status, 'committed')
  await assert.rejects(readFile(join(f.folder, 'brief.txt')), { code: 'ENOENT' })
  await f.assertInSync()
})
