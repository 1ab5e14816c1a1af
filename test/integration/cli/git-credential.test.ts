/**
 * `git clone` and `git push` through `pail git-credential`, across an access-token expiry.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { useEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { PAIL_BIN, pailCli } from '../../support/pail-cli.js'

const run = promisify(execFile)

test('git clone and push use pail as credential helper, also after the access token expired', async (t) => {
  const port = await freePort()
  const emu = await useEmulator(
    t,
    { accessTokenLifetimeSeconds: 8 },
    { callbackUrl: `http://127.0.0.1:${port}/pail/callback` },
  )
  const cli = await pailCli(t, emu, port)
  const { key, secret } = emu.info.privateConsumer
  assert.equal(
    (await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })).code,
    0,
  )

  const work = await mkdtemp(join(tmpdir(), 'pail-git-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  // Only pail answers: no other helper, no prompt.
  const helper = `!'${process.execPath}' '${PAIL_BIN}' git-credential`
  const env = {
    ...cli.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_COUNT: '3',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: 'credential.helper',
    GIT_CONFIG_VALUE_1: helper,
    GIT_CONFIG_KEY_2: 'user.email',
    GIT_CONFIG_VALUE_2: 'alex@example.com',
    GIT_AUTHOR_NAME: 'Alex Staff',
    GIT_COMMITTER_NAME: 'Alex Staff',
  }
  const git = async (args: string[], cwd = work): Promise<string> => (await run('git', args, { cwd, env })).stdout
  await git(['clone', '--quiet', emu.info.repository.cloneUrl, 'clone'])
  const clone = join(work, 'clone')

  // Past the first token's life: the push needs a renewed one.
  await new Promise((resolve) => setTimeout(resolve, 8500))
  await writeFile(join(clone, 'after-expiry.txt'), 'pushed with a renewed token\n')
  await git(['add', '.'], clone)
  await git(['commit', '--quiet', '-m', 'After expiry'], clone)
  await git(['push', '--quiet', 'origin', 'main'], clone)
  const repo = emu.server.world.repository('pail-demo', 'handbook')!
  const tip = (await run('git', ['--git-dir', emu.server.git(repo).gitDir, 'log', '-1', '--format=%s'])).stdout
  assert.equal(tip, 'After expiry\n')
  const pushes = emu.server.requestLog.filter((r) => r.path.includes('git-receive-pack') && r.method === 'POST')
  assert.ok(pushes.some((r) => r.status === 200))
  assert.ok(
    emu.server.requestLog.filter((r) => r.path.startsWith('/site/oauth2/access_token')).length >= 2,
    'the token was renewed for the push',
  )
})

test('pail git-credential answers only for its own Bitbucket host, and says when nobody is signed in', async (t) => {
  const port = await freePort()
  const emu = await useEmulator(t, {}, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  const cli = await pailCli(t, emu, port)
  const web = new URL(emu.info.webUrl)
  const nobody = await cli.run(['git-credential', 'get'], { input: `protocol=http\nhost=${web.host}\n\n` })
  assert.equal(nobody.stdout, '')
  assert.match(nobody.stderr, /nobody is signed in to Bitbucket\. Run "pail login" first/)
  const { key, secret } = emu.info.privateConsumer
  await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  const other = await cli.run(['git-credential', 'get'], { input: 'protocol=https\nhost=github.com\n\n' })
  assert.equal(other.stdout, '')
  const ours = await cli.run(['git-credential', 'get'], {
    input: `protocol=http\nhost=${web.host}\npath=pail-demo/handbook.git\n\n`,
  })
  assert.match(ours.stdout, /^username=x-token-auth\npassword=\S{2500,}\npassword_expiry_utc=\d+\n$/)
})
