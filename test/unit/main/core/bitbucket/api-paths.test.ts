import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { BitbucketNameError } from '../../../../../shared/bitbucket/names.js'
import {
  commitLink,
  repoBase,
  repositoryPath,
  srcCommitPath,
  workspaceRepositoriesPath,
} from '../../../../../main/core/bitbucket/api-paths.js'

const API = 'https://api.bitbucket.org'

test('every repository path stays under /2.0/repositories/{ws}/{slug}, whatever the names', () => {
  const tricky = fc.constantFrom('.', '..', '/', '%', '2', 'e', 'F', '?', '#', '{', '}', '\\', ' ', 'a', '-', '_', '\n')
  const name = fc.array(tricky, { minLength: 0, maxLength: 6 }).map((cs) => cs.join(''))
  fc.assert(
    fc.property(name, name, (workspace, repository) => {
      let path: string
      try {
        path = srcCommitPath({ workspace, repository })
      } catch (error) {
        assert.ok(error instanceof BitbucketNameError, String(error))
        return
      }
      const url = new URL(`${API}${path}`)
      const parts = url.pathname.split('/')
      assert.deepEqual(parts.slice(0, 3), ['', '2.0', 'repositories'])
      assert.equal(parts.length, 6, url.pathname)
      assert.equal(decodeURIComponent(parts[3]!), workspace)
      assert.equal(decodeURIComponent(parts[4]!), repository)
      assert.equal(url.search, '')
    }),
    { numRuns: 2000, seed: 11 },
  )
})

test('names that are paths are refused before any URL is made', () => {
  for (const ref of [
    { workspace: '..', repository: '..' },
    { workspace: 'ws', repository: '../../user' },
    { workspace: 'ws/x', repository: 'r' },
  ]) {
    assert.throws(() => repoBase(ref), BitbucketNameError)
    assert.throws(() => commitLink('https://bitbucket.org', ref, 'a'.repeat(40)), BitbucketNameError)
  }
  assert.throws(() => workspaceRepositoriesPath('..'), BitbucketNameError)
})

test('query parameters are encoded; UUIDs keep their braces encoded; commit links point at the web', () => {
  assert.equal(
    workspaceRepositoriesPath('pail-demo', { role: 'contributor', pagelen: 100, sort: 'slug' }),
    '/2.0/repositories/pail-demo?role=contributor&pagelen=100&sort=slug',
  )
  assert.equal(
    repositoryPath({ workspace: '{470c176d-3574-44ea-bb41-89e8638bcca4}', repository: 'handbook' }),
    '/2.0/repositories/%7B470c176d-3574-44ea-bb41-89e8638bcca4%7D/handbook',
  )
  assert.equal(
    commitLink('https://bitbucket.org/', { workspace: 'ws', repository: 'r.x' }, 'abc'),
    'https://bitbucket.org/ws/r.x/commits/abc',
  )
})
