import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { UploadFileChangedError } from '../../../../../main/core/bitbucket/commit-errors.js'
import { READ_AHEAD_MAX_BYTES, ReadAhead } from '../../../../../main/core/bitbucket/read-ahead.js'
import { prepareUpload, uploadHasher, type PreparedUpload } from '../../../../../main/core/bitbucket/upload-source.js'
import { hashBlob } from '../../../../../main/core/git/blob-hash.js'
import { processReadGuard } from '../../../../../main/core/fs/read-guard.js'

async function files(t: TestContext, contents: Buffer[]): Promise<PreparedUpload[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-read-ahead-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const prepared: PreparedUpload[] = []
  for (const [i, content] of contents.entries()) {
    const absolutePath = join(dir, `f${i}`)
    await writeFile(absolutePath, content)
    prepared.push(await prepareUpload({ repoPath: `f${i}`, absolutePath, mode: 'file' }))
  }
  return prepared
}

test('small files are read ahead of the one taken, never more than the window, each with its own bytes and hash', async (t) => {
  const contents = Array.from({ length: 40 }, (_, i) => randomBytes(100 + i * 37))
  const prepared = await files(t, contents)
  const hashers = prepared.map(uploadHasher)
  const window = 8
  const ahead = new ReadAhead(prepared, hashers, await processReadGuard(), window)
  for (let i = 0; i < contents.length; i++) {
    assert.ok(ahead.covers(i))
    const bytes = await ahead.take(i)
    assert.deepEqual(bytes, contents[i], `file ${i}'s bytes`)
    // The next files' reads are under way (read ahead), but no more than the window of them.
    assert.equal(ahead.inFlight, Math.min(window, contents.length - 1 - i), `reads pending after file ${i}`)
  }
  hashers.forEach((hasher, i) => assert.equal(hasher.digest(), hashBlob(contents[i]!), `file ${i}'s hash`))
})

test('larger files, empty files and links are not read ahead', async (t) => {
  const prepared = await files(t, [randomBytes(READ_AHEAD_MAX_BYTES + 1), Buffer.alloc(0), randomBytes(10)])
  prepared.push({ repoPath: 'link', absolutePath: '/nowhere', mode: 'link', size: 2, linkTarget: Buffer.from('f2') })
  const ahead = new ReadAhead(prepared, prepared.map(uploadHasher), await processReadGuard())
  assert.deepEqual(
    prepared.map((_, i) => ahead.covers(i)),
    [false, false, true, false],
  )
})

test('a file that got shorter fails when it is taken, as uploadContent would; the files before it are sent', async (t) => {
  const contents = [randomBytes(500), randomBytes(500), randomBytes(500)]
  const prepared = await files(t, contents)
  await truncate(prepared[2]!.absolutePath, 100)
  const ahead = new ReadAhead(prepared, prepared.map(uploadHasher), await processReadGuard())
  assert.deepEqual(await ahead.take(0), contents[0])
  assert.deepEqual(await ahead.take(1), contents[1])
  await assert.rejects(ahead.take(2), UploadFileChangedError)
})
