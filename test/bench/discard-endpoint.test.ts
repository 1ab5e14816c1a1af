/**
 * The discarding endpoint of the large-file case: Pail's own upload path (createCommit) gets the
 * 201 and the commit it expects from it, and it counts every byte of the body.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ApiClient } from '../../main/core/bitbucket/api-client.js'
import { createCommit } from '../../main/core/bitbucket/src-commit.js'
import { DISCARDED_COMMIT, startDiscardEndpoint } from './discard-endpoint.js'

test('createCommit against the discarding endpoint: a 201 naming a commit, and every byte counted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pail-discard-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const endpoint = await startDiscardEndpoint()
  t.after(() => endpoint.close())
  const content = randomBytes(3 * 1024 * 1024 + 17)
  await writeFile(join(dir, 'big.bin'), content)
  const api = new ApiClient({
    apiUrl: endpoint.url,
    authorizer: { header: async () => 'Bearer not-a-secret', afterUnauthorized: async () => null },
  })
  const result = await createCommit(
    { api },
    {
      workspace: 'w',
      repository: 'r',
      branch: 'main',
      parents: null,
      message: 'm',
      uploads: [{ repoPath: 'big.bin', absolutePath: join(dir, 'big.bin'), mode: 'file' }],
      deletions: [],
    },
  )
  assert.equal(result.commit, DISCARDED_COMMIT)
  assert.equal(endpoint.requests.length, 1)
  const [req] = endpoint.requests
  assert.equal(req!.method, 'POST')
  assert.equal(req!.path, '/2.0/repositories/w/r/src')
  assert.equal(req!.bytes, req!.declaredBytes)
  assert.ok(req!.bytes > content.length, `${req!.bytes} bytes for a ${content.length}-byte file`)
})
