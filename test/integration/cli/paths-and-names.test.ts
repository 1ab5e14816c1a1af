/**
 * Pail's home and repository names, as a user (or a mistake) reaches them from the `pail` command:
 * nothing under the home is ever sent, and a name is never a path (issue #7, points 6 and 7).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { useEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { pailCli } from '../../support/pail-cli.js'

const run = promisify(execFile)
const posix = process.platform !== 'win32'

test(
  "Pail's home is never uploaded: not paired, not through a link, not by pail upload, not when a paired folder becomes a link to it",
  { skip: !posix && 'symlinks' },
  async (t) => {
    const emu = await useEmulator(t)
    const cli = await pailCli(t, emu, await freePort())
    const { key, secret } = emu.info.privateConsumer
    const login = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
    assert.equal(login.code, 0, login.stderr)
    const secrets = await readFile(join(cli.home, 'secrets.json'), 'utf8')
    assert.ok(secrets.length > 20, 'a sign-in wrote secrets to protect')

    const work = await mkdtemp(join(tmpdir(), 'pail-home-guard-'))
    t.after(() => rm(work, { recursive: true, force: true }))
    await symlink(cli.home, join(work, 'my-settings'))
    const added = await cli.run(['pair', 'add', join(work, 'my-settings'), '--repo', 'pail-demo/handbook'])
    assert.equal(added.code, 1)
    assert.match(added.stderr, /holds Pail's own settings and sign-in secrets/)

    for (const paths of [[join(cli.home, 'secrets.json')], [join(work, 'my-settings', 'secrets.json')], [cli.home]]) {
      const up = await cli.run(['upload', ...paths, '--repo', 'pail-demo/handbook'])
      assert.equal(up.code, 1, paths.join(' '))
      assert.match(up.stderr, /Pail's own folder/, paths.join(' '))
    }

    // A folder synced once, then replaced by a link to Pail's home.
    const folder = join(work, 'Team')
    await mkdir(folder)
    await writeFile(join(folder, 'plan.txt'), 'plan\n')
    assert.equal((await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'team'])).code, 0)
    const first = await cli.run(['sync', '--once'])
    assert.equal(first.code, 0, first.stderr)
    await rename(folder, join(work, 'Team-moved'))
    await symlink(cli.home, folder)
    const second = await cli.run(['sync', '--once'])
    assert.notEqual(second.code, 0, 'the pair does not sync')

    const gitDir = emu.server.git(emu.server.world.repository('pail-demo', 'handbook')!).gitDir
    const everything = (await run('git', ['--git-dir', gitDir, 'log', '--all', '-p', '--format=%H %s'])).stdout
    const tree = (await run('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', 'main'])).stdout
    assert.deepEqual(tree.trim().split('\n'), ['README.md', 'team/plan.txt'], 'the team folder was not emptied either')
    assert.ok(!everything.includes('secrets.json') && !everything.includes('accounts.json'))
    const leaked = emu.server.issuedSecrets.filter((s) => everything.includes(s))
    assert.equal(leaked.length, 0, `${leaked.length} secret(s) in the repository`)
    assert.ok(!everything.includes(secret))
  },
)

test('a repository name that is a path is refused before the token goes anywhere', async (t) => {
  const emu = await useEmulator(t)
  const cli = await pailCli(t, emu, await freePort())
  const work = await mkdtemp(join(tmpdir(), 'pail-names-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  await writeFile(join(work, 'a.txt'), 'a')
  const before = emu.server.requestLog.length
  const token = await cli.run(['login', '--access-token', '--repo', '../..'], {
    input: `${emu.info.repositoryAccessToken}\n`,
  })
  assert.equal(token.code, 2)
  assert.match(token.stderr, /"\.\." is not a workspace/)
  const workspace = await cli.run(['login', '--access-token', '--workspace', '../user'], {
    input: `${emu.info.repositoryAccessToken}\n`,
  })
  assert.equal(workspace.code, 2)
  assert.deepEqual(emu.server.requestLog.slice(before), [], 'nothing reached Bitbucket')

  const { key, secret } = emu.info.privateConsumer
  assert.equal(
    (await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })).code,
    0,
  )
  const signedIn = emu.server.requestLog.length
  for (const repo of ['pail-demo/..', '../handbook', 'pail-demo/hand%2Fbook', 'pail-demo/handbook/../../x']) {
    const up = await cli.run(['upload', join(work, 'a.txt'), '--repo', repo])
    assert.equal(up.code, 2, `${repo}: ${up.stderr}`)
    const pair = await cli.run(['pair', 'add', work, '--repo', repo])
    assert.equal(pair.code, 2, repo)
  }
  const branch = await cli.run(['upload', join(work, 'a.txt'), '--repo', 'pail-demo/handbook', '--branch', '../main'])
  assert.equal(branch.code, 2)
  assert.match(branch.stderr, /is not a branch name git accepts/)
  assert.deepEqual(emu.server.requestLog.slice(signedIn), [], 'nothing reached Bitbucket')
})
