import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import type { Session } from '../../../../../main/core/auth/auth-service.js'
import { ApiClient } from '../../../../../main/core/bitbucket/api-client.js'
import { ReadGuard } from '../../../../../main/core/fs/read-guard.js'
import { HistoryStore } from '../../../../../main/core/history/history-store.js'
import { manualUpload, UploadRequestError } from '../../../../../main/core/upload/manual-upload.js'

const posix = process.platform !== 'win32'

/** A Pail home with a secret, a folder to upload from, and an API that counts what reaches it. */
async function setup(t: TestContext) {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'pail-manual-')))
  t.after(() => rm(root, { recursive: true, force: true }))
  const home = join(root, 'home')
  await mkdir(home)
  await writeFile(join(home, 'secrets.json'), '{"token":"s3cret"}')
  await mkdir(join(root, 'work'))
  await writeFile(join(root, 'work', 'notes.txt'), 'notes')
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => res.writeHead(201, { location: `/commit/${'b'.repeat(40)}` }).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))))
  const api = new ApiClient({
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizer: { header: async () => 'Bearer t', afterUnauthorized: async () => null },
  })
  // Only what manualUpload reads of a session (the account's web address, the API): no sign-in here.
  const session = { account: { webUrl: 'https://bitbucket.example', kind: 'oauth' }, api } as unknown as Session
  const history = new HistoryStore(join(root, 'state'))
  const deps = { session, history, readGuard: new ReadGuard([home]) }
  const request = { workspace: 'pail-demo', repository: 'handbook', branch: 'main', pathInRepo: '' }
  return { root, home, requests, history, deps, request }
}

test(
  "nothing inside Pail's home is uploaded, however it is chosen; nothing is sent or recorded",
  { skip: !posix && 'symlinks' },
  async (t) => {
    const { root, home, requests, history, deps, request } = await setup(t)
    await symlink(home, join(root, 'work', 'settings'))
    await symlink(join(home, 'secrets.json'), join(root, 'secrets-link'))
    const chosen = [
      [join(home, 'secrets.json')],
      [home],
      [join(root, 'work', 'settings', 'secrets.json')],
      [join(root, 'work', 'notes.txt'), join(home, 'secrets.json')],
      [root],
    ]
    for (const paths of chosen)
      await assert.rejects(
        manualUpload(deps, { ...request, paths }),
        (error: unknown) => error instanceof UploadRequestError && /Pail's own folder/.test(error.message),
        paths.join(', '),
      )
    assert.deepEqual(requests, [])
    assert.deepEqual(await history.list(10), [])
    // A link is uploaded as a link (its text), never as what it points at.
    const link = await manualUpload(deps, { ...request, paths: [join(root, 'secrets-link')] })
    assert.equal(link.bytes, Buffer.byteLength(join(home, 'secrets.json')))
    const folderLink = await manualUpload(deps, { ...request, paths: [join(root, 'work', 'settings')] })
    assert.equal(folderLink.bytes, Buffer.byteLength(home))
    const done = await manualUpload(deps, { ...request, paths: [join(root, 'work', 'notes.txt')] })
    assert.equal(done.link, `https://bitbucket.example/pail-demo/handbook/commits/${'b'.repeat(40)}`)
    assert.equal(requests.length, 3)
  },
)

test('a repository or branch that is not a Bitbucket name is refused before anything is read', async (t) => {
  const { root, requests, history, deps, request } = await setup(t)
  const paths = [join(root, 'work', 'notes.txt')]
  for (const bad of [{ repository: '../..' }, { workspace: '..' }, { branch: 'x..y' }, { branch: '' }])
    await assert.rejects(manualUpload(deps, { ...request, ...bad, paths }), UploadRequestError, JSON.stringify(bad))
  assert.deepEqual(requests, [])
  assert.deepEqual(await history.list(10), [])
})
