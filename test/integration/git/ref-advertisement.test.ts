/**
 * The ref-advertisement client against the emulator's real `git http-backend`: protocol v2's
 * ls-refs (two requests) and the v0 advertisement (one), a missing branch, an empty repository,
 * the one retry after a 401, and each way git can fail to answer — then BranchTips' REST fallback.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import type { Authorizer } from '../../../main/core/bitbucket/api-client.js'
import { ApiClient } from '../../../main/core/bitbucket/api-client.js'
import { basicAuthorization } from '../../../main/core/bitbucket/basic-auth.js'
import { GitRefsUnavailable, RefAdvertisement } from '../../../main/core/git/ref-advertisement.js'
import type { Logger } from '../../../main/core/log/logger.js'
import { BranchTips } from '../../../main/core/sync/remote/branch-tips.js'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'

const run = promisify(execFile)
const REF = { workspace: 'pail-demo', repository: 'handbook' }

/** Basic `x-token-auth:<token>`; after a 401, `retry` (or nothing), counting the retries. */
function tokenAuth(token: string, retry: string | null = null): Authorizer & { retries: number } {
  const auth = {
    retries: 0,
    header: async () => basicAuthorization('x-token-auth', token),
    afterUnauthorized: async () => {
      auth.retries++
      return retry === null ? null : basicAuthorization('x-token-auth', retry)
    },
  }
  return auth
}

async function gitTip(emu: RunningEmulator, branch: string, slug = 'handbook'): Promise<string> {
  const repo = emu.server.world.repository('pail-demo', slug)!
  return (
    await run('git', ['--git-dir', emu.server.git(repo).gitDir, 'rev-parse', `refs/heads/${branch}`])
  ).stdout.trim()
}

function gitRequests(emu: RunningEmulator, since: number): string[] {
  return emu.server.requestLog.filter((r) => r.at >= since && r.kind === 'git').map((r) => `${r.method} ${r.path}`)
}

test('protocol v2: ls-refs with a ref prefix names the branch in two git requests and no API request', async (t) => {
  const emu = await useEmulator(t)
  // Another branch whose name starts like this one's: the prefix matches it, the client does not.
  await emu.control('POST', '/commit', { branch: 'main', files: { 'a.txt': 'a\n' } })
  const repo = emu.server.world.repository('pail-demo', 'handbook')!
  await run('git', ['--git-dir', emu.server.git(repo).gitDir, 'branch', 'main-old', 'HEAD~1'])
  const git = new RefAdvertisement({
    webUrl: emu.info.webUrl,
    authorizer: tokenAuth(await emu.oauthToken(['repository'])),
  })
  const since = Date.now()
  assert.equal(await git.branchTip(REF, 'main'), await gitTip(emu, 'main'))
  assert.deepEqual(gitRequests(emu, since), [
    'GET /pail-demo/handbook.git/info/refs?service=git-upload-pack',
    'POST /pail-demo/handbook.git/git-upload-pack',
  ])
  assert.equal(emu.server.requestCounts(since).api.requests, 0)
  assert.equal(await git.branchTip(REF, 'main-old'), await gitTip(emu, 'main-old'))
  assert.equal(await git.branchTip(REF, 'no-such-branch'), null)
  assert.equal(await git.branchTip(REF, 'mai'), null, 'a prefix of a branch name is not that branch')
})

test('protocol v0: the whole advertisement in one request', async (t) => {
  const emu = await useEmulator(t)
  const git = new RefAdvertisement({
    webUrl: emu.info.webUrl,
    authorizer: tokenAuth(await emu.oauthToken(['repository'])),
    protocolV2: false,
  })
  const since = Date.now()
  assert.equal(await git.branchTip(REF, 'main'), await gitTip(emu, 'main'))
  assert.equal(await git.branchTip(REF, 'feature'), null)
  assert.equal(gitRequests(emu, since).length, 2, 'one request per question')
})

