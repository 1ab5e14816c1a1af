/**
 * POST /src: what is refused before anything is committed (content types, credentials, scopes,
 * permissions, size limits) and who the author is for each kind of credential (bitbucket-api.md
 * §2, §3, §8.1).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { git } from '../git/git-cli.js'
import { useEmulator } from '../harness.js'
import { SIZE_WARNING_HEADER, UNSUPPORTED_CONTENT_TYPE } from './src-write.js'
import { freshRepo, g, gitDirOf, multipart, postSrc, tipOf, urlencoded } from './src-test-helpers.js'

test('POST /src: refusals, credentials and authors', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken()
  const handbook = gitDirOf(emu, 'handbook')

  await t.test('JSON and other bodies are refused with the observed message; nothing is committed', async () => {
    const before = await tipOf(handbook, 'main')
    for (const contentType of ['application/json', 'text/plain', '']) {
      const res = await postSrc(emu, token, { body: JSON.stringify({ message: 'm', files: ['a'] }), contentType })
      assert.equal(res.status, 400, contentType)
      assert.deepEqual(JSON.parse(res.text), { type: 'error', error: { message: UNSUPPORTED_CONTENT_TYPE } })
    }
    assert.equal((await postSrc(emu, token, { body: '--x--', contentType: 'multipart/form-data' })).status, 400)
    const truncated = multipart([{ name: 'a.txt', filename: 'a.txt', body: 'never committed' }])
    const cut = await postSrc(emu, token, {
      body: truncated.body.subarray(0, truncated.body.length - 20),
      contentType: truncated.contentType,
    })
    assert.equal(cut.status, 400)
    assert.match(cut.message ?? '', /Malformed multipart body/)
    assert.equal(await tipOf(handbook, 'main'), before)
  })

  await t.test('credentials: none is 401, a missing scope 403, read-only 403, unknown repository 404', async () => {
    const anonymous = await fetch(`${emu.info.apiUrl}/2.0/repositories/pail-demo/handbook/src`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    })
    assert.equal(anonymous.status, 401)
    const narrow = await postSrc(emu, await emu.oauthToken(['account', 'repository']), urlencoded([['a', 'b']]))
    assert.equal(narrow.status, 403)
    assert.equal(narrow.headers.get('x-accepted-oauth-scopes'), 'repository:write')
    assert.equal((await postSrc(emu, await emu.oauthToken(['account']), urlencoded([['a', 'b']]))).status, 403)
    // The seeded user administers the workspace, so every repository is writable for them; the
    // second user, given read on a fresh repository, is the one who only reads.
    const readDir = await freshRepo(emu, 'reader-only')
    emu.server.world.repository('pail-demo', 'reader-only')!.permissions[emu.info.otherUser.uuid] = 'read'
    const reader = await emu.oauthToken(undefined, { email: emu.info.otherUser.email })
    const readOnly = await postSrc(emu, reader, urlencoded([['a', 'b']]), { slug: 'reader-only' })
    assert.equal(readOnly.status, 403)
    assert.equal(await g(readDir, 'rev-list', '--count', 'main'), '1')
    const missing = await postSrc(emu, token, urlencoded([['a', 'b']]), { slug: 'nope' })
    assert.equal(missing.status, 404)
    assert.equal(missing.message, 'Repository pail-demo/nope not found')
  })

  await t.test('a repository access token commits to its repository only, as the stand-in author', async () => {
    const rat = emu.info.repositoryAccessToken
    const res = await postSrc(emu, rat, urlencoded([['by-token.txt', 'x']]))
    assert.equal(res.status, 201)
    assert.equal(await g(handbook, 'log', '-1', '--format=%an <%ae>', res.sha!), emu.server.settings.accessTokenAuthor)
    const chosen = await postSrc(
      emu,
      rat,
      urlencoded([
        ['author', 'CI Bot <ci@example.com>'],
        ['by-token.txt', 'y'],
      ]),
    )
    assert.equal(await g(handbook, 'log', '-1', '--format=%an <%ae>', chosen.sha!), 'CI Bot <ci@example.com>')
    const other = await postSrc(emu, rat, urlencoded([['a', 'b']]), { slug: 'empty-repo' })
    assert.ok(other.status === 403 || other.status === 404, String(other.status))
    assert.equal(await tipOf(gitDirOf(emu, 'empty-repo'), 'main'), null)
  })

  await t.test('accessTokenAuthor "" makes an author mandatory for access tokens', async (tt) => {
    tt.after(() => emu.control('PATCH', '/settings', { accessTokenAuthor: 'Access token <noreply@bitbucket.org>' }))
    await emu.control('PATCH', '/settings', { accessTokenAuthor: '' })
    const rat = emu.info.repositoryAccessToken
    assert.equal((await postSrc(emu, rat, urlencoded([['x', 'x']]))).status, 400)
    assert.equal(
      (
        await postSrc(
          emu,
          rat,
          urlencoded([
            ['author', 'Named <n@example.com>'],
            ['x', 'x'],
          ]),
        )
      ).status,
      201,
    )
  })

  await t.test('an Atlassian API token (Basic, email) commits as its user', async () => {
    const { email, token: apiToken } = emu.info.apiToken
    const basic = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`
    const res = await postSrc(emu, basic, urlencoded([['api.txt', 'x']]))
    assert.equal(res.status, 201)
    assert.equal(
      await g(handbook, 'log', '-1', '--format=%an <%ae>', res.sha!),
      `${emu.info.user.displayName} <${emu.info.user.email}>`,
    )
  })

  await t.test('a malformed author is a 400, or the default author by setting', async (tt) => {
    tt.after(() => emu.control('PATCH', '/settings', { malformedAuthor: 'error' }))
    const dir = await freshRepo(emu, 'authors')
    for (const author of ['Just A Name', 'no@brackets.example', '<only@email.example>', 'Two <a@x> <b@x>']) {
      const res = await postSrc(
        emu,
        token,
        urlencoded([
          ['author', author],
          ['x', 'x'],
        ]),
        { slug: 'authors' },
      )
      assert.equal(res.status, 400, author)
    }
    await emu.control('PATCH', '/settings', { malformedAuthor: 'fallback' })
    const res = await postSrc(
      emu,
      token,
      urlencoded([
        ['author', 'Just A Name'],
        ['x', 'x'],
      ]),
      { slug: 'authors' },
    )
    assert.equal(res.status, 201)
    assert.equal(
      await g(dir, 'log', '-1', '--format=%an <%ae>', res.sha!),
      `${emu.info.user.displayName} <${emu.info.user.email}>`,
    )
  })

  await t.test('size limits: a warning header past the warning size, refusal past the limit', async (tt) => {
    tt.after(() =>
      emu.control('PATCH', '/settings', {
        repositorySizeWarningBytes: 2 * 1024 ** 3,
        repositorySizeLimitBytes: 4 * 1024 ** 3,
      }),
    )
    const dir = await freshRepo(emu, 'sizes')
    const quiet = await postSrc(emu, token, urlencoded([['a', 'a']]), { slug: 'sizes' })
    assert.equal(quiet.headers.get(SIZE_WARNING_HEADER), null)
    await emu.control('PATCH', '/settings', { repositorySizeWarningBytes: 1 })
    const warned = await postSrc(emu, token, urlencoded([['b', 'b']]), { slug: 'sizes' })
    assert.equal(warned.status, 201)
    assert.match(warned.headers.get(SIZE_WARNING_HEADER) ?? '', /bytes used/)
    await emu.control('PATCH', '/settings', { repositorySizeLimitBytes: 1 })
    const refused = await postSrc(emu, token, urlencoded([['c', 'c']]), { slug: 'sizes' })
    assert.equal(refused.status, emu.server.settings.repositorySizeLimitStatus)
    assert.match(refused.message ?? '', /over the size limit/)
    assert.equal(await tipOf(dir, 'main'), warned.sha)
  })

  await t.test('the size limit sees what a push added since the last commit over the API', async (tt) => {
    tt.after(() => emu.control('PATCH', '/settings', { repositorySizeLimitBytes: 4 * 1024 ** 3 }))
    const dir = await freshRepo(emu, 'pushed-size')
    const first = await postSrc(emu, token, urlencoded([['a', 'a']]), { slug: 'pushed-size' })
    assert.equal(first.status, 201)
    const counted = await emu.server.git(emu.server.world.repository('pail-demo', 'pushed-size')!).sizeBytes()
    // A push of 2 MiB that does not compress: the repository is now well past `counted`.
    const work = await mkdtemp(join(tmpdir(), 'emu-size-push-'))
    tt.after(() => rm(work, { recursive: true, force: true }))
    const auth = { username: 'x-token-auth', password: token }
    await git(['clone', '--quiet', `${emu.info.webUrl}/pail-demo/pushed-size.git`, work], { auth })
    await writeFile(join(work, 'big.bin'), randomBytes(2 * 1024 * 1024))
    await git(['add', 'big.bin'], { cwd: work })
    await git(['commit', '--quiet', '-m', 'big'], { cwd: work })
    await git(['push', '--quiet', 'origin', 'main'], { cwd: work, auth })
    await emu.control('PATCH', '/settings', { repositorySizeLimitBytes: counted + 1024 * 1024 })
    const refused = await postSrc(emu, token, urlencoded([['b', 'b']]), { slug: 'pushed-size' })
    assert.equal(refused.status, emu.server.settings.repositorySizeLimitStatus)
    assert.notEqual(await tipOf(dir, 'main'), first.sha, 'the push landed')
  })
})
