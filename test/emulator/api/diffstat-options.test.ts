import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator } from '../harness.js'
import { BASE, commit, diffstat, lines } from './diffstat-test-support.js'
import { apiGet, errorMessage, getJson } from './read-test-support.js'

interface NotFound {
  type: string
  error: { message: string; data: { shas: string[] } }
  data: { shas: string[] }
}

test('path filters: repeatable, a directory takes what lies below it, a rename needs both names', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  await commit(emu, {
    'docs/a.md': 'a\n',
    'docs/deep/b.md': 'b\n',
    'src/c.ts': 'c\n',
    'outside.txt': 'move me\nplease\n',
  })
  const sha = await commit(
    emu,
    {
      'docs/a.md': 'A\n',
      'docs/deep/b.md': 'B\n',
      'src/c.ts': 'C\n',
      'docs/moved.txt': 'move me\nplease\n',
      'my file.md': 'new\n',
    },
    { deletions: ['outside.txt'] },
  )
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=docs/a.md')), ['modified docs/a.md -> docs/a.md +1 -1'])
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=docs/a.md&path=src/c.ts')), [
    'modified docs/a.md -> docs/a.md +1 -1',
    'modified src/c.ts -> src/c.ts +1 -1',
  ])
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=docs/deep')), [
    'modified docs/deep/b.md -> docs/deep/b.md +1 -1',
  ])
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=my%20file.md')), ['added - -> my file.md +1 -0'])
  // git pathspecs are literal here: no glob characters.
  assert.deepEqual(await diffstat(emu, token, sha, '?path=docs/*.md'), [])
  assert.deepEqual(await diffstat(emu, token, sha, '?path=nowhere.txt'), [])
  assert.deepEqual(await diffstat(emu, token, sha, '?path=../etc'), [])
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=docs/moved.txt')), ['added - -> docs/moved.txt +2 -0'])
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=docs/moved.txt&path=outside.txt')), [
    'renamed outside.txt -> docs/moved.txt +0 -0',
  ])

  await t.test('settings.diffstatPathFilter=exact matches whole paths on either side of a record', async () => {
    await emu.control('PATCH', '/settings', { diffstatPathFilter: 'exact' })
    assert.deepEqual(await diffstat(emu, token, sha, '?path=docs/deep'), [])
    assert.deepEqual(lines(await diffstat(emu, token, sha, '?path=outside.txt')), [
      'renamed outside.txt -> docs/moved.txt +0 -0',
    ])
  })
})

test('ignore_whitespace: counts ignore whitespace; a whitespace-only change follows settings.diffstatWhitespaceOnlyChange', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  await commit(emu, { 'spaces.txt': 'a\nb\n', 'mixed.txt': 'x\ny\n' })
  const sha = await commit(emu, { 'spaces.txt': 'a  \n b\n', 'mixed.txt': 'x \nz\n' })
  assert.deepEqual(lines(await diffstat(emu, token, sha)), [
    'modified mixed.txt -> mixed.txt +2 -2',
    'modified spaces.txt -> spaces.txt +2 -2',
  ])
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?ignore_whitespace=true')), [
    'modified mixed.txt -> mixed.txt +1 -1',
  ])
  await emu.control('PATCH', '/settings', { diffstatWhitespaceOnlyChange: 'list' })
  assert.deepEqual(lines(await diffstat(emu, token, sha, '?ignore_whitespace=true')), [
    'modified mixed.txt -> mixed.txt +1 -1',
    'modified spaces.txt -> spaces.txt +0 -0',
  ])
  assert.deepEqual(
    lines(await diffstat(emu, token, sha, '?ignore_whitespace=false')),
    lines(await diffstat(emu, token, sha)),
  )
})

