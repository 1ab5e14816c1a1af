/**
 * Git smart HTTP at the HTTP level (bitbucket-api.md §6, §2.3, §2.4): which credential, username
 * and scope opens which service, and what the refusals look like on the wire.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { useEmulator, type RunningEmulator } from '../harness.js'
import { SEED } from '../seed.js'

type Service = 'git-upload-pack' | 'git-receive-pack'

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** GET info/refs for `service`; returns status, headers and body text. */
async function infoRefs(
  emu: RunningEmulator,
  service: Service,
  authorization?: string,
  slug: string = SEED.repository,
): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${emu.info.webUrl}/${SEED.workspace}/${slug}.git/info/refs?service=${service}`, {
    headers: authorization ? { authorization } : {},
  })
  return { status: res.status, headers: res.headers, body: await res.text() }
}

/** A pkt-line (length-prefixed git protocol line). */
function pkt(line: string): string {
  return (line.length + 4).toString(16).padStart(4, '0') + line
}

test('git smart HTTP authentication and authorisation', async (t) => {
  const emu = await useEmulator(t)
  const oauthWrite = await emu.oauthToken()
  const oauthRead = await emu.oauthToken(['repository'])
  const { token: apiToken } = emu.info.apiToken
  const rat = emu.info.repositoryAccessToken

  await t.test('no credential: 401 with the Basic challenge, whether or not the repository exists', async () => {
    for (const slug of [SEED.repository, 'no-such-repo']) {
      const res = await infoRefs(emu, 'git-upload-pack', undefined, slug)
      assert.equal(res.status, 401, slug)
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Bitbucket.org HTTP"')
    }
  })

  await t.test('fetch advertisement: v0 by default, v2 when the client sends Git-Protocol', async () => {
    const v0 = await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', oauthRead))
    assert.equal(v0.status, 200)
    assert.equal(v0.headers.get('content-type'), 'application/x-git-upload-pack-advertisement')
    assert.ok(v0.body.startsWith('001e# service=git-upload-pack\n'))
    assert.match(v0.body, /refs\/heads\/main/)
    const res = await fetch(
      `${emu.info.webUrl}/${SEED.workspace}/${SEED.repository}.git/info/refs?service=git-upload-pack`,
      {
        headers: { authorization: basic('x-token-auth', oauthRead), 'git-protocol': 'version=2' },
      },
    )
    const v2 = await res.text()
    assert.equal(res.status, 200)
    assert.match(v2, /version 2\n/)
    assert.match(v2, /ls-refs/)
  })

  await t.test('a gzip-encoded protocol v2 ls-refs request is answered', async () => {
    const request = pkt('command=ls-refs\n') + '0001' + pkt('symrefs\n') + '0000'
    const res = await fetch(`${emu.info.webUrl}/${SEED.workspace}/${SEED.repository}.git/git-upload-pack`, {
      method: 'POST',
      headers: {
        authorization: basic('x-token-auth', rat),
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
        'git-protocol': 'version=2',
      },
      body: gzipSync(request),
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/x-git-upload-pack-result')
    const tip = await emu.server.git(emu.server.world.repository(SEED.workspace, SEED.repository)!).branchTip('main')
    const body = await res.text()
    assert.ok(body.includes(`${tip} refs/heads/main`), body)
    assert.match(body, /HEAD symref-target:refs\/heads\/main/)
  })

  await t.test('the literal username x-token-auth is required for OAuth and access tokens', async () => {
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', oauthRead))).status, 200)
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic(emu.info.user.nickname, oauthRead))).status, 401)
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-bitbucket-api-token-auth', oauthRead))).status, 401)
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-bitbucket-api-token-auth', rat))).status, 401)
  })

  await t.test(
    'API tokens go with the Bitbucket username or x-bitbucket-api-token-auth, not the email or x-token-auth',
    async () => {
      assert.equal((await infoRefs(emu, 'git-upload-pack', basic(emu.info.user.nickname, apiToken))).status, 200)
      assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-bitbucket-api-token-auth', apiToken))).status, 200)
      assert.equal((await infoRefs(emu, 'git-upload-pack', basic(emu.info.apiToken.email, apiToken))).status, 401)
      assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', apiToken))).status, 401)
      assert.equal((await infoRefs(emu, 'git-upload-pack', basic(emu.info.otherUser.nickname, apiToken))).status, 401)
    },
  )

  await t.test('push needs repository:write; fetch needs repository (or a scope implying it)', async () => {
    assert.equal((await infoRefs(emu, 'git-receive-pack', basic('x-token-auth', oauthWrite))).status, 200)
    const refused = await infoRefs(emu, 'git-receive-pack', basic('x-token-auth', oauthRead))
    assert.equal(refused.status, 403)
    assert.equal(refused.headers.get('www-authenticate'), null)
    assert.equal(
      (await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', await emu.oauthToken(['pullrequest'])))).status,
      200,
    )
    assert.equal(
      (await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', await emu.oauthToken(['account'])))).status,
      403,
    )
    // repository:admin implies neither read nor write (§2.1).
    assert.equal(
      (await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', await emu.oauthToken(['repository:admin']))))
        .status,
      403,
    )
  })

  await t.test(
    'API-token scopes imply nothing: read for fetch, read and write for push (setting gitApiTokenPushNeedsRead)',
    async () => {
      const mint = async (scopes: string[]): Promise<string> =>
        (await emu.control<{ token: string }>('POST', '/access-tokens', { kind: 'api-token', scopes })).token
      const readOnly = basic('x-bitbucket-api-token-auth', await mint(['read:repository:bitbucket']))
      const writeOnly = basic('x-bitbucket-api-token-auth', await mint(['write:repository:bitbucket']))
      assert.equal((await infoRefs(emu, 'git-upload-pack', readOnly)).status, 200)
      assert.equal((await infoRefs(emu, 'git-receive-pack', readOnly)).status, 403)
      assert.equal((await infoRefs(emu, 'git-upload-pack', writeOnly)).status, 403)
      assert.equal((await infoRefs(emu, 'git-receive-pack', writeOnly)).status, 403)
      await emu.control('PATCH', '/settings', { gitApiTokenPushNeedsRead: false })
      assert.equal((await infoRefs(emu, 'git-receive-pack', writeOnly)).status, 200)
      await emu.control('PATCH', '/settings', { gitApiTokenPushNeedsRead: true })
      const unscoped = basic('x-bitbucket-api-token-auth', await mint([]))
      assert.equal((await infoRefs(emu, 'git-upload-pack', unscoped)).status, 403)
    },
  )

  await t.test('Bearer takes OAuth tokens, access tokens by setting, never API tokens', async () => {
    assert.equal((await infoRefs(emu, 'git-receive-pack', `Bearer ${oauthWrite}`)).status, 200)
    assert.equal((await infoRefs(emu, 'git-upload-pack', `Bearer ${rat}`)).status, 200)
    assert.equal((await infoRefs(emu, 'git-upload-pack', `Bearer ${apiToken}`)).status, 401)
    await emu.control('PATCH', '/settings', { gitBearerAcceptsAccessTokens: false })
    assert.equal((await infoRefs(emu, 'git-upload-pack', `Bearer ${rat}`)).status, 401)
    await emu.control('PATCH', '/settings', { gitBearerAcceptsAccessTokens: true })
    assert.equal((await infoRefs(emu, 'git-upload-pack', `Token ${rat}`)).status, 401)
  })

  await t.test('access tokens reach only their repository, project or workspace', async () => {
    assert.equal((await infoRefs(emu, 'git-receive-pack', basic('x-token-auth', rat))).status, 200)
    assert.equal(
      (await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', rat), SEED.readOnlyRepository)).status,
      404,
    )
    const { token: wat } = await emu.control<{ token: string }>('POST', '/access-tokens', {
      kind: 'workspace-access-token',
      workspace: SEED.workspace,
      scopes: ['repository'],
    })
    assert.equal(
      (await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', wat), SEED.readOnlyRepository)).status,
      200,
    )
    assert.equal(
      (await infoRefs(emu, 'git-receive-pack', basic('x-token-auth', wat), SEED.readOnlyRepository)).status,
      403,
    )
    const { token: other } = await emu.control<{ token: string }>('POST', '/access-tokens', {
      kind: 'workspace-access-token',
      workspace: 'elsewhere',
    })
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', other))).status, 404)
  })

  await t.test('an unknown repository with a good credential: 404, or 403 by setting gitNoAccessStatus', async () => {
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', oauthRead), 'no-such-repo')).status, 404)
    await emu.control('PATCH', '/settings', { gitNoAccessStatus: 403 })
    assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', oauthRead), 'no-such-repo')).status, 403)
    await emu.control('PATCH', '/settings', { gitNoAccessStatus: 404 })
  })

  await t.test(
    'expired and revoked tokens: 401 with the challenge; the request log names the credential, not the token',
    async () => {
      const token = await emu.oauthToken()
      await emu.control('DELETE', '/requests')
      assert.equal((await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', token))).status, 200)
      await emu.control('POST', '/tokens/expire', { token })
      const expired = await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', token))
      assert.equal(expired.status, 401)
      assert.equal(expired.headers.get('www-authenticate'), 'Basic realm="Bitbucket.org HTTP"')
      const revokedToken = await emu.oauthToken()
      await emu.control('POST', '/tokens/revoke', { token: revokedToken })
      const revoked = await infoRefs(emu, 'git-upload-pack', basic('x-token-auth', revokedToken))
      assert.equal(revoked.status, 401)
      assert.equal(revoked.headers.get('www-authenticate'), 'Basic realm="Bitbucket.org HTTP"')
      const log = (
        await emu.control<{ path: string; status: number; credential: string | null }[]>('GET', '/requests')
      ).filter((e) => e.path.includes('.git/'))
      assert.deepEqual(
        log.map((e) => e.status),
        [200, 401, 401],
      )
      assert.match(log[0]!.credential ?? '', /^oauth:/)
      const text = JSON.stringify(log)
      for (const secret of [token, revokedToken]) assert.ok(!text.includes(secret.slice(0, 40)))
    },
  )

  await t.test('the dumb protocol is not served', async () => {
    const res = await fetch(`${emu.info.webUrl}/${SEED.workspace}/${SEED.repository}.git/info/refs`, {
      headers: { authorization: basic('x-token-auth', oauthRead) },
    })
    assert.equal(res.status, 403)
    const head = await fetch(`${emu.info.webUrl}/${SEED.workspace}/${SEED.repository}.git/HEAD`, {
      headers: { authorization: basic('x-token-auth', oauthRead) },
    })
    assert.equal(head.status, 404)
  })

  await t.test('a public repository can be fetched anonymously, but not pushed to', async () => {
    const repo = emu.server.world.repository(SEED.workspace, SEED.emptyRepository)!
    repo.isPrivate = false
    try {
      assert.equal((await infoRefs(emu, 'git-upload-pack', undefined, SEED.emptyRepository)).status, 200)
      assert.equal((await infoRefs(emu, 'git-receive-pack', undefined, SEED.emptyRepository)).status, 401)
    } finally {
      repo.isPrivate = true
    }
  })
})
