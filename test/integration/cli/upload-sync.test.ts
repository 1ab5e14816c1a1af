/**
 * `pail upload`, `pail pair add` + `pail sync --once` + `pail status`/`history`, as a user types them.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { useEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { pailCli } from '../../support/pail-cli.js'

const run = promisify(execFile)

test('pail upload sends files and folders as one commit; pail sync --once syncs a pair', async (t) => {
  const emu = await useEmulator(t)
  const cli = await pailCli(t, emu, await freePort())
  const { key, secret } = emu.info.privateConsumer
  await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  const work = await mkdtemp(join(tmpdir(), 'pail-upload-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  await mkdir(join(work, 'Minutes'))
  await writeFile(join(work, 'Minutes', 'monday.txt'), 'Monday\n')
  await writeFile(join(work, 'Minutes', '~$monday.docx'), 'office lock file')
  await writeFile(join(work, 'budget.csv'), 'a,b\n')

  const up = await cli.run([
    'upload',
    join(work, 'Minutes'),
    join(work, 'budget.csv'),
    '--repo',
    'pail-demo/handbook',
    '--path',
    'shared',
    '--message',
    'Weekly files',
  ])
  assert.equal(up.code, 0, up.stderr)
  assert.match(
    up.stdout,
    /^Uploaded 2 file\(s\) as commit [0-9a-f]{12}: http:\/\/127\.0\.0\.1:\d+\/pail-demo\/handbook\/commits\/[0-9a-f]{40}\n$/,
  )
  assert.match(up.stderr, /Uploading… 100%/)
  const repo = emu.server.world.repository('pail-demo', 'handbook')!
  const gitDir = emu.server.git(repo).gitDir
  const tree = (await run('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', 'main'])).stdout
    .trim()
    .split('\n')
  assert.deepEqual(tree, ['README.md', 'shared/Minutes/monday.txt', 'shared/budget.csv'])
  assert.equal((await run('git', ['--git-dir', gitDir, 'log', '-1', '--format=%s'])).stdout, 'Weekly files\n')

  const folder = join(work, 'Team')
  await mkdir(folder)
  await writeFile(join(folder, 'plan.txt'), 'plan\n')
  assert.equal((await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'team'])).code, 0)
  const synced = await cli.run(['sync', '--once'])
  assert.equal(synced.code, 0, synced.stderr)
  assert.match(synced.stdout, /committed [0-9a-f]{12} \(1 uploaded, 0 deleted\)/)
  assert.match(
    (await cli.run(['status'])).stdout,
    /Team ↔ pail-demo\/handbook@main: up-to-date — Uploaded 1 and deleted 0 file\(s\)/,
  )
  const history = JSON.parse((await cli.run(['history', '--json'])).stdout) as {
    status: string
    source: { kind: string }
  }[]
  assert.deepEqual(
    history.map((e) => [e.source.kind, e.status]),
    [
      ['pair', 'committed'],
      ['manual', 'committed'],
    ],
  )

  const bad = await cli.run(['upload', join(work, 'nope.txt'), '--repo', 'pail-demo/handbook'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /nope\.txt does not exist\./)
})
