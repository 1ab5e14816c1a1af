import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { ApiClient } from '../../../../../main/core/bitbucket/api-client.js'
import { createCommit } from '../../../../../main/core/bitbucket/src-commit.js'
import { ProtectedPathError, registerHome } from '../../../../../main/core/fs/read-guard.js'
import { BitbucketNameError } from '../../../../../shared/bitbucket/names.js'

/** An API that counts what reaches it and answers every commit with 201. */
async function countingApi(t: TestContext): Promise<{ api: ApiClient; requests: string[] }> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => res.writeHead(201, { location: `/commit/${'a'.repeat(40)}` }).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))))
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const api = new ApiClient({
    apiUrl,
    authorizer: { header: async () => 'Bearer t', afterUnauthorized: async () => null },
  })
  return { api, requests }
}

const target = { workspace: 'pail-demo', repository: 'handbook', branch: 'main', parents: null, message: 'm' }

test(
  "createCommit refuses a file inside Pail's home even when its caller checked nothing, and sends nothing",
  { skip: process.platform === 'win32' && 'symlinks' },
  async (t) => {
    const root = await realpath(await mkdtemp(join(tmpdir(), 'pail-commit-guard-')))
    t.after(() => rm(root, { recursive: true, force: true }))
    const home = join(root, 'home')
    await mkdir(home)
    await writeFile(join(home, 'secrets.json'), '{"token":"s3cret"}')
    await mkdir(join(root, 'folder'))
    await writeFile(join(root, 'folder', 'notes.txt'), 'notes')
    await symlink(home, join(root, 'folder', 'settings'))
    // As the shells do; createCommit is given no guard and uses the process's.
    registerHome(home)
    const { api, requests } = await countingApi(t)
    const uploads = [
      { repoPath: 'notes.txt', absolutePath: join(root, 'folder', 'notes.txt'), mode: 'file' as const },
      {
        repoPath: 'settings/secrets.json',
        absolutePath: join(root, 'folder', 'settings', 'secrets.json'),
        mode: 'file' as const,
      },
    ]
    await assert.rejects(createCommit({ api }, { ...target, uploads, deletions: [] }), ProtectedPathError)
    assert.deepEqual(requests, [])
    const ok = await createCommit({ api }, { ...target, uploads: uploads.slice(0, 1), deletions: [] })
    assert.equal(ok.commit, 'a'.repeat(40))
    assert.deepEqual(requests, ['POST /2.0/repositories/pail-demo/handbook/src'])
  },
)

test('createCommit refuses a repository that is a path before anything is read or sent', async (t) => {
  const { api, requests } = await countingApi(t)
  await assert.rejects(
    createCommit({ api }, { ...target, repository: '../../user', uploads: [], deletions: ['a'] }),
    BitbucketNameError,
  )
  assert.deepEqual(requests, [])
})
