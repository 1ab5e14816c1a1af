/**
 * Git smart HTTP against the real git CLI (bitbucket-api.md §6): clone, fetch and push with every
 * kind of credential Bitbucket takes, and the refusals git users meet.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { SEED } from '../seed.js'
import { git, runGit, type GitAuth } from './git-cli.js'

async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emu-git-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function cloneUrl(emu: RunningEmulator, slug: string = SEED.repository): string {
  return `${emu.info.webUrl}/${SEED.workspace}/${slug}.git`
}

async function tipOf(emu: RunningEmulator, slug: string, branch = 'main'): Promise<string | null> {
  return emu.server.git(emu.server.world.repository(SEED.workspace, slug)!).branchTip(branch)
}

/** Clones `slug` into a new directory and returns it. */
async function cloneWith(
  t: TestContext,
  emu: RunningEmulator,
  auth: GitAuth | undefined,
  slug: string = SEED.repository,
): Promise<string> {
  const dir = join(await scratch(t), 'work')
  await git(['clone', '--quiet', cloneUrl(emu, slug), dir], { ...(auth ? { auth } : {}) })
  return dir
}

/** Commits a new file in `dir` and returns the commit's SHA. */
async function commitFile(dir: string, name: string, content: string | Buffer): Promise<string> {
  await writeFile(join(dir, name), content)
  await git(['add', name], { cwd: dir })
  await git(['commit', '--quiet', '-m', `Add ${name}`], { cwd: dir })
  return (await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim()
}

test('git smart HTTP with the real git CLI', async (t) => {
  const emu = await useEmulator(t)

  await t.test('clone with x-token-auth and an OAuth access token', async (t) => {
    const token = await emu.oauthToken()
    const dir = await cloneWith(t, emu, { username: 'x-token-auth', password: token })
    assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /^# Handbook/)
    assert.equal((await git(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir })).stdout.trim(), 'main')
    assert.equal((await git(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim(), await tipOf(emu, SEED.repository))
  })

  await t.test('clone with x-token-auth and the repository access token', async (t) => {
    const dir = await cloneWith(t, emu, { username: 'x-token-auth', password: emu.info.repositoryAccessToken })
    assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /Created by the Bitbucket Cloud emulator/)
  })

  await t.test('clone with an API token, as the Bitbucket username and as x-bitbucket-api-token-auth', async (t) => {
    for (const username of [emu.info.user.nickname, 'x-bitbucket-api-token-auth']) {
      const dir = await cloneWith(t, emu, { username, password: emu.info.apiToken.token })
      assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /^# Handbook/, username)
    }
  })

  await t.test('an API token with the account email as username fails: that is the REST form (§8.3)', async () => {
    const result = await runGit(['ls-remote', cloneUrl(emu)], {
      auth: { username: emu.info.apiToken.email, password: emu.info.apiToken.token },
    })
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /Authentication failed/)
    assert.doesNotMatch(result.stderr, new RegExp(emu.info.apiToken.token.slice(0, 20)))
  })

  await t.test(
    'clone with Authorization: Bearer and an OAuth token (git-credential-oauth authtype=Bearer)',
    async (t) => {
      const token = await emu.oauthToken(['repository'])
      const dir = await cloneWith(t, emu, { bearer: token })
      assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /^# Handbook/)
    },
  )

  await t.test(
    'push a commit with repository:write: it lands in the bare repository and moves the branch',
    async (t) => {
      const auth = { username: 'x-token-auth', password: await emu.oauthToken() }
      const dir = await cloneWith(t, emu, auth)
      const before = await tipOf(emu, SEED.repository)
      const sha = await commitFile(dir, 'notes.md', 'pushed over smart HTTP\n')
      await git(['push', '--quiet', 'origin', 'main'], { cwd: dir, auth })
      assert.equal(await tipOf(emu, SEED.repository), sha)
      const info = await emu.server.git(emu.server.world.repository(SEED.workspace, SEED.repository)!).commitInfo(sha)
      assert.deepEqual(info.parents, [before])
      assert.equal(info.message.trim(), 'Add notes.md')
    },
  )

  await t.test('push a new branch with several megabytes (chunked request body) and an API token', async (t) => {
    const auth = { username: emu.info.user.nickname, password: emu.info.apiToken.token }
    const dir = await cloneWith(t, emu, auth)
    await git(['checkout', '--quiet', '-b', 'feature/big'], { cwd: dir })
    const sha = await commitFile(dir, 'big.bin', randomBytes(6 * 1024 * 1024))
    await git(['push', '--quiet', 'origin', 'feature/big'], { cwd: dir, auth })
    assert.equal(await tipOf(emu, SEED.repository, 'feature/big'), sha)
  })

  await t.test('push refused (403) with only the repository scope; the branch does not move', async (t) => {
    const auth = { username: 'x-token-auth', password: await emu.oauthToken(['repository']) }
    const dir = await cloneWith(t, emu, auth)
    const before = await tipOf(emu, SEED.repository)
    await commitFile(dir, 'refused.md', 'no\n')
    const result = await runGit(['push', 'origin', 'main'], { cwd: dir, auth })
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /403/)
    assert.equal(await tipOf(emu, SEED.repository), before)
  })

  await t.test('push refused (403) on the read-only repository for a user with read permission', async (t) => {
    // The seeded user administers the workspace, which gives admin on every repository, so the
    // other user (not a workspace admin) is the one held to read permission here.
    const repo = emu.server.world.repository(SEED.workspace, SEED.readOnlyRepository)!
    repo.permissions[emu.info.otherUser.uuid] = 'read'
    const auth = {
      username: 'x-token-auth',
      password: await emu.oauthToken(undefined, { email: emu.info.otherUser.email }),
    }
    const dir = await cloneWith(t, emu, auth, SEED.readOnlyRepository)
    const before = await tipOf(emu, SEED.readOnlyRepository)
    await commitFile(dir, 'refused.md', 'no\n')
    const result = await runGit(['push', 'origin', 'main'], { cwd: dir, auth })
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /403/)
    assert.equal(await tipOf(emu, SEED.readOnlyRepository), before)
  })

  await t.test('a wrong, an expired and a revoked token all fail with an authentication failure', async () => {
    const expired = await emu.oauthToken()
    await emu.control('POST', '/tokens/expire', { token: expired })
    const revoked = await emu.oauthToken()
    await emu.control('POST', '/tokens/revoke', { token: revoked })
    const wrong = `${expired.slice(0, -4)}abcd`
    for (const [label, password] of [
      ['wrong', wrong],
      ['expired', expired],
      ['revoked', revoked],
    ] as const) {
      const result = await runGit(['ls-remote', cloneUrl(emu)], {
        auth: { username: 'x-token-auth', password },
        secrets: [expired, revoked],
      })
      assert.notEqual(result.code, 0, label)
      assert.match(result.stderr, /Authentication failed/, label)
      assert.ok(!result.stderr.includes(password.slice(0, 32)), `${label}: no token in git's output`)
    }
  })

  await t.test('without a credential git is challenged and, with prompts off, cannot continue', async () => {
    const result = await runGit(['ls-remote', cloneUrl(emu)])
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /could not read Username/)
  })

  await t.test('the repository access token reaches only its own repository', async () => {
    const result = await runGit(['ls-remote', cloneUrl(emu, SEED.readOnlyRepository)], {
      auth: { username: 'x-token-auth', password: emu.info.repositoryAccessToken },
    })
    assert.notEqual(result.code, 0)
    assert.match(result.stderr, /not found/)
  })

  await t.test('clone of the empty repository works, and a first push creates main', async (t) => {
    const auth = { username: 'x-token-auth', password: await emu.oauthToken() }
    const dir = join(await scratch(t), 'empty')
    const cloned = await git(['clone', cloneUrl(emu, SEED.emptyRepository), dir], { auth })
    assert.match(cloned.stderr, /empty repository/)
    const sha = await commitFile(dir, 'first.md', 'first\n')
    await git(['push', '--quiet', 'origin', 'main'], { cwd: dir, auth })
    assert.equal(await tipOf(emu, SEED.emptyRepository), sha)
  })

  await t.test('a commit made through POST /_emulator/commit shows on the next fetch', async (t) => {
    const auth = { username: 'x-token-auth', password: emu.info.repositoryAccessToken }
    const dir = await cloneWith(t, emu, auth)
    const made = await emu.control<{ hash: string }>('POST', '/commit', {
      files: { 'from-robin.md': 'hello from Robin\n' },
      message: 'Robin was here',
    })
    await git(['fetch', '--quiet', 'origin'], { cwd: dir, auth })
    assert.equal((await git(['rev-parse', 'origin/main'], { cwd: dir })).stdout.trim(), made.hash)
    assert.equal((await git(['show', 'origin/main:from-robin.md'], { cwd: dir })).stdout, 'hello from Robin\n')
    assert.equal(
      (await git(['log', '-1', '--format=%an', 'origin/main'], { cwd: dir })).stdout.trim(),
      emu.info.otherUser.displayName,
    )
  })

  await t.test('the clone URL without .git works by default (setting gitUrlWithoutDotGit)', async () => {
    const auth = { username: 'x-token-auth', password: emu.info.repositoryAccessToken }
    const url = `${emu.info.webUrl}/${SEED.workspace}/${SEED.repository}`
    assert.match((await git(['ls-remote', url], { auth })).stdout, /\trefs\/heads\/main$/m)
    await emu.control('PATCH', '/settings', { gitUrlWithoutDotGit: false })
    const refused = await runGit(['ls-remote', url], { auth })
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /not found/)
    await emu.control('PATCH', '/settings', { gitUrlWithoutDotGit: true })
  })
})
