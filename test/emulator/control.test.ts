/**
 * The test control endpoint (`{webUrl}/_emulator/…`, control.ts) end to end: settings, token
 * expiry and revocation, minted credentials, repositories, commits and the masked request log.
 * Token effects are observed through git smart HTTP, which checks credentials on every request.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator, type RunningEmulator } from './harness.js'
import { SEED } from './seed.js'
import { defaultSettings } from './settings.js'

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** Status of a git ref advertisement for `slug` with the token as `username` (x-token-auth by default). */
async function gitStatus(
  emu: RunningEmulator,
  token: string,
  slug: string = SEED.repository,
  username = 'x-token-auth',
): Promise<number> {
  const res = await fetch(`${emu.info.webUrl}/${SEED.workspace}/${slug}.git/info/refs?service=git-upload-pack`, {
    headers: { authorization: basic(username, token) },
  })
  await res.arrayBuffer()
  return res.status
}

/** A raw control call: status and parsed JSON body. */
async function raw(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emu.info.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  })
  return { status: res.status, json: await res.json() }
}

test('the control endpoint', async (t) => {
  const emu = await useEmulator(t)
  const repo = (slug: string): Promise<string | null> =>
    emu.server.git(emu.server.world.repository(SEED.workspace, slug)!).branchTip('main')

  await t.test('GET /info repeats what the emulator printed at start', async () => {
    const info = await emu.control<typeof emu.info>('GET', '/info')
    assert.equal(info.webUrl, emu.info.webUrl)
    assert.equal(info.apiUrl, emu.info.apiUrl)
    assert.deepEqual(info.repository, emu.info.repository)
    assert.deepEqual(info.publicConsumer, emu.info.publicConsumer)
  })

  await t.test('settings: GET gives the defaults, PATCH merges and answers the result', async () => {
    assert.deepEqual(await emu.control('GET', '/settings'), defaultSettings)
    const merged = await emu.control<typeof defaultSettings>('PATCH', '/settings', {
      accessTokenLifetimeSeconds: 60,
      scopeHeaders: false,
      retryAfterSeconds: 5,
    })
    assert.equal(merged.accessTokenLifetimeSeconds, 60)
    assert.equal(merged.scopeHeaders, false)
    assert.equal(merged.retryAfterSeconds, 5)
    assert.equal(emu.server.settings.accessTokenLifetimeSeconds, 60)
    assert.deepEqual(
      await emu.control('PATCH', '/settings', {
        accessTokenLifetimeSeconds: 7200,
        scopeHeaders: true,
        retryAfterSeconds: null,
      }),
      defaultSettings,
    )
  })

  await t.test('settings: unknown keys, wrong types and non-JSON bodies are refused, changing nothing', async () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ noSuchSetting: 1 }), /Unknown emulator setting "noSuchSetting"/],
      [JSON.stringify({ tokenLength: '2600' }), /"tokenLength" must be a number/],
      [JSON.stringify({ scopeHeaders: 'yes' }), /"scopeHeaders" must be a boolean/],
      [JSON.stringify({ retryAfterSeconds: 'soon' }), /"retryAfterSeconds"/],
      [JSON.stringify({ tokenLength: 10, bogus: true }), /Unknown emulator setting "bogus"/],
      ['{not json', /JSON body/],
    ]
    for (const [body, message] of cases) {
      const res = await raw(emu, 'PATCH', '/settings', body)
      assert.equal(res.status, 400, body)
      assert.match((res.json as { error: { message: string } }).error.message, message)
    }
    assert.deepEqual(await emu.control('GET', '/settings'), defaultSettings)
  })

  await t.test(
    'tokens/expire: one token, or every OAuth access token; access and API tokens do not expire with them',
    async () => {
      const a = await emu.oauthToken()
      const b = await emu.oauthToken()
      assert.equal(await gitStatus(emu, a), 200)
      assert.deepEqual(await emu.control('POST', '/tokens/expire', { token: a }), { expired: 1 })
      assert.equal(await gitStatus(emu, a), 401)
      assert.equal(await gitStatus(emu, b), 200)
      const { expired } = await emu.control<{ expired: number }>('POST', '/tokens/expire', { all: true })
      assert.ok(expired >= 1)
      assert.equal(await gitStatus(emu, b), 401)
      assert.equal(await gitStatus(emu, emu.info.repositoryAccessToken), 200)
      assert.equal(await gitStatus(emu, emu.info.apiToken.token, SEED.repository, emu.info.user.nickname), 200)
      assert.equal((await raw(emu, 'POST', '/tokens/expire', JSON.stringify({ token: 'not-a-token' }))).status, 404)
    },
  )

  await t.test('tokens/revoke: one token, or every grant of a consumer; a body without either is refused', async () => {
    const a = await emu.oauthToken()
    assert.deepEqual(await emu.control('POST', '/tokens/revoke', { token: a }), { revoked: 1 })
    assert.equal(await gitStatus(emu, a), 401)
    const b = await emu.oauthToken()
    assert.equal(await gitStatus(emu, b), 200)
    const { revoked } = await emu.control<{ revoked: number }>('POST', '/tokens/revoke', {
      consumer: emu.info.publicConsumer.key,
    })
    assert.ok(revoked >= 1)
    assert.equal(await gitStatus(emu, b), 401)
    const { token: rat } = await emu.control<{ token: string }>('POST', '/access-tokens', {
      kind: 'repository-access-token',
    })
    assert.equal(await gitStatus(emu, rat), 200)
    await emu.control('POST', '/tokens/revoke', { token: rat })
    assert.equal(await gitStatus(emu, rat), 401)
    assert.equal((await raw(emu, 'POST', '/tokens/revoke', '{}')).status, 400)
  })

  await t.test('access-tokens and oauth-tokens mint credentials with the asked scope, kind and lifetime', async () => {
    const { token: other } = await emu.control<{ token: string }>('POST', '/access-tokens', {
      kind: 'repository-access-token',
      repository: SEED.readOnlyRepository,
    })
    assert.equal(await gitStatus(emu, other, SEED.readOnlyRepository), 200)
    assert.equal(await gitStatus(emu, other, SEED.repository), 404)
    const short = await emu.oauthToken(undefined, { expiresInSeconds: 0 })
    assert.equal(await gitStatus(emu, short), 401)
    const robin = await emu.oauthToken(['repository'], { email: emu.info.otherUser.email })
    assert.equal(await gitStatus(emu, robin), 200)
    assert.equal((await raw(emu, 'POST', '/access-tokens', JSON.stringify({ kind: 'app-password' }))).status, 400)
    assert.equal(
      (await raw(emu, 'POST', '/access-tokens', JSON.stringify({ kind: 'api-token', email: 'nobody@example.com' })))
        .status,
      400,
    )
    assert.equal((await raw(emu, 'POST', '/oauth-tokens', JSON.stringify({ email: 'nobody@example.com' }))).status, 400)
    assert.equal((await raw(emu, 'POST', '/oauth-tokens', JSON.stringify({ scopes: 'repository' }))).status, 400)
  })

  await t.test(
    'consumers: a new consumer is stored with its scopes, and its secret is recorded as issued',
    async () => {
      const made = await emu.control<{ key: string; secret: string; callbackUrl: string | null }>(
        'POST',
        '/consumers',
        { scopes: ['account'], callbackUrl: 'http://127.0.0.1:9/cb' },
      )
      assert.equal(made.callbackUrl, 'http://127.0.0.1:9/cb')
      assert.deepEqual(emu.server.world.consumer(made.key)?.scopes, ['account'])
      assert.ok((await emu.control<string[]>('GET', '/issued-secrets')).includes(made.secret))
    },
  )

  await t.test(
    'repositories: created with a first commit or empty; duplicates and unknown workspaces refused',
    async () => {
      const token = await emu.oauthToken()
      assert.equal((await emu.control<{ slug: string }>('POST', '/repositories', { slug: 'docs' })).slug, 'docs')
      assert.equal(await gitStatus(emu, token, 'docs'), 200)
      assert.match((await repo('docs')) ?? '', /^[0-9a-f]{40}$/)
      await emu.control('POST', '/repositories', { slug: 'blank', empty: true })
      assert.equal(await repo('blank'), null)
      assert.equal((await raw(emu, 'POST', '/repositories', JSON.stringify({ slug: 'docs' }))).status, 400)
      assert.equal(
        (await raw(emu, 'POST', '/repositories', JSON.stringify({ slug: 'x', workspace: 'nowhere' }))).status,
        404,
      )
    },
  )

  await t.test('commit: another user moves a branch (adds and deletes files), or starts a new one', async () => {
    const before = await repo(SEED.repository)
    const made = await emu.control<{ hash: string; branch: string }>('POST', '/commit', {
      files: { 'docs/a.md': 'A\n' },
      deletions: ['README.md'],
      message: 'Reorganise',
    })
    assert.equal(made.branch, 'main')
    assert.equal(await repo(SEED.repository), made.hash)
    const store = emu.server.git(emu.server.world.repository(SEED.workspace, SEED.repository)!)
    const info = await store.commitInfo(made.hash)
    assert.deepEqual(info.parents, [before])
    assert.equal(info.authorEmail, emu.info.otherUser.email)
    assert.equal(await store.hasPath(made.hash, 'README.md'), false)
    assert.equal((await store.readBlobBuffer((await store.entry(made.hash, 'docs/a.md'))!.sha)).toString(), 'A\n')
    const branch = await emu.control<{ hash: string }>('POST', '/commit', {
      branch: 'feature/new',
      files: { 'x.txt': 'x' },
    })
    assert.equal(await store.branchTip('feature/new'), branch.hash)
    assert.deepEqual((await store.commitInfo(branch.hash)).parents, [])
    assert.equal((await raw(emu, 'POST', '/commit', JSON.stringify({ repository: 'nope' }))).status, 404)
  })

  await t.test('the request log records calls on both listeners and masks every secret', async () => {
    await emu.control('DELETE', '/requests')
    const token = await emu.oauthToken()
    const api = await fetch(`${emu.info.apiUrl}/2.0/user?access_token=${encodeURIComponent(token)}&pagelen=5`, {
      headers: { authorization: `Bearer ${token}` },
    })
    await api.arrayBuffer()
    const web = await fetch(
      `${emu.info.webUrl}/site/oauth2/authorize?code=${token}&refresh_token=${token}&client_secret=${emu.info.publicConsumer.secret}`,
    )
    await web.arrayBuffer()
    assert.equal(await gitStatus(emu, token), 200)
    const log = await emu.control<
      { server: string; method: string; path: string; status: number; credential: string | null }[]
    >('GET', '/requests')
    const text = JSON.stringify(log)
    const secrets = await emu.control<string[]>('GET', '/issued-secrets')
    assert.ok(secrets.includes(token))
    for (const secret of secrets) assert.ok(!text.includes(secret), 'no issued secret in the request log')
    const apiEntry = log.find((e) => e.server === 'api' && e.path.startsWith('/2.0/user'))
    assert.equal(apiEntry?.path, '/2.0/user?access_token=***&pagelen=5')
    assert.equal(apiEntry?.status, api.status)
    const webEntry = log.find((e) => e.path.startsWith('/site/oauth2/authorize'))
    assert.equal(webEntry?.path, '/site/oauth2/authorize?code=***&refresh_token=***&client_secret=***')
    assert.ok(
      log.some((e) => e.server === 'web' && e.path.endsWith('/info/refs?service=git-upload-pack') && e.status === 200),
    )
    await emu.control('DELETE', '/requests')
    assert.deepEqual(
      (await emu.control<unknown[]>('GET', '/requests')).filter((e) => !JSON.stringify(e).includes('/_emulator/')),
      [],
    )
  })
})
