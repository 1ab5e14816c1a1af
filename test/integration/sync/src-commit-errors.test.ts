/**
 * createCommit's failures against the emulator, each a typed error the sync engine can act on,
 * and each leaving the branch where it was: stale parent, 5xx, rate limit, a connection dropped
 * mid-body, missing scope, no write access, unknown repository, and the 401 retry.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import type { Authorizer } from '../../../main/core/bitbucket/api-client.js'
import {
  CommitForbiddenError,
  CommitRejectedError,
  RateLimitedError,
  RepositoryNotFoundError,
  StaleParentError,
  TransientUploadError,
} from '../../../main/core/bitbucket/commit-errors.js'
import { createCommit } from '../../../main/core/bitbucket/src-commit.js'
import { SignedOutError } from '../../../main/core/auth/token-source.js'
import { blobAt, lsTree, tipOf } from '../../emulator/api/src-test-helpers.js'
import { useEmulator } from '../../emulator/harness.js'
import { apiFor, bearer, fileUpload, localFolder, repoFor, srcPosts } from './src-commit-support.js'

test('createCommit failures', async (t) => {
  const emu = await useEmulator(t)
  const api = apiFor(emu, bearer(await emu.oauthToken()))
  t.afterEach(() => emu.control('DELETE', '/faults'))

  await t.test(
    'a stale parent (another user moved main) is a StaleParentError; their commit stays the tip',
    async (t) => {
      const { gitDir, tip, target } = await repoFor(emu, 'stale')
      const other = await emu.control<{ hash: string }>('POST', '/commit', {
        repository: 'stale',
        branch: 'main',
        files: { 'theirs.txt': 'theirs' },
      })
      const folder = await localFolder(t)
      await assert.rejects(
        createCommit(
          { api },
          {
            ...target,
            parents: tip,
            message: 'mine',
            uploads: [await fileUpload(folder, 'mine.txt', 'mine')],
            deletions: [],
          },
        ),
        (error: unknown) => {
          assert.ok(error instanceof StaleParentError)
          assert.equal(error.status, 409)
          assert.equal(error.code, 'commit.stale-parent')
          assert.match(error.message, /Someone else changed the branch "main"/)
          return true
        },
      )
      assert.equal(await tipOf(gitDir, 'main'), other.hash)
    },
  )

  await t.test('a 500 is a TransientUploadError', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'five-hundred')
    await emu.control('POST', '/faults', {
      kind: 'status',
      status: 500,
      count: 1,
      method: 'POST',
      path: '/five-hundred/src',
    })
    const folder = await localFolder(t)
    await assert.rejects(
      createCommit(
        { api },
        { ...target, parents: tip, message: 'x', uploads: [await fileUpload(folder, 'x.txt', 'x')], deletions: [] },
      ),
      (error: unknown) => {
        assert.ok(error instanceof TransientUploadError)
        assert.equal(error.status, 500)
        assert.match(error.message, /Something went wrong/)
        return true
      },
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })

  await t.test('a rate limit is a RateLimitedError (plain-text body; Retry-After when sent)', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'limited')
    const folder = await localFolder(t)
    const request = {
      ...target,
      parents: tip,
      message: 'x',
      uploads: [await fileUpload(folder, 'x.txt', 'x')],
      deletions: [],
    }
    await emu.control('POST', '/faults', { kind: 'rate-limit', count: 1, method: 'POST', path: '/limited/src' })
    await assert.rejects(
      createCommit({ api }, request),
      (error: unknown) => error instanceof RateLimitedError && error.retryAfterMs === null && error.status === 429,
    )
    await emu.control('PATCH', '/settings', { retryAfterSeconds: 30 })
    t.after(() => emu.control('PATCH', '/settings', { retryAfterSeconds: null }))
    await emu.control('POST', '/faults', { kind: 'rate-limit', count: 1, method: 'POST', path: '/limited/src' })
    await assert.rejects(
      createCommit({ api }, request),
      (error: unknown) => error instanceof RateLimitedError && error.retryAfterMs === 30_000,
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })

  await t.test('a connection dropped mid-body is a TransientUploadError and no commit lands', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'dropped')
    await emu.control('POST', '/faults', { kind: 'drop', afterBytes: 100_000, count: 1, path: '/dropped/src' })
    const folder = await localFolder(t)
    const big = await fileUpload(folder, 'big.bin', randomBytes(4 * 1024 * 1024))
    await assert.rejects(
      createCommit({ api }, { ...target, parents: tip, message: 'x', uploads: [big], deletions: [] }),
      (error: unknown) => {
        assert.ok(error instanceof TransientUploadError, String(error))
        assert.equal(error.status, 0)
        assert.match(error.message, /could not reach Bitbucket .*The upload did not complete; Pail will try again\./)
        return true
      },
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
    // The same change set goes through once the network is back.
    const result = await createCommit({ api }, { ...target, parents: tip, message: 'x', uploads: [big], deletions: [] })
    assert.equal((await lsTree(gitDir, result.commit)).get('big.bin')?.sha, result.sent[0]!.sha)
  })

  await t.test('a token without repository:write: the message names Repositories: Write', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'scopes')
    const readOnly = apiFor(emu, bearer(await emu.oauthToken(['account', 'repository'])))
    const folder = await localFolder(t)
    const request = {
      ...target,
      parents: tip,
      message: 'x',
      uploads: [await fileUpload(folder, 'x.txt', 'x')],
      deletions: [],
    }
    await assert.rejects(createCommit({ api: readOnly }, request), (error: unknown) => {
      assert.ok(error instanceof CommitForbiddenError)
      assert.equal(error.reason, 'missing-scope')
      assert.deepEqual(error.missingScopes, ['repository:write'])
      assert.equal(
        error.message,
        'Pail cannot upload to pail-demo/scopes: its sign-in lacks the permission Repositories: Write. Ask your Bitbucket admin to give Pail this permission, then sign in again.',
      )
      return true
    })
    // Knowing the account's kind, the advice is the scope catalogue's own.
    await assert.rejects(createCommit({ api: readOnly, account: { kind: 'oauth' } }, request), (error: unknown) => {
      assert.ok(error instanceof CommitForbiddenError)
      assert.match(
        error.message,
        /^Pail cannot upload to pail-demo\/scopes\. Upload files needs Repositories: Write\. Ask your Bitbucket admin to tick it on Pail's OAuth consumer/,
      )
      return true
    })
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })

  await t.test(
    'read-only access to the repository: the message says write access or a branch restriction',
    async (t) => {
      const { gitDir, tip } = await repoFor(emu, 'write-denied')
      // The seeded user administers the workspace; the other user is made a reader of this repository.
      emu.server.world.repository('pail-demo', 'write-denied')!.permissions[emu.info.otherUser.uuid] = 'read'
      const reader = apiFor(emu, bearer(await emu.oauthToken(undefined, { email: emu.info.otherUser.email })))
      const folder = await localFolder(t)
      await assert.rejects(
        createCommit(
          { api: reader },
          {
            workspace: 'pail-demo',
            repository: 'write-denied',
            branch: 'main',
            parents: tip,
            message: 'x',
            uploads: [await fileUpload(folder, 'x.txt', 'x')],
            deletions: [],
          },
        ),
        (error: unknown) => {
          assert.ok(error instanceof CommitForbiddenError)
          assert.equal(error.reason, 'no-write-access')
          assert.match(
            error.message,
            /do not have write access to the repository, or the branch "main" only accepts changes from certain people/,
          )
          return true
        },
      )
      assert.equal(await tipOf(gitDir, 'main'), tip)
    },
  )

  await t.test('an unknown repository is a RepositoryNotFoundError', async (t) => {
    const folder = await localFolder(t)
    await assert.rejects(
      createCommit(
        { api },
        {
          workspace: 'pail-demo',
          repository: 'no-such-repo',
          branch: 'main',
          parents: null,
          message: 'x',
          uploads: [await fileUpload(folder, 'x.txt', 'x')],
          deletions: [],
        },
      ),
      (error: unknown) => {
        assert.ok(error instanceof RepositoryNotFoundError)
        assert.match(error.message, /no repository pail-demo\/no-such-repo/)
        return true
      },
    )
  })

  await t.test('a 401 mid-upload: the body is made again and the retry with a fresh token lands', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'expired')
    const stale = await emu.oauthToken()
    await emu.control('POST', '/tokens/expire', { token: stale })
    const rejected: string[] = []
    const authorizer: Authorizer = {
      header: async () => `Bearer ${stale}`,
      afterUnauthorized: async (sent) => {
        rejected.push(sent)
        return `Bearer ${await emu.oauthToken()}`
      },
    }
    const folder = await localFolder(t)
    // Large enough that the 401 arrives while the body is still being sent.
    const content = randomBytes(6 * 1024 * 1024)
    const before = srcPosts(emu, 'expired')
    const result = await createCommit(
      { api: apiFor(emu, authorizer) },
      {
        ...target,
        parents: tip,
        message: 'after 401',
        uploads: [await fileUpload(folder, 'big.bin', content)],
        deletions: [],
      },
    )
    assert.equal(rejected.length, 1)
    assert.ok(rejected[0] === `Bearer ${stale}`, 'the rejected header was the stale one')
    assert.equal(srcPosts(emu, 'expired') - before, 2)
    assert.ok((await blobAt(gitDir, result.commit, 'big.bin')).equals(content))
    assert.equal(result.sent[0]!.size, content.length)
    assert.equal((await lsTree(gitDir, result.commit)).get('big.bin')?.sha, result.sent[0]!.sha)
  })

  await t.test('a 401 the Authorizer cannot mend: SignedOutError propagates, or a plain 401 refusal', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'signed-out')
    const stale = await emu.oauthToken()
    await emu.control('POST', '/tokens/expire', { token: stale })
    const folder = await localFolder(t)
    const request = {
      ...target,
      parents: tip,
      message: 'x',
      uploads: [await fileUpload(folder, 'x.txt', 'x')],
      deletions: [],
    }
    const signedOut: Authorizer = {
      header: async () => `Bearer ${stale}`,
      afterUnauthorized: async () => {
        throw new SignedOutError('Sign in again.')
      },
    }
    await assert.rejects(createCommit({ api: apiFor(emu, signedOut) }, request), SignedOutError)
    await assert.rejects(
      createCommit({ api: apiFor(emu, bearer(stale)) }, request),
      (error: unknown) =>
        error instanceof CommitRejectedError && error.status === 401 && /Sign in again/.test(error.message),
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })
})
