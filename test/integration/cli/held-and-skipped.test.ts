/**
 * What `pail` says and does about paths it cannot sync and about held folders (issue #7, points
 * 18–20), against the emulator, as a user types it.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import { HomeLocks } from '../../../main/core/store/home-locks.js'
import { SYNC_LOCK } from '../../../main/core/sync/service/runner-lock.js'
import { useEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { pailCli } from '../../support/pail-cli.js'

const run = promisify(execFile)

async function signedIn(t: TestContext) {
  const emu = await useEmulator(t)
  const cli = await pailCli(t, emu, await freePort())
  const { key, secret } = emu.info.privateConsumer
  const login = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  assert.equal(login.code, 0, login.stderr)
  const work = await mkdtemp(join(tmpdir(), 'pail-held-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  const gitDir = emu.server.git(emu.server.world.repository('pail-demo', 'handbook')!).gitDir
  const tree = async (): Promise<string[]> =>
    (await run('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', 'main'])).stdout.trim().split('\n')
  return { emu, cli, work, tree }
}

test('one name Bitbucket cannot take does not stop the folder; pail status lists it with the reason', async (t) => {
  const { cli, work, tree } = await signedIn(t)
  const folder = join(work, 'Team')
  await mkdir(folder)
  await writeFile(join(folder, 'ok.txt'), 'ok\n')
  await writeFile(join(folder, 'two\nlines.txt'), 'x')
  const linux = process.platform === 'linux'
  if (linux) await writeFile(Buffer.from(`${folder}/caf\xe9.txt`, 'latin1'), 'Latin-1 name')
  assert.equal((await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'team'])).code, 0)
  const synced = await cli.run(['sync', '--once'])
  assert.equal(synced.code, 0, synced.stderr)
  assert.match(synced.stdout, /committed [0-9a-f]{12} \(1 uploaded, 0 deleted\)/)
  assert.match(synced.stderr, new RegExp(`${linux ? 2 : 1} path\\(s\\) not synced; "pail status" lists them`))
  assert.deepEqual(await tree(), ['README.md', 'team/ok.txt'])

  const status = (await cli.run(['status'])).stdout
  assert.match(status, /\[name Bitbucket can't take\] “two↵lines\.txt” has a line break in its name/)
  if (linux) assert.match(status, /\[name is not valid text\] The name of “caf\uFFFD\.txt” is not valid text/)
  const json = JSON.parse((await cli.run(['status', '--json'])).stdout) as {
    pairs: { skipped: { path: string; reason: string }[]; skippedCount: number }[]
  }
  assert.deepEqual(
    json.pairs[0]!.skipped.map((s) => [s.path, s.reason]).sort(),
    [...(linux ? [['caf\uFFFD.txt', 'not-utf8']] : []), ['two\nlines.txt', 'bad-name']].sort(),
  )
  // Another pass: still skipped, never read as deleted.
  const again = await cli.run(['sync', '--once'])
  assert.equal(again.code, 0, again.stderr)
  assert.deepEqual(await tree(), ['README.md', 'team/ok.txt'])
})

test('pail sync --confirm <folder> and --restore <folder> answer one held folder each, and nothing else', async (t) => {
  const { cli, work, tree } = await signedIn(t)
  const names = Array.from({ length: 12 }, (_, i) => `file-${String(i).padStart(2, '0')}.txt`)
  const folders = { A: join(work, 'A'), B: join(work, 'B') }
  for (const [name, folder] of Object.entries(folders)) {
    await mkdir(folder)
    for (const file of names) await writeFile(join(folder, file), `${name} ${file}\n`)
    const added = await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', name])
    assert.equal(added.code, 0, added.stderr)
  }
  assert.equal((await cli.run(['sync', '--once'])).code, 0)
  const all = (await tree()).length
  for (const folder of Object.values(folders)) for (const file of names.slice(1)) await rm(join(folder, file))

  const held = await cli.run(['sync', '--once'])
  assert.equal(held.code, 1)
  assert.equal(held.stderr.match(/held — /g)?.length, 2, held.stderr)
  assert.match(held.stderr, /To delete them from Bitbucket too: pail sync --confirm ".*A"/)
  const list = (await cli.run(['pair', 'list'])).stdout
  assert.equal(list.match(/\(held — /g)?.length, 2, list)
  assert.doesNotMatch(list, /\(syncing\)/)
  assert.equal((await tree()).length, all, 'nothing deleted from Bitbucket yet')

  const confirmed = await cli.run(['sync', '--confirm', folders.A])
  assert.equal(confirmed.code, 0, confirmed.stderr)
  assert.match(confirmed.stdout, /Confirmed: the 11 files deleted from .*A will be deleted from Bitbucket too\./)
  assert.match(confirmed.stdout, /committed [0-9a-f]{12} \(0 uploaded, 11 deleted\)/)
  const afterConfirm = await tree()
  assert.deepEqual(
    afterConfirm.filter((p) => p.startsWith('A/')),
    ['A/file-00.txt'],
  )
  assert.equal(afterConfirm.filter((p) => p.startsWith('B/')).length, 12, "the other folder's files stay")
  assert.match((await cli.run(['pair', 'list'])).stdout, /B {2}↔ .*\(held — /)

  const restored = await cli.run(['sync', '--restore', folders.B])
  assert.equal(restored.code, 0, restored.stderr)
  assert.match(restored.stdout, /Pail will put the 11 files back into .*B from Bitbucket/)
  assert.deepEqual((await readdir(folders.B)).sort(), names)
  assert.equal((await tree()).filter((p) => p.startsWith('B/')).length, 12)
  const settled = await cli.run(['sync', '--once'])
  assert.equal(settled.code, 0, settled.stderr)
  assert.doesNotMatch((await cli.run(['pair', 'list'])).stdout, /\(held/)
})

test('an answer given while another Pail runs the sync is recorded, and left to that Pail', async (t) => {
  const { cli, work } = await signedIn(t)
  const folder = join(work, 'C')
  await mkdir(folder)
  for (let i = 0; i < 12; i++) await writeFile(join(folder, `f${i}.txt`), `${i}`)
  assert.equal((await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'C'])).code, 0)
  assert.equal((await cli.run(['sync', '--once'])).code, 0)
  for (let i = 1; i < 12; i++) await rm(join(folder, `f${i}.txt`))
  assert.equal((await cli.run(['sync', '--once'])).code, 1)
  const lock = await HomeLocks.for(cli.home).hold(SYNC_LOCK, {
    pid: process.pid,
    what: 'the Pail app',
    startedAt: Date.now(),
  })
  t.after(() => lock.release())
  const answered = await cli.run(['sync', '--confirm', folder])
  assert.equal(answered.code, 0, answered.stderr)
  assert.match(
    answered.stdout,
    new RegExp(
      `Pail is already syncing on this computer \\(the Pail app, process ${process.pid}\\); it carries this out on its next pass`,
    ),
  )
})
