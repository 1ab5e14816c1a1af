import assert from 'node:assert/strict'
import { test } from 'node:test'
import { matchTemplate } from './router.js'

test('a single-segment parameter is percent-decoded, and the raw text is kept', () => {
  const hit = matchTemplate(
    '/2.0/repositories/{workspace}/{repo_slug}/refs/branches/{name}',
    '/2.0/repositories/ws/repo/refs/branches/feature%2Fx',
  )
  assert.deepEqual(hit?.params, { workspace: 'ws', repo_slug: 'repo', name: 'feature/x' })
  assert.equal(hit?.rawParams.name, 'feature%2Fx')
})

test('a rest parameter takes the remaining path, possibly empty', () => {
  assert.equal(matchTemplate('/src/{commit}/{path+}', '/src/abc/docs/a%20b.md')?.params.path, 'docs/a b.md')
  assert.equal(matchTemplate('/src/{commit}/{path+}', '/src/abc/')?.params.path, '')
  assert.equal(matchTemplate('/src/{commit}/{path+}', '/src/abc'), null)
})

test('extra or missing segments do not match', () => {
  assert.equal(matchTemplate('/2.0/user', '/2.0/user/x'), null)
  assert.equal(matchTemplate('/2.0/user/{x}', '/2.0/user'), null)
  assert.equal(matchTemplate('/2.0/{x}', '/2.0/%E0%A4%A'), null)
})
