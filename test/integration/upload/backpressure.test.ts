/**
 * The upload reads a file in a few buffers taken in turn (upload-source.ts). That is only right
 * while no buffer is reused before the socket has sent it: here a server that reads the body
 * slowly keeps the socket full, and every byte of the file must arrive as it is on disk.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { ApiClient } from '../../../main/core/bitbucket/api-client.js'
import { createCommit } from '../../../main/core/bitbucket/src-commit.js'

const COMMIT = 'c'.repeat(40)

test('a file sent to a slow reader arrives byte for byte (no read buffer reused while the socket holds it)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pail-backpressure-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  // Larger than loopback's socket buffers take at once, so that writes stay queued on the socket.
  const content = randomBytes(24 * 1024 * 1024 + 123)
  await writeFile(join(dir, 'big.bin'), content)

  let received = Buffer.alloc(0)
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    // Read 64 KiB at a time with a pause between: the client's socket stays full all along.
    req.pause()
    const drain = async (): Promise<void> => {
      for (;;) {
        const chunk = req.read(64 * 1024) as Buffer | null
        if (chunk) chunks.push(chunk)
        else if (req.readableEnded) break
        else await new Promise((resolve) => req.once('readable', resolve).once('end', resolve))
        await delay(1)
      }
      received = Buffer.concat(chunks)
      res.writeHead(201, { location: `/2.0/repositories/w/r/commit/${COMMIT}` }).end()
    }
    void drain()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const { port } = server.address() as AddressInfo

  const api = new ApiClient({
    apiUrl: `http://127.0.0.1:${port}`,
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
  assert.equal(result.commit, COMMIT)
  const at = received.indexOf(content.subarray(0, 4096))
  assert.ok(at >= 0, 'the file part starts in the body')
  assert.ok(
    received.subarray(at, at + content.length).equals(content),
    'the bytes received are the bytes on disk, in order',
  )
})
