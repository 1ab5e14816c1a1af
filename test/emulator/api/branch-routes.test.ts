import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { apiGet, commitFiles, errorMessage, getJson } from './read-test-support.js'

const BASE = '/2.0/repositories/pail-demo/handbook'

interface Commit {
  type: string
  hash: string
  date: string
  message: string
  author: { raw: string; type: string; user?: { uuid: string } }
  parents: { hash: string; type: string; links: Record<string, { href: string }> }[]
  repository: { full_name: string; type: string }
  links: Record<string, { href: string }>
  summary?: { raw: string; type: string }
}

interface Branch {
  name: string
  type: string
  links: Record<string, { href: string }>
  default_merge_strategy: string
  merge_strategies: string[]
  target: Commit
}

async function withBranches(emu: RunningEmulator): Promise<Record<string, string>> {
  const tips: Record<string, string> = {}
  for (const name of ['stable-10', 'stable-2', 'stable-1', 'feature/x', 'dev'])
    tips[name] = await commitFiles(emu, { [`${name}.txt`]: name }, { branch: name })
  return tips
}

test("branches list in git's lexical order, natural order with sort=name, filtered by q (§4.6)", async (t) => {
  const emu = await useEmulator(t)
  await withBranches(emu)
  const token = await emu.oauthToken(['repository'])
  const list = async (query = ''): Promise<string[]> =>
    (await getJson<{ values: Branch[] }>(emu, `${BASE}/refs/branches${query}`, token)).values.map((b) => b.name)
  assert.deepEqual(await list(), ['dev', 'feature/x', 'main', 'stable-1', 'stable-10', 'stable-2'])
  assert.deepEqual(await list('?sort=name'), ['dev', 'feature/x', 'main', 'stable-1', 'stable-2', 'stable-10'])
  assert.deepEqual(await list('?sort=-name'), ['stable-10', 'stable-2', 'stable-1', 'main', 'feature/x', 'dev'])
  assert.deepEqual(await list(`?q=${encodeURIComponent('name ~ "stab"')}&sort=name`), [
    'stable-1',
    'stable-2',
    'stable-10',
  ])
  assert.deepEqual(await list(`?q=${encodeURIComponent('name ~ "stab"')}&pagelen=2`), ['stable-1', 'stable-10'])
  assert.deepEqual(await list(`?q=${encodeURIComponent('target.author.raw ~ "robin"')}`), [
    'dev',
    'feature/x',
    'stable-1',
    'stable-10',
    'stable-2',
  ])
})

test('one branch has the recorded keys and its tip as target; parents link to commits (§4.6)', async (t) => {
  const emu = await useEmulator(t)
  const tip = await commitFiles(emu, { 'notes.txt': 'hello' }, { message: 'Add notes' })
  const token = await emu.oauthToken(['repository'])
  const branch = await getJson<Branch>(emu, `${BASE}/refs/branches/main`, token)
  assert.deepEqual(Object.keys(branch).sort(), [
    'default_merge_strategy',
    'links',
    'merge_strategies',
    'name',
    'target',
    'type',
  ])
  assert.equal(branch.type, 'branch')
  assert.equal(branch.name, 'main')
  assert.deepEqual(Object.keys(branch.links).sort(), ['commits', 'html', 'self'])
  assert.equal(branch.links.self!.href, `${emu.info.apiUrl}${BASE}/refs/branches/main`)
  assert.ok(branch.merge_strategies.includes(branch.default_merge_strategy))
  const target = branch.target
  assert.deepEqual(Object.keys(target).sort(), [
    'author',
    'date',
    'hash',
    'links',
    'message',
    'parents',
    'repository',
    'type',
  ])
  assert.equal(target.type, 'commit')
  assert.equal(target.hash, tip)
  assert.equal(target.message, 'Add notes')
  assert.equal(target.author.raw, `${emu.info.otherUser.displayName} <${emu.info.otherUser.email}>`)
  assert.equal(target.author.type, 'author')
  assert.equal(target.author.user?.uuid, emu.info.otherUser.uuid)
  assert.equal(target.repository.full_name, 'pail-demo/handbook')
  assert.equal(target.parents.length, 1)
  assert.equal(target.parents[0]!.type, 'commit')
  assert.equal(target.parents[0]!.links.self!.href, `${emu.info.apiUrl}${BASE}/commit/${target.parents[0]!.hash}`)
  assert.ok(!Number.isNaN(Date.parse(target.date)))
})

test('a branch name with a slash works as %2F and as a literal slash; the setting can refuse either', async (t) => {
  const emu = await useEmulator(t)
  const tips = await withBranches(emu)
  const token = await emu.oauthToken(['repository'])
  for (const spelling of ['feature%2Fx', 'feature%2fx', 'feature/x']) {
    const branch = await getJson<Branch>(emu, `${BASE}/refs/branches/${spelling}`, token)
    assert.equal(branch.name, 'feature/x')
    assert.equal(branch.target.hash, tips['feature/x'])
  }
  await emu.control('PATCH', '/settings', { branchSlashInRefPath: 'encoded' })
  assert.equal((await apiGet(emu, `${BASE}/refs/branches/feature/x`, token)).status, 404)
  assert.equal((await apiGet(emu, `${BASE}/refs/branches/feature%2Fx`, token)).status, 200)
  await emu.control('PATCH', '/settings', { branchSlashInRefPath: 'literal' })
  assert.equal((await apiGet(emu, `${BASE}/refs/branches/feature%2Fx`, token)).status, 404)
  assert.equal((await apiGet(emu, `${BASE}/refs/branches/feature/x`, token)).status, 200)
})

test('an unknown branch is a 404; refs/heads/ prefixes are not names (§4.6)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  for (const name of ['nope', 'refs/heads/main', 'main/', '..%2Fmain']) {
    const res = await apiGet(emu, `${BASE}/refs/branches/${name}`, token)
    assert.equal(res.status, 404, name)
    errorMessage(res)
  }
})

test('GET …/commit/{commit} returns the commit by SHA, short SHA or branch; unknown is "Commit not found"', async (t) => {
  const emu = await useEmulator(t)
  const first = (await getJson<Branch>(emu, `${BASE}/refs/branches/main`, await emu.oauthToken(['repository']))).target
    .hash
  const second = await commitFiles(emu, { 'b.txt': 'b' }, { message: 'Second <commit> & more' })
  const token = await emu.oauthToken(['repository'])
  for (const rev of [second, second.slice(0, 12), 'main']) {
    const commit = await getJson<Commit>(emu, `${BASE}/commit/${rev}`, token)
    assert.equal(commit.hash, second, rev)
    assert.deepEqual(
      commit.parents.map((p) => p.hash),
      [first],
    )
    assert.equal(commit.summary?.raw, 'Second <commit> & more')
    assert.equal(commit.summary?.type, 'rendered')
    assert.equal(commit.links.self!.href, `${emu.info.apiUrl}${BASE}/commit/${second}`)
  }
  const res = await apiGet(emu, `${BASE}/commit/0000000000000000000000000000000000000000`, token)
  assert.equal(res.status, 404)
  assert.deepEqual(res.json(), {
    type: 'error',
    error: { message: 'Commit not found', data: { shas: ['0000000000000000000000000000000000000000'] } },
    data: { shas: ['0000000000000000000000000000000000000000'] },
  })
})