test('an empty repository has no branch, over v2 and v0', async (t) => {
  const emu = await useEmulator(t)
  await emu.control('POST', '/repositories', { slug: 'empty', empty: true })
  const authorizer = tokenAuth(await emu.oauthToken(['repository']))
  for (const protocolV2 of [true, false]) {
    const git = new RefAdvertisement({ webUrl: emu.info.webUrl, authorizer, protocolV2 })
    assert.equal(await git.branchTip({ workspace: 'pail-demo', repository: 'empty' }, 'main'), null)
  }
})

test('after a 401 the authorizer is asked once and the request sent again', async (t) => {
  const emu = await useEmulator(t)
  const good = await emu.oauthToken(['repository'])
  const expired = await emu.oauthToken(['repository'])
  await emu.control('POST', '/tokens/expire', { token: expired })
  const renewed = tokenAuth(expired, good)
  const git = new RefAdvertisement({ webUrl: emu.info.webUrl, authorizer: renewed })
  assert.equal(await git.branchTip(REF, 'main'), await gitTip(emu, 'main'))
  assert.equal(renewed.retries, 1)
  const refused = tokenAuth(expired)
  const stuck = new RefAdvertisement({ webUrl: emu.info.webUrl, authorizer: refused })
  await assert.rejects(stuck.branchTip(REF, 'main'), (error: unknown) => {
    assert.ok(error instanceof GitRefsUnavailable)
    assert.equal(error.reason, 'refused')
    assert.equal(error.status, 401)
    return true
  })
  assert.equal(refused.retries, 1, 'once, not in a loop')
})

test('what git cannot answer is GitRefsUnavailable, in plain words', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const reasonOf = async (git: RefAdvertisement, branch = 'main'): Promise<string> => {
    try {
      await git.branchTip(REF, branch)
      return 'answered'
    } catch (error) {
      assert.ok(error instanceof GitRefsUnavailable, String(error))
      assert.doesNotMatch(error.message, new RegExp(token.slice(0, 20)), 'no secret in the message')
      return `${error.reason}:${error.status ?? ''}`
    }
  }
  const git = new RefAdvertisement({ webUrl: emu.info.webUrl, authorizer: tokenAuth(token) })
  const noScope = new RefAdvertisement({
    webUrl: emu.info.webUrl,
    authorizer: tokenAuth(await emu.oauthToken(['account'])),
  })
  assert.equal(await reasonOf(noScope), 'refused:403')
  await emu.control('POST', '/faults', {
    kind: 'status',
    status: 200,
    body: '<html>Sign in to the proxy</html>',
    contentType: 'text/html',
    path: 'info/refs',
  })
  assert.equal(await reasonOf(git), 'not-git:')
  await emu.control('POST', '/faults', { kind: 'drop', path: 'info/refs' })
  assert.equal(await reasonOf(git), 'unreachable:')
  assert.equal(await reasonOf(git, 'bad..name'), 'branch-name:')
  assert.equal(await reasonOf(git), 'answered')
})

test('BranchTips answers over REST where git cannot, and says so in the log once per repository and reason', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['account', 'repository'])
  const api = new ApiClient({
    apiUrl: emu.info.apiUrl,
    authorizer: { header: async () => `Bearer ${token}`, afterUnauthorized: async () => null },
  })
  const warnings: string[] = []
  const logger: Logger = { info: () => undefined, warn: (event) => warnings.push(event), error: () => undefined }
  const git = new RefAdvertisement({ webUrl: emu.info.webUrl, authorizer: tokenAuth(token) })
  const tips = new BranchTips(api, git, logger)
  const since = Date.now()
  assert.equal(await tips.tip(REF, 'main'), await gitTip(emu, 'main'))
  assert.equal(emu.server.requestCounts(since).api.requests, 0, 'git answered')
  await emu.control('POST', '/faults', { kind: 'status', status: 403, path: 'info/refs', count: 3 })
  for (let i = 0; i < 3; i++) assert.equal(await tips.tip(REF, 'main'), await gitTip(emu, 'main'))
  assert.equal(emu.server.requestCounts(since).api.requests, 3, 'one REST request per question git could not answer')
  assert.deepEqual(warnings, ['sync.branch-tip-over-api'], 'logged once')
  assert.equal(await tips.tip(REF, 'gone'), null, 'git: no such branch')
})
