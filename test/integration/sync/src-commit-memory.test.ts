/**
 * createCommit streams from disk in constant memory: a 256 MiB upload from a child process whose
 * peak RSS stays far below the file's size. (The 1 GiB figure belongs to `npm run bench`.)
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { GitBlobHasher } from '../../../main/core/git/blob-hash.js'
import type { CommitResult } from '../../../main/core/bitbucket/src-commit.js'
import { g, lsTree } from '../../emulator/api/src-test-helpers.js'
import { useEmulator } from '../../emulator/harness.js'
import { localFolder, repoFor } from './src-commit-support.js'

const MiB = 1024 * 1024
const SIZE = 256 * MiB
const child = fileURLToPath(new URL('./src-commit-memory-child.ts', import.meta.url))

/** Writes `SIZE` bytes (a random MiB repeated with a changing counter) and returns their blob sha. */
async function writeLargeFile(path: string): Promise<string> {
  const block = randomBytes(MiB)
  const hasher = new GitBlobHasher(SIZE)
  const handle = await open(path, 'w')
  try {
    for (let i = 0; i < SIZE / MiB; i++) {
      block.writeUInt32BE(i, 0)
      hasher.update(block)
      await handle.write(block)
    }
  } finally {
    await handle.close()
  }
  return hasher.digest()
}

test('a 256 MiB upload keeps the client’s peak RSS far below the file size', { timeout: 300_000 }, async (t) => {
  const emu = await useEmulator(t)
  const { gitDir, tip } = await repoFor(emu, 'memory')
  const folder = await localFolder(t)
  const file = join(folder, 'large.bin')
  const expected = await writeLargeFile(file)

  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
    env: {
      ...process.env,
      PAIL_TEST_API_URL: emu.info.apiUrl,
      PAIL_TEST_TOKEN: await emu.oauthToken(),
      PAIL_TEST_FILE: file,
      PAIL_TEST_REPOSITORY: 'memory',
      PAIL_TEST_PARENT: tip,
    },
    maxBuffer: MiB,
  })
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as CommitResult & {
    baselineRssBytes: number
    maxRssBytes: number
    ms: number
  }
  const mib = (n: number): string => `${Math.round(n / MiB)} MiB`
  const growth = report.maxRssBytes - report.baselineRssBytes
  t.diagnostic(
    `256 MiB upload in ${report.ms} ms: child peak RSS ${mib(report.maxRssBytes)} (${mib(report.baselineRssBytes)} before the upload, so ${mib(growth)} for it)`,
  )

  assert.deepEqual(report.sent, [{ repoPath: 'large.bin', sha: expected, size: SIZE, mode: 'file' }])
  assert.deepEqual((await lsTree(gitDir, report.commit)).get('large.bin'), { mode: '100644', sha: expected })
  assert.equal(await g(gitDir, 'cat-file', '-s', expected), String(SIZE))
  // Buffering the file would add at least its size. Streaming adds what is in flight plus buffers
  // not yet collected (about 30 MiB, the same for 16 MiB and 512 MiB files); Node with tsx holds
  // some 90 MiB before the upload starts.
  assert.ok(growth < SIZE / 4, `RSS grew by ${mib(growth)} for a ${mib(SIZE)} upload`)
  assert.ok(report.maxRssBytes < SIZE * 0.6, `peak RSS ${mib(report.maxRssBytes)} for a ${mib(SIZE)} upload`)
})
