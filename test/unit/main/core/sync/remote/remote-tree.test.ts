import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ApiClient } from '../../../../../../main/core/bitbucket/api-client.js'
import type { Logger } from '../../../../../../main/core/log/logger.js'
import { judgeRemotePath, unsafeRemotePath } from '../../../../../../main/core/sync/remote/remote-path.js'
import { listFiles, remoteChanges } from '../../../../../../main/core/sync/remote/remote-tree.js'

const REF = { workspace: 'pail-demo', repository: 'handbook' }
const UNSAFE = [
  '../evil.txt',
  'team/../../evil.txt',
  '/etc/passwd',
  'team//x.txt',
  'team/./x.txt',
  'team\\x.txt',
  'team/x\0.txt',
  'team/.git/hooks/post-checkout',
  'team/',
]

/** A fake ApiClient whose listings are `pages` by URL path (a diffstat by its prefix). */
function fakeListings(pages: Record<string, unknown[]>): ApiClient {
  const fake = {
    async *paginate(url: string) {
      const path = url.split('?')[0]!
      const key = Object.keys(pages).find((p) => p === path || (p.endsWith('/diffstat/') && path.startsWith(p)))
      if (key === undefined) throw new Error(`unexpected listing ${url}`)
      yield* pages[key]!
    },
  }
  // Only paginate is reached by remoteChanges and listFiles.
  return fake as unknown as ApiClient
}

function recordingLogger(): { logger: Logger; refused: string[] } {
  const refused: string[] = []
  const note = (event: string, fields?: Record<string, unknown>): void => {
    if (event === 'sync.remote-path-refused') refused.push(String(fields?.path))
  }
  return { logger: { info: note, warn: note, error: note }, refused }
}

test('unsafe repository paths are named as such; safe ones are used or left outside the pair’s folder', () => {
  for (const path of [...UNSAFE, '']) assert.ok(unsafeRemotePath(path), JSON.stringify(path))
  assert.equal(unsafeRemotePath('team/notes/a b.txt'), null)
  assert.equal(unsafeRemotePath('team/..hidden'), null, 'a name that merely starts with dots is fine')
  assert.equal(judgeRemotePath('team/a.txt', 'team'), 'use')
  assert.equal(judgeRemotePath('other/a.txt', 'team'), 'outside')
  assert.deepEqual(judgeRemotePath('team/../x', 'team'), { refused: 'it has a “..” segment' })
})

test('paths from a diffstat are checked before they become local paths: unsafe ones are logged and left out', async () => {
  const entry = (path: string) => ({ status: 'modified', old: { path }, new: { path } })
  const api = fakeListings({
    '/2.0/repositories/pail-demo/handbook/diffstat/': [
      ...UNSAFE.map(entry),
      entry('team/fine.txt'),
      entry('other/elsewhere.txt'),
      { status: 'removed', old: { path: '../gone.txt' }, new: null },
      { status: 'renamed', old: { path: 'team/old.txt' }, new: { path: 'team/../escaped.txt' } },
    ],
  })
  const { logger, refused } = recordingLogger()
  const changes = await remoteChanges(api, REF, 'a'.repeat(40), 'b'.repeat(40), 'team', logger)
  assert.deepEqual(
    [...changes],
    [
      ['team/fine.txt', 'modified'],
      ['team/old.txt', 'removed'],
    ],
  )
  assert.deepEqual(refused.sort(), [...UNSAFE, '../gone.txt', 'team/../escaped.txt'].sort())
})

test('listings are checked too: an unsafe file is left out, an unsafe folder is not entered', async () => {
  const api = fakeListings({
    '/2.0/repositories/pail-demo/handbook/src/cccccccccccccccccccccccccccccccccccccccc/team/sub/': [
      { type: 'commit_file', path: 'team/sub/b.txt', size: 2 },
    ],
    '/2.0/repositories/pail-demo/handbook/src/cccccccccccccccccccccccccccccccccccccccc/team/': [
      { type: 'commit_file', path: 'team/a.txt', size: 1 },
      { type: 'commit_file', path: 'team/../evil.txt', size: 1 },
      { type: 'commit_directory', path: 'team/sub' },
      { type: 'commit_directory', path: 'team/.git' },
    ],
  })
  const { logger, refused } = recordingLogger()
  const files = await listFiles(api, REF, 'c'.repeat(40), 'team', logger)
  assert.deepEqual([...files.keys()].sort(), ['team/a.txt', 'team/sub/b.txt'])
  assert.deepEqual(refused.sort(), ['team/../evil.txt', 'team/.git'])
})
