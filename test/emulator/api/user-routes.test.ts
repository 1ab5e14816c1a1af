import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { newUuid } from '../model.js'
import { apiGet, errorMessage, getJson } from './read-test-support.js'

interface Page<T> {
  pagelen: number
  values: T[]
  next?: string
}

interface WorkspaceAccess {
  administrator: boolean
  type: string
  workspace: {
    type: string
    slug: string
    uuid: string
    name?: string
    links: { self: { href: string }; avatar: { href: string } }
  }
}

/** A second workspace where the seeded user is a plain member and the other user is absent. */
function addWorkspace(emu: RunningEmulator, slug: string): void {
  emu.server.world.data.workspaces.push({
    uuid: newUuid(),
    slug,
    name: slug.toUpperCase(),
    isPrivate: true,
    createdOn: new Date().toISOString(),
    members: { [emu.info.user.uuid]: { administrator: false } },
  })
}

test('GET /2.0/user has the recorded keys, no username, and links on the emulator (§4.3)', async (t) => {
  const emu = await useEmulator(t)
  const me = await getJson<Record<string, unknown> & { links: Record<string, { href: string }> }>(
    emu,
    '/2.0/user',
    await emu.oauthToken(['account']),
  )
  assert.deepEqual(Object.keys(me).sort(), [
    'account_id',
    'account_status',
    'created_on',
    'display_name',
    'is_staff',
    'links',
    'nickname',
    'type',
    'uuid',
    'website',
  ])
  assert.equal('username' in me, false)
  assert.equal(me.type, 'user')
  assert.equal(me.uuid, emu.info.user.uuid)
  assert.equal(me.account_id, emu.info.user.accountId)
  assert.equal(me.display_name, emu.info.user.displayName)
  assert.equal(me.account_status, 'active')
  assert.deepEqual(Object.keys(me.links).sort(), ['avatar', 'hooks', 'repositories', 'self', 'snippets'])
  assert.equal(me.links.self!.href, `${emu.info.apiUrl}/2.0/users/${emu.info.user.accountId}`)
  assert.ok(me.links.avatar!.href.startsWith(`${emu.info.webUrl}/`))
})

test('/2.0/user/workspaces lists workspace_access values with workspace_base (no name), pagelen 25 (§4.4)', async (t) => {
  const emu = await useEmulator(t)
  addWorkspace(emu, 'alpha-team')
  const token = await emu.oauthToken(['account'])
  const page = await getJson<Page<WorkspaceAccess>>(emu, '/2.0/user/workspaces', token)
  assert.equal(page.pagelen, 25)
  assert.equal(page.next, undefined)
  const demo = page.values.find((v) => v.workspace.slug === 'pail-demo')!
  assert.deepEqual(Object.keys(demo).sort(), ['administrator', 'type', 'workspace'])
  assert.equal(demo.type, 'workspace_access')
  assert.equal(demo.administrator, true)
  assert.equal(demo.workspace.type, 'workspace_base')
  assert.equal('name' in demo.workspace, false)
  assert.equal(demo.workspace.links.self.href, `${emu.info.apiUrl}/2.0/workspaces/pail-demo`)
  const slugs = async (query: string): Promise<string[]> =>
    (await getJson<Page<WorkspaceAccess>>(emu, `/2.0/user/workspaces${query}`, token)).values.map(
      (v) => v.workspace.slug,
    )
  assert.deepEqual(await slugs('?administrator=true'), ['pail-demo'])
  assert.deepEqual(await slugs('?administrator=false'), ['alpha-team'])
  assert.deepEqual(await slugs('?sort=slug'), ['alpha-team', 'pail-demo'])
  assert.deepEqual(await slugs('?sort=-slug'), ['pail-demo', 'alpha-team'])
  assert.deepEqual(await slugs(`?q=${encodeURIComponent('slug = "pail-demo"')}`), ['pail-demo'])
  assert.deepEqual(await slugs(`?q=${encodeURIComponent('workspace.slug ~ "ALPHA"')}`), ['alpha-team'])
  assert.deepEqual(await slugs('?pagelen=1&sort=slug'), ['alpha-team'])
  assert.equal((await apiGet(emu, '/2.0/user/workspaces?administrator=maybe', token)).status, 400)
  // The other user belongs to pail-demo only, without administration.
  const robin = await emu.oauthToken(['account'], { email: emu.info.otherUser.email })
  const theirs = await getJson<Page<WorkspaceAccess>>(emu, '/2.0/user/workspaces', robin)
  assert.deepEqual(
    theirs.values.map((v) => [v.workspace.slug, v.administrator]),
    [['pail-demo', false]],
  )
})

