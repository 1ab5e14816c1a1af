import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator } from '../harness.js'
import { apiGet, commitFiles, errorMessage, getJson } from './read-test-support.js'

interface Repo {
  type: string
  full_name: string
  slug: string
  name: string
  uuid: string
  scm: string
  is_private: boolean
  size: number
  mainbranch: { name: string; type: string } | null
  owner: { uuid: string }
  project: { key: string; type: string }
  links: {
    self: { href: string }
    html: { href: string }
    clone: { name: string; href: string }[]
    branches: { href: string }
  }
}

const names = (page: { values: Repo[] }): string[] => page.values.map((r) => r.slug)

test('GET /2.0/repositories/{workspace}/{repo_slug} carries the §4.5 fields from the world and git', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const repo = await getJson<Repo>(emu, '/2.0/repositories/pail-demo/handbook', token)
  assert.equal(repo.type, 'repository')
  assert.equal(repo.full_name, 'pail-demo/handbook')
  assert.equal(repo.name, 'Handbook')
  assert.equal(repo.scm, 'git')
  assert.equal(repo.is_private, true)
  assert.deepEqual(repo.mainbranch, { name: 'main', type: 'branch' })
  assert.equal(repo.project.type, 'project')
  assert.equal(repo.owner.uuid, emu.server.world.workspace('pail-demo')!.uuid)
  assert.equal(repo.links.self.href, `${emu.info.apiUrl}/2.0/repositories/pail-demo/handbook`)
  assert.equal(repo.links.html.href, `${emu.info.webUrl}/pail-demo/handbook`)
  assert.deepEqual(
    repo.links.clone.find((c) => c.name === 'https'),
    { name: 'https', href: `${emu.info.webUrl}/pail-demo/handbook.git` },
  )
  assert.equal(repo.links.clone.find((c) => c.name === 'https')!.href, emu.info.repository.cloneUrl)
  const record = emu.server.world.repository('pail-demo', 'handbook')!
  assert.equal(repo.size, await emu.server.git(record).sizeBytes())
  assert.ok(repo.size > 0)
})

test('mainbranch follows git HEAD; an empty repository reports null unless the setting says otherwise', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  await commitFiles(emu, { 'x.txt': 'x' }, { branch: 'develop' })
  await emu.server.git(emu.server.world.repository('pail-demo', 'handbook')!).setHeadBranch('develop')
  assert.deepEqual((await getJson<Repo>(emu, '/2.0/repositories/pail-demo/handbook', token)).mainbranch, {
    name: 'develop',
    type: 'branch',
  })
  assert.equal((await getJson<Repo>(emu, '/2.0/repositories/pail-demo/empty-repo', token)).mainbranch, null)
  await emu.control('PATCH', '/settings', { emptyRepositoryMainbranch: 'head' })
  assert.deepEqual((await getJson<Repo>(emu, '/2.0/repositories/pail-demo/empty-repo', token)).mainbranch, {
    name: 'main',
    type: 'branch',
  })
})

test('workspace and repository may be given as URL-encoded {uuid}s, or {} plus the repository uuid', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const record = emu.server.world.repository('pail-demo', 'handbook')!
  const wsUuid = encodeURIComponent(emu.server.world.workspace('pail-demo')!.uuid)
  const repoUuid = encodeURIComponent(record.uuid)
  for (const path of [
    `/2.0/repositories/${wsUuid}/handbook`,
    `/2.0/repositories/pail-demo/${repoUuid}`,
    `/2.0/repositories/${wsUuid}/${repoUuid}`,
    `/2.0/repositories/%7B%7D/${repoUuid}`,
  ]) {
    assert.equal((await getJson<Repo>(emu, path, token)).uuid, record.uuid, path)
  }
  assert.equal((await getJson<{ size: number }>(emu, `/2.0/repositories/${wsUuid}`, token)).size, 3)
  const missing = await apiGet(emu, '/2.0/repositories/pail-demo/no-such-repo', token)
  assert.equal(missing.status, 404)
  assert.equal(errorMessage(missing), 'Repository pail-demo/no-such-repo not found')
})

test('a private repository the caller cannot read is a 403', async (t) => {
  const emu = await useEmulator(t)
  const robin = await emu.oauthToken(['repository'], { email: emu.info.otherUser.email })
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo/empty-repo', robin)).status, 403)
  assert.equal(
    (await apiGet(emu, '/2.0/repositories/pail-demo/empty-repo', emu.info.repositoryAccessToken)).status,
    403,
  )
})

test('GET /2.0/repositories/{workspace} filters by role, q and sort; unknown workspace is a 404 (§4.5)', async (t) => {
  const emu = await useEmulator(t)
  const alex = await emu.oauthToken(['repository'])
  const robin = await emu.oauthToken(['repository'], { email: emu.info.otherUser.email })
  const list = async (token: string, query = ''): Promise<string[]> =>
    names(await getJson<{ values: Repo[] }>(emu, `/2.0/repositories/pail-demo${query}`, token))
  assert.deepEqual(await list(alex), ['handbook', 'empty-repo', 'read-only'])
  // Robin: write on handbook, admin on read-only, nothing on the (private) empty repository.
  assert.deepEqual(await list(robin), ['handbook', 'read-only'])
  assert.deepEqual(await list(robin, '?role=member'), ['handbook', 'read-only'])
  assert.deepEqual(await list(robin, '?role=contributor'), ['handbook', 'read-only'])
  assert.deepEqual(await list(robin, '?role=admin'), ['read-only'])
  assert.deepEqual(await list(robin, '?role=owner'), [])
  assert.deepEqual(await list(alex, '?role=owner'), ['handbook', 'empty-repo', 'read-only'])
  assert.deepEqual(await list(alex, `?q=${encodeURIComponent('name ~ "only"')}`), ['read-only'])
  assert.deepEqual(await list(alex, `?q=${encodeURIComponent('mainbranch = null')}`), ['empty-repo'])
  assert.deepEqual(await list(alex, '?sort=-slug'), ['read-only', 'handbook', 'empty-repo'])
  assert.deepEqual(await list(emu.info.repositoryAccessToken), ['handbook'])
  assert.equal((await apiGet(emu, '/2.0/repositories/pail-demo?role=boss', alex)).status, 400)
  const missing = await apiGet(emu, '/2.0/repositories/nowhere', alex)
  assert.equal(missing.status, 404)
  assert.equal(errorMessage(missing), "No workspace with identifier 'nowhere'.")
})