test('unknown commits answer 404 with the "Commit not found" envelope of §4.1', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const sha = await commit(emu, { 'a.txt': 'a\n' })
  for (const [spec, missing] of [
    ['nope', 'nope'],
    ['0000000000000000000000000000000000000000', '0000000000000000000000000000000000000000'],
    [`${sha}..nope`, 'nope'],
    [`nope..${sha}`, 'nope'],
    ['no-such-branch..main', 'no-such-branch'],
  ]) {
    const body = await getJson<NotFound>(emu, `${BASE}/diffstat/${spec}`, token, 404)
    assert.equal(body.type, 'error')
    assert.equal(body.error.message, 'Commit not found')
    assert.deepEqual(body.error.data.shas, [missing])
    assert.deepEqual(body.data.shas, [missing])
  }
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/nothing/diffstat/main', token)).status, 404)
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/empty-repo/diffstat/main', token)).status, 404)
})

test('malformed specs follow settings.diffstatMalformedSpecStatus (404 "Commit not found" by default)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const sha = await commit(emu, { 'a.txt': 'a\n' })
  const malformed = [`${sha}..`, `..${sha}`, `${sha}...main`, `${sha}..main..main`, '...']
  for (const spec of malformed) {
    const res = await apiGet(emu, `${BASE}/diffstat/${spec}`, token)
    assert.equal(res.status, 404, spec)
    assert.equal(errorMessage(res), 'Commit not found')
  }
  await emu.control('PATCH', '/settings', { diffstatMalformedSpecStatus: 400 })
  for (const spec of malformed) {
    const res = await apiGet(emu, `${BASE}/diffstat/${spec}`, token)
    assert.equal(res.status, 400, spec)
    assert.equal(errorMessage(res), 'Invalid spec')
  }
  // A well-formed spec with an unknown commit stays a 404.
  assert.equal((await apiGet(emu, `${BASE}/diffstat/${sha}..nope`, token)).status, 404)
})

test('boolean parameters take true/false in any case; `merge` follows settings.diffstatMergeParameter', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const sha = await commit(emu, { 'a.txt': 'a\n' })
  for (const name of ['topic', 'renames', 'ignore_whitespace']) {
    assert.equal((await apiGet(emu, `${BASE}/diffstat/${sha}?${name}=False`, token)).status, 200, name)
    const res = await apiGet(emu, `${BASE}/diffstat/${sha}?${name}=maybe`, token)
    assert.equal(res.status, 400, name)
    assert.equal(errorMessage(res), `Invalid ${name}`)
  }
  // Removed on 2026-09-04; by default the emulator ignores it.
  assert.deepEqual(lines(await diffstat(emu, token, `${sha}..main`, '?merge=true')), [])
  await emu.control('PATCH', '/settings', { diffstatMergeParameter: 'error' })
  const res = await apiGet(emu, `${BASE}/diffstat/${sha}?merge=false`, token)
  assert.equal(res.status, 400)
  assert.match(errorMessage(res), /merge/)
})

test('scopes: repository (OAuth) or read:repository:bitbucket (API token); access tokens within their repository', async (t) => {
  const emu = await useEmulator(t)
  const sha = await commit(emu, { 'a.txt': 'a\n' })
  const url = `${BASE}/diffstat/${sha}`
  const accountOnly = await apiGet(emu, url, await emu.oauthToken(['account']))
  assert.equal(accountOnly.status, 403)
  assert.equal(errorMessage(accountOnly), 'Your credentials lack one or more required privilege scopes.')
  assert.equal(accountOnly.headers.get('x-accepted-oauth-scopes'), 'repository')
  assert.equal((await apiGet(emu, url, null)).status, 401)
  // `repository:write` implies `repository` (§2.1).
  assert.equal((await apiGet(emu, url, await emu.oauthToken(['repository:write']))).status, 200)
  assert.equal((await apiGet(emu, url, emu.info.apiToken)).status, 200)
  assert.equal((await apiGet(emu, url, emu.info.repositoryAccessToken)).status, 200)
  const uuid = emu.server.world.repository('pail-demo', 'handbook')!.uuid
  const byUuid = await apiGet(
    emu,
    `/2.0/repositories/%7B%7D/${encodeURIComponent(uuid)}/diffstat/${sha}`,
    await emu.oauthToken(['repository']),
  )
  assert.equal(byUuid.status, 200)
  assert.deepEqual(lines(byUuid.json<{ values: [] }>().values), ['added - -> a.txt +1 -0'])
})