test('/2.0/user/workspaces/{workspace}/permission gives the effective role (§4.4)', async (t) => {
  const emu = await useEmulator(t)
  addWorkspace(emu, 'alpha-team')
  const alex = await emu.oauthToken(['account'])
  const robin = await emu.oauthToken(['account'], { email: emu.info.otherUser.email })
  const owner = await getJson<{
    type: string
    permission: string
    user: { uuid: string }
    workspace: { slug: string; name: string }
  }>(emu, '/2.0/user/workspaces/pail-demo/permission', alex)
  assert.equal(owner.type, 'workspace_membership')
  assert.equal(owner.permission, 'owner')
  assert.equal(owner.user.uuid, emu.info.user.uuid)
  assert.equal(owner.workspace.name, 'Pail Demo')
  assert.equal(
    (await getJson<{ permission: string }>(emu, '/2.0/user/workspaces/pail-demo/permission', robin)).permission,
    'member',
  )
  assert.equal(
    (await getJson<{ permission: string }>(emu, '/2.0/user/workspaces/alpha-team/permission', alex)).permission,
    'member',
  )
  assert.equal((await apiGet(emu, '/2.0/user/workspaces/alpha-team/permission', robin)).status, 403)
  const missing = await apiGet(emu, '/2.0/user/workspaces/nowhere/permission', alex)
  assert.equal(missing.status, 404)
  assert.equal(errorMessage(missing), "No workspace with identifier 'nowhere'.")
})

test('/permissions/repositories lists repository_permission values; q=permission>"read" ranks (§4.5)', async (t) => {
  const emu = await useEmulator(t)
  const robin = await emu.oauthToken(['account', 'repository'], { email: emu.info.otherUser.email })
  const base = '/2.0/user/workspaces/pail-demo/permissions/repositories'
  interface Permission {
    type: string
    permission: string
    user: { uuid: string }
    repository: { full_name: string; type: string }
  }
  const all = await getJson<Page<Permission>>(emu, `${base}?sort=repository.name`, robin)
  // Robin writes to the handbook, administers read-only, and has no access to the empty repository.
  assert.deepEqual(
    all.values.map((v) => [v.repository.full_name, v.permission]),
    [
      ['pail-demo/handbook', 'write'],
      ['pail-demo/read-only', 'admin'],
    ],
  )
  assert.ok(
    all.values.every(
      (v) =>
        v.type === 'repository_permission' &&
        v.user.uuid === emu.info.otherUser.uuid &&
        v.repository.type === 'repository',
    ),
  )
  const above = await getJson<Page<Permission>>(emu, `${base}?q=${encodeURIComponent('permission>"read"')}`, robin)
  assert.equal(above.values.length, 2)
  const admins = await getJson<Page<Permission>>(emu, `${base}?q=${encodeURIComponent('permission="admin"')}`, robin)
  assert.deepEqual(
    admins.values.map((v) => v.repository.full_name),
    ['pail-demo/read-only'],
  )
  const byName = await getJson<Page<Permission>>(
    emu,
    `${base}?q=${encodeURIComponent('repository.name="Handbook"')}`,
    robin,
  )
  assert.deepEqual(
    byName.values.map((v) => v.permission),
    ['write'],
  )
})

test('GET /2.0/workspaces/{workspace} has the name; unknown is a 404; a {uuid} works (§4.4)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['account'])
  const ws = await getJson<{ type: string; name: string; slug: string; uuid: string; is_private: boolean }>(
    emu,
    '/2.0/workspaces/pail-demo',
    token,
  )
  assert.equal(ws.type, 'workspace')
  assert.equal(ws.name, 'Pail Demo')
  assert.equal(ws.is_private, true)
  const byUuid = await getJson<{ slug: string }>(emu, `/2.0/workspaces/${encodeURIComponent(ws.uuid)}`, token)
  assert.equal(byUuid.slug, 'pail-demo')
  const missing = await apiGet(emu, '/2.0/workspaces/nowhere', token)
  assert.equal(missing.status, 404)
  assert.equal(errorMessage(missing), "No workspace with identifier 'nowhere'.")
  // A repository access token sees its own workspace only.
  assert.equal((await apiGet(emu, '/2.0/workspaces/pail-demo', emu.info.repositoryAccessToken)).status, 200)
})
