/**
 * The scenario from Bitbucket support's own answers, with curl and git exactly as a user runs
 * them (bitbucket-api.md §1.2, §3, §6): a client-credentials token → `POST src` with two files and
 * one deletion → `git clone` with `x-token-auth` shows exactly that tree.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { useEmulator } from './harness.js'

const run = promisify(execFile)

/** Runs a command; on failure the error names the program and exit code only (the arguments hold a token). */
async function quiet(program: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await run(program, args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })).stdout
  } catch (error) {
    // The cause is left out on purpose: it carries the command line, and with it the token.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`${program} failed with exit code ${(error as { code?: number }).code}`)
  }
}

test('client credentials with curl, a commit with curl -F, and git clone with x-token-auth agree', async (t) => {
  const emu = await useEmulator(t)
  const work = await mkdtemp(join(tmpdir(), 'support-scenario-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  const { webUrl, apiUrl, privateConsumer, repository } = emu.info

  // curl -X POST -u "client_id:secret" https://bitbucket.org/site/oauth2/access_token -d grant_type=client_credentials
  const tokenJson = await quiet(
    'curl',
    [
      '-sS',
      '-X',
      'POST',
      '-u',
      `${privateConsumer.key}:${privateConsumer.secret}`,
      `${webUrl}/site/oauth2/access_token`,
      '-d',
      'grant_type=client_credentials',
    ],
    work,
  )
  const token = (JSON.parse(tokenJson) as { access_token: string }).access_token
  assert.ok(token.length > 2500, 'tokens are longer than 2,500 characters (§1.4)')

  // Two files (one in a folder, one binary) and the deletion of the seeded README.
  await writeFile(join(work, 'notes.txt'), 'Meeting notes\n')
  await writeFile(join(work, 'logo.bin'), Buffer.from([0, 1, 2, 254, 255]))
  const status = await quiet(
    'curl',
    [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `Authorization: Bearer ${token}`,
      '-F',
      'message=Add notes and logo, remove README',
      '-F',
      'branch=main',
      '-F',
      '/docs/notes.txt=@notes.txt',
      '-F',
      'logo.bin=@logo.bin',
      '-F',
      'files=README.md',
      `${apiUrl}/2.0/repositories/${repository.workspace}/${repository.slug}/src`,
    ],
    work,
  )
  assert.equal(status, '201')

  // git clone https://x-token-auth:{access_token}@bitbucket.org/user/repo.git
  const cloneUrl = new URL(repository.cloneUrl)
  cloneUrl.username = 'x-token-auth'
  cloneUrl.password = token
  await quiet('git', ['clone', '--quiet', cloneUrl.toString(), 'clone'], work)
  const clone = join(work, 'clone')
  assert.deepEqual((await readdir(clone)).filter((n) => n !== '.git').sort(), ['docs', 'logo.bin'])
  assert.deepEqual(await readdir(join(clone, 'docs')), ['notes.txt'])
  assert.equal(await readFile(join(clone, 'docs', 'notes.txt'), 'utf8'), 'Meeting notes\n')
  assert.deepEqual([...(await readFile(join(clone, 'logo.bin')))], [0, 1, 2, 254, 255])
  const log = await quiet('git', ['log', '--format=%an|%s', '-n', '2'], clone)
  assert.equal(
    log,
    `${emu.info.user.displayName}|Add notes and logo, remove README\n${emu.info.user.displayName}|Initial commit\n`,
  )
})
