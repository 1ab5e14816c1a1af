import assert from 'node:assert/strict'
import { test } from 'node:test'
import { operations } from '../scopes.js'
import { specOperation, specOrSkip } from './openapi.js'

const sorted = (list: readonly string[]): string[] => [...list].sort()

test("every row of the scope table matches the spec's security and x-atlassian-oauth2-scopes (§2.1, §2.3)", async (t) => {
  const spec = specOrSkip(t)
  if (!spec) return
  for (const row of operations) {
    await t.test(`${row.method} ${row.path}`, () => {
      const op = specOperation(spec, row.method, row.path)
      assert.ok(op, `${row.method} ${row.path} is an operation of the spec`)
      const oauth = op.security?.find((entry) => 'oauth2' in entry)?.oauth2
      assert.ok(oauth, 'the operation has an oauth2 security requirement')
      assert.deepEqual(sorted(row.oauth), sorted(oauth), 'OAuth scopes (security.oauth2)')
      const granular = (op['x-atlassian-oauth2-scopes'] ?? [])
        .filter((entry) => entry.scheme === 'oauth2')
        .flatMap((entry) => entry.scopes)
      assert.ok(granular.length > 0, 'the operation lists x-atlassian-oauth2-scopes')
      assert.deepEqual(sorted(row.apiToken), sorted(granular), 'API-token scopes (x-atlassian-oauth2-scopes)')
    })
  }
})
