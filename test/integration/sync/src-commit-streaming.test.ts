/**
 * createCommit while the body streams: progress, files that change under the upload (the hash
 * reported is what Bitbucket stored), aborts, and a token asked to outlive a large upload.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { appendFileSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { UploadFileChangedError } from '../../../main/core/bitbucket/commit-errors.js'
import { createCommit, type CommitProgress } from '../../../main/core/bitbucket/src-commit.js'
import { FileChangedError, hashBlob } from '../../../main/core/git/blob-hash.js'
import { g, lsTree, tipOf } from '../../emulator/api/src-test-helpers.js'
import { useEmulator } from '../../emulator/harness.js'
import { apiFor, bearer, fileUpload, localFolder, repoFor } from './src-commit-support.js'

const MiB = 1024 * 1024

test('createCommit streaming', async (t) => {
  const emu = await useEmulator(t)
  const api = apiFor(emu, bearer(await emu.oauthToken()))

  await t.test('progress goes up to bytesTotal, naming each file while it is sent', async (t) => {
    const { target, tip } = await repoFor(emu, 'progress')
    const folder = await localFolder(t)
    const uploads = [
      await fileUpload(folder, 'one.bin', randomBytes(3 * MiB)),
      await fileUpload(folder, 'two.txt', 'small'),
      await fileUpload(folder, 'three.bin', randomBytes(MiB)),
    ]
    const events: CommitProgress[] = []
    await createCommit(
      { api },
      {
        ...target,
        parents: tip,
        message: 'progress',
        uploads,
        deletions: ['README.md'],
        onProgress: (p) => events.push(p),
      },
    )

    const total = events[0]!.bytesTotal
    assert.ok(total > 4 * MiB && total < 4 * MiB + 4096, `bytesTotal ${total} is the whole body`)
    assert.ok(events.every((e) => e.bytesTotal === total))
    assert.deepEqual(events.at(-1), {
      bytesSent: total,
      bytesTotal: total,
      currentPath: null,
      filesDone: 3,
      filesTotal: 3,
    })
    // Files count as done once their last byte is in the body, one after another.
    assert.equal(events[0]!.filesDone, 0)
    assert.ok(events.every((e) => e.filesTotal === 3))
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.filesDone >= events[i - 1]!.filesDone)
    const whileSecond = events.filter((e) => e.currentPath === 'two.txt')
    assert.ok(
      whileSecond.length > 0 && whileSecond.every((e) => e.filesDone === 1),
      'one file done while the second is sent',
    )
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.bytesSent >= events[i - 1]!.bytesSent)
    assert.deepEqual(
      [...new Set(events.map((e) => e.currentPath).filter(Boolean))],
      ['one.bin', 'two.txt', 'three.bin'],
    )
    // Throttled: a few dozen events for 4 MiB, not one per chunk of a few kilobytes.
    assert.ok(events.length > 10 && events.length < 100, `${events.length} events`)
  })

  await t.test('a file that grows while it is sent: the reported sha and size are what Bitbucket stored', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'grows')
    const folder = await localFolder(t)
    const original = randomBytes(8 * MiB)
    const upload = await fileUpload(folder, 'log/grow.bin', original)
    let appended = false
    const onProgress = (p: CommitProgress): void => {
      if (!appended && p.currentPath === 'log/grow.bin' && p.bytesSent > MiB) {
        appendFileSync(upload.absolutePath, randomBytes(2 * MiB))
        appended = true
      }
    }
    const result = await createCommit(
      { api },
      { ...target, parents: tip, message: 'grows', uploads: [upload], deletions: [], onProgress },
    )

    assert.ok(appended)
    assert.equal((await stat(upload.absolutePath)).size, 10 * MiB)
    const stored = (await lsTree(gitDir, result.commit)).get('log/grow.bin')!
    assert.deepEqual(result.sent[0], { repoPath: 'log/grow.bin', sha: stored.sha, size: 8 * MiB, mode: 'file' })
    assert.equal(await g(gitDir, 'cat-file', '-s', stored.sha), String(8 * MiB))
    assert.equal(stored.sha, hashBlob(original))
    // The file as it is now is another blob: the next scan finds it dirty again.
    assert.notEqual(hashBlob(await readFile(upload.absolutePath)), stored.sha)
  })

  await t.test('a file that shrinks while it is sent: UploadFileChangedError, and no commit lands', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'shrinks')
    const folder = await localFolder(t)
    const upload = await fileUpload(folder, 'shrink.bin', randomBytes(8 * MiB))
    let truncated = false
    const onProgress = (p: CommitProgress): void => {
      if (!truncated && p.currentPath === 'shrink.bin' && p.bytesSent > MiB) {
        truncateSync(upload.absolutePath, 2 * MiB)
        truncated = true
      }
    }
    await assert.rejects(
      createCommit(
        { api },
        { ...target, parents: tip, message: 'shrinks', uploads: [upload], deletions: [], onProgress },
      ),
      (error: unknown) => {
        assert.ok(error instanceof UploadFileChangedError, String(error))
        // The scanner's own class: the engine handles both alike (dirty again, not broken).
        assert.ok(error instanceof FileChangedError)
        assert.equal(error.path, 'shrink.bin')
        assert.match(error.message, /got shorter while Pail was uploading it/)
        return true
      },
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })

  await t.test('a file deleted before it is reached: UploadFileChangedError', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'vanishes')
    const folder = await localFolder(t)
    const first = await fileUpload(folder, 'first.bin', randomBytes(2 * MiB))
    const second = await fileUpload(folder, 'second.txt', 'second')
    let removed = false
    const onProgress = (p: CommitProgress): void => {
      if (!removed && p.currentPath === 'first.bin') {
        unlinkSync(second.absolutePath)
        removed = true
      }
    }
    await assert.rejects(
      createCommit(
        { api },
        { ...target, parents: tip, message: 'x', uploads: [first, second], deletions: [], onProgress },
      ),
      (error: unknown) => error instanceof UploadFileChangedError && error.path === 'second.txt',
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })

  await t.test(
    'a file swapped for a link is refused, not followed (before the attempt, or between prepare and open)',
    async (t) => {
      const { gitDir, tip, target } = await repoFor(emu, 'swapped')
      const folder = await localFolder(t)
      const secret = join(folder, 'outside-secret')
      writeFileSync(secret, 'not for Bitbucket')
      const first = await fileUpload(folder, 'first.bin', randomBytes(2 * MiB))
      const second = await fileUpload(folder, 'second.txt', 'second')
      const swap = (): void => {
        unlinkSync(second.absolutePath)
        symlinkSync(secret, second.absolutePath)
      }
      let swapped = false
      const onProgress = (p: CommitProgress): void => {
        if (!swapped && p.currentPath === 'first.bin') {
          swap()
          swapped = true
        }
      }
      const isSwapped = (error: unknown): boolean =>
        error instanceof UploadFileChangedError && error.path === 'second.txt'
      // Swapped after the size was fixed: the open refuses to follow the link.
      await assert.rejects(
        createCommit(
          { api },
          { ...target, parents: tip, message: 'x', uploads: [first, second], deletions: [], onProgress },
        ),
        isSwapped,
      )
      // Swapped before the attempt: refused up front.
      await assert.rejects(
        createCommit({ api }, { ...target, parents: tip, message: 'x', uploads: [second], deletions: [] }),
        isSwapped,
      )
      assert.equal(await tipOf(gitDir, 'main'), tip)
    },
  )

  await t.test('an abort stops the upload with the signal’s reason, and no commit lands', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'aborted')
    const folder = await localFolder(t)
    const controller = new AbortController()
    const onProgress = (p: CommitProgress): void => {
      if (p.bytesSent > MiB) controller.abort(new Error('stopped by the user'))
    }
    await assert.rejects(
      createCommit(
        { api },
        {
          ...target,
          parents: tip,
          message: 'x',
          uploads: [await fileUpload(folder, 'big.bin', randomBytes(8 * MiB))],
          deletions: [],
          onProgress,
          signal: controller.signal,
        },
      ),
      /stopped by the user/,
    )
    assert.equal(await tipOf(gitDir, 'main'), tip)
  })

  await t.test('a large upload first asks for a token valid for 15 minutes; a small one does not', async (t) => {
    const { tip, target } = await repoFor(emu, 'long-token')
    const folder = await localFolder(t)
    const asked: (number | undefined)[] = []
    const tokens = {
      token: async (options?: { minValidityMs?: number }) => (asked.push(options?.minValidityMs), 'unused'),
    }
    const small = await createCommit(
      { api, tokens },
      {
        ...target,
        parents: tip,
        message: 'small',
        uploads: [await fileUpload(folder, 'small.txt', 'x')],
        deletions: [],
      },
    )
    assert.deepEqual(asked, [])
    const content = randomBytes(9 * MiB)
    const large = await createCommit(
      { api, tokens },
      {
        ...target,
        parents: small.commit,
        message: 'large',
        uploads: [await fileUpload(folder, 'large.bin', content)],
        deletions: [],
      },
    )
    assert.deepEqual(asked, [15 * 60_000])
    assert.equal(
      large.sent[0]!.sha,
      createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex'),
    )
  })
})
