import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TokenSource } from '../../../../../main/core/auth/token-source.js'
import { gitAuthorizer, gitUsername } from '../../../../../main/core/git/git-authorizer.js'
import type { CredentialKind } from '../../../../../shared/auth/scope-catalogue.js'

/** A TokenSource stand-in: hands out `token`, renews to `renewed`, records what it was told was refused. */
function tokens(kind: CredentialKind): { source: TokenSource; refused: string[] } {
  const refused: string[] = []
  const fake = {
    current: { kind },
    token: async () => 'token-1',
    afterUnauthorized: async (rejected: string) => {
      refused.push(rejected)
      return 'token-2'
    },
  }
  // Only current, token and afterUnauthorized are reached by gitAuthorizer.
  return { source: fake as unknown as TokenSource, refused }
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

test('git credentials: x-token-auth, or x-bitbucket-api-token-auth for API tokens (§6)', async () => {
  assert.equal(gitUsername('oauth'), 'x-token-auth')
  assert.equal(gitUsername('access-token'), 'x-token-auth')
  assert.equal(gitUsername('api-token'), 'x-bitbucket-api-token-auth')
  assert.equal(await gitAuthorizer(tokens('oauth').source).header(), basic('x-token-auth', 'token-1'))
  assert.equal(await gitAuthorizer(tokens('api-token').source).header(), basic('x-bitbucket-api-token-auth', 'token-1'))
})

test("after git's 401 a renewable token is renewed once; an access or API token is not (git may just not take it)", async () => {
  const oauth = tokens('oauth')
  const renewed = await gitAuthorizer(oauth.source).afterUnauthorized(basic('x-token-auth', 'token-1'))
  assert.equal(renewed, basic('x-token-auth', 'token-2'))
  assert.deepEqual(oauth.refused, ['token-1'], 'the refused token is named')
  for (const kind of ['access-token', 'api-token'] as const) {
    const other = tokens(kind)
    assert.equal(await gitAuthorizer(other.source).afterUnauthorized(basic('x-token-auth', 'token-1')), null)
    assert.deepEqual(other.refused, [], 'never told the token was refused: that could sign the person out')
  }
})
