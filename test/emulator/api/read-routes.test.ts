import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EXPIRED_MESSAGE, INVALID_MESSAGE } from '../auth.js'
import { useEmulator } from '../harness.js'
import { apiGet, collectPages, errorMessage, getJson } from './read-test-support.js'

const CHANGE_2770 = {
  type: 'error',
  error: {
    message: 'CHANGE-2770 - Functionality has been deprecated',
    detail: 'Please read the changelog entry for more details.',
    data: { announcement_url: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770' },
  },
  data: { announcement_url: 'https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770' },
}

test('the retired cross-workspace endpoints answer 410 with the CHANGE-2770 body (§4.4)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['account', 'repository'])
  for (const path of [
    '/2.0/workspaces',
    '/2.0/repositories',
    '/2.0/user/permissions/workspaces',
    '/2.0/user/permissions/repositories',
  ]) {
    const res = await apiGet(emu, path, token)
    assert.equal(res.status, 410, path)
    assert.deepEqual(res.json(), CHANGE_2770, path)
  }
})

test('an access token on /2.0/user gets 401 "Token is invalid…" (§2.4), but may read its repository', async (t) => {
  const emu = await useEmulator(t)
  const res = await apiGet(emu, '/2.0/user', emu.info.repositoryAccessToken)
  assert.equal(res.status, 401)
  assert.equal(errorMessage(res), INVALID_MESSAGE)
  const { token: workspaceToken } = await emu.control<{ token: string }>('POST', '/access-tokens', {
    kind: 'workspace-access-token',
    workspace: 'pail-demo',
    scopes: ['account', 'repository'],
  })
  for (const path of ['/2.0/user', '/2.0/user/workspaces', '/2.0/user/workspaces/pail-demo/permission']) {
    assert.equal((await apiGet(emu, path, workspaceToken)).status, 401, path)
  }
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/handbook', emu.info.repositoryAccessToken)).status, 200)
})

test('an expired OAuth token gets 401 with the expiry message; no token gets 401', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['account', 'repository'], { expiresInSeconds: -1 })
  const res = await apiGet(emu, '/2.0/repositories/pail-demo/handbook/refs/branches', token)
  assert.equal(res.status, 401)
  assert.equal(errorMessage(res), EXPIRED_MESSAGE)
  assert.equal((await apiGet(emu, '/2.0/user', null)).status, 401)
})

test('missing scopes give 403 with the privilege-scope body and the scope headers (§2.1, §2.2)', async (t) => {
  const emu = await useEmulator(t)
  const accountOnly = await emu.oauthToken(['account'])
  const res = await apiGet(emu, '/2.0/repositories/pail-demo/handbook/src/main/README.md', accountOnly)
  assert.equal(res.status, 403)
  assert.deepEqual(res.json(), {
    type: 'error',
    error: {
      message: 'Your credentials lack one or more required privilege scopes.',
      detail: { required: ['repository'], granted: ['account'] },
    },
  })
  assert.equal(res.headers.get('x-accepted-oauth-scopes'), 'repository')
  assert.equal(res.headers.get('x-oauth-scopes'), 'account')
  const repositoryOnly = await emu.oauthToken(['repository'])
  assert.equal((await apiGet(emu, '/2.0/user', repositoryOnly)).status, 403)
  assert.equal((await apiGet(emu, '/2.0/user/workspaces', repositoryOnly)).status, 403)
  // account + repository are both needed here (§2.1).
  assert.equal((await apiGet(emu, '/2.0/user/workspaces/pail-demo/permissions/repositories', accountOnly)).status, 403)
  // repository:write implies repository.
  const writer = await emu.oauthToken(['repository:write'])
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/handbook/refs/branches', writer)).status, 200)
})

test('API tokens authenticate with Basic email:token and need their granular scopes (§2.3)', async (t) => {
  const emu = await useEmulator(t)
  const me = await getJson(emu, '/2.0/user', emu.info.apiToken)
  assert.equal(me.nickname, emu.info.user.nickname)
  const { token } = await emu.control<{ token: string }>('POST', '/access-tokens', {
    kind: 'api-token',
    email: emu.info.user.email,
    scopes: ['read:repository:bitbucket'],
  })
  const scoped = { email: emu.info.user.email, token }
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/handbook', scoped)).status, 200)
  const refused = await apiGet(emu, '/2.0/user', scoped)
  assert.equal(refused.status, 403)
  assert.deepEqual(refused.json<{ error: { detail: unknown } }>().error.detail, {
    required: ['read:user:bitbucket'],
    granted: ['read:repository:bitbucket'],
  })
  assert.equal((await apiGet(emu, '/2.0/user', { email: 'someone@example.com', token })).status, 401)
})

test('pages are reached by following `next` only; `next` is opaque and the last page has none (§4.2)', async (t) => {
  const emu = await useEmulator(t)
  for (let i = 0; i < 12; i++)
    await emu.control('POST', '/repositories', { slug: `extra-${String(i).padStart(2, '0')}` })
  const token = await emu.oauthToken(['repository'])
  const first = await getJson<{ pagelen: number; values: unknown[]; next: string; size: number; page: number }>(
    emu,
    '/2.0/repositories/pail-demo',
    token,
  )
  assert.equal(first.pagelen, 10)
  assert.equal(first.values.length, 10)
  assert.equal(first.size, 15)
  assert.ok(first.next.startsWith(`${emu.info.apiUrl}/2.0/repositories/pail-demo?`))
  assert.doesNotMatch(first.next, /page=2(&|$)/, 'the next link does not spell the page number')
  const all = await collectPages<{ full_name: string }>(emu, '/2.0/repositories/pail-demo?pagelen=4&sort=slug', token)
  assert.equal(all.pages, 4)
  assert.equal(all.values.length, 15)
  assert.equal(new Set(all.values.map((r) => r.full_name)).size, 15, 'no value twice')
  assert.ok(
    all.nextLinks.every((link) => link.includes('pagelen=4') && link.includes('sort=slug')),
    'next keeps the query',
  )
  const names = all.values.map((r) => r.full_name)
  assert.deepEqual(names, [...names].sort())
})

test('a bad q or sort is a 400 error envelope', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['account', 'repository'])
  for (const path of [
    '/2.0/repositories/pail-demo?q=name%20%3D',
    '/2.0/user/workspaces?q=slug%20%3D%3D%20%22x%22',
    '/2.0/repositories/pail-demo/handbook/refs/branches?sort=-',
  ]) {
    const res = await apiGet(emu, path, token)
    assert.equal(res.status, 400, path)
    assert.equal(errorMessage(res), 'Invalid query')
  }
})

test('a URL with no API behind it is the §4.1 "Resource not found" envelope', async (t) => {
  const emu = await useEmulator(t)
  const res = await apiGet(emu, '/2.0/repositories/pail-demo/handbook/nothing-here', await emu.oauthToken())
  assert.equal(res.status, 404)
  assert.equal(errorMessage(res), 'Resource not found')
})
