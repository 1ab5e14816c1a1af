/**
 * createCommit against the emulator: what lands in the repository, judged by git on the bare
 * directory — contents, deletions, modes, hostile names, empty and binary files.
 */
import assert from 'node:assert/strict'
import { symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { UnsafeNameError } from '../../../main/core/bitbucket/multipart-body.js'
import { createCommit } from '../../../main/core/bitbucket/src-commit.js'
import { blobAt, g, lsTree, parentsOf, tipOf } from '../../emulator/api/src-test-helpers.js'
import { useEmulator } from '../../emulator/harness.js'
import { apiFor, bearer, fileUpload, localFolder, repoFor, srcPosts } from './src-commit-support.js'

test('createCommit against the emulator', async (t) => {
  const emu = await useEmulator(t)
  const api = apiFor(emu, bearer(await emu.oauthToken()))

  await t.test('two files and one deletion become one commit on the tip', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'two-files')
    const folder = await localFolder(t)
    const uploads = [await fileUpload(folder, 'notes/a.txt', 'alpha\n'), await fileUpload(folder, 'b.md', '# Bravo\n')]
    const result = await createCommit(
      { api },
      {
        ...target,
        parents: tip,
        message: 'Two files\n\nand a deletion',
        author: 'Ada Lovelace <ada@example.com>',
        uploads,
        deletions: ['README.md'],
      },
    )

    assert.equal(await tipOf(gitDir, 'main'), result.commit)
    assert.deepEqual(await parentsOf(gitDir, result.commit), [tip])
    const tree = await lsTree(gitDir, result.commit)
    assert.deepEqual([...tree.keys()].sort(), ['b.md', 'notes/a.txt'])
    assert.equal((await blobAt(gitDir, result.commit, 'notes/a.txt')).toString(), 'alpha\n')
    assert.deepEqual(
      result.sent.map((s) => ({ path: s.repoPath, sha: s.sha, size: s.size, mode: s.mode })),
      [
        { path: 'notes/a.txt', sha: tree.get('notes/a.txt')!.sha, size: 6, mode: 'file' },
        { path: 'b.md', sha: tree.get('b.md')!.sha, size: 8, mode: 'file' },
      ],
    )
    assert.equal(
      await g(gitDir, 'log', '-1', '--format=%an <%ae>%n%B', result.commit),
      'Ada Lovelace <ada@example.com>\nTwo files\n\nand a deletion',
    )
  })

  await t.test('the executable bit and links are kept (100755, 120000; a link stores its target)', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'modes')
    const folder = await localFolder(t)
    const script = await fileUpload(folder, 'bin/run.sh', '#!/bin/sh\necho hi\n', 'executable')
    const linkPath = join(folder, 'latest')
    await symlink('../docs/ünïcode target.md', linkPath)
    const result = await createCommit(
      { api },
      {
        ...target,
        parents: tip,
        message: 'Modes',
        uploads: [script, { repoPath: 'links/latest', absolutePath: linkPath, mode: 'link' }],
        deletions: [],
      },
    )

    const tree = await lsTree(gitDir, result.commit)
    assert.deepEqual(tree.get('bin/run.sh'), { mode: '100755', sha: result.sent[0]!.sha })
    assert.deepEqual(tree.get('links/latest'), { mode: '120000', sha: result.sent[1]!.sha })
    assert.equal((await blobAt(gitDir, result.commit, 'links/latest')).toString('utf8'), '../docs/ünïcode target.md')
    assert.equal(result.sent[1]!.size, Buffer.byteLength('../docs/ünïcode target.md'))
    assert.equal(result.sent[1]!.mode, 'link')
  })

  await t.test('a link sends the target text the scanner hashed (Upload.linkTarget)', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'link-target')
    const folder = await localFolder(t)
    const linkPath = join(folder, 'current')
    await symlink('releases/v2', linkPath)
    // The link moved after the scan; what the index will record is the scanned target, so that is what goes.
    const result = await createCommit(
      { api },
      {
        ...target,
        parents: tip,
        message: 'link',
        uploads: [{ repoPath: 'current', absolutePath: linkPath, mode: 'link', linkTarget: 'releases/v1' }],
        deletions: [],
      },
    )
    assert.equal((await blobAt(gitDir, result.commit, 'current')).toString(), 'releases/v1')
    assert.deepEqual((await lsTree(gitDir, result.commit)).get('current'), { mode: '120000', sha: result.sent[0]!.sha })
  })

  await t.test('hostile names round-trip byte for byte, and meta names are files', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'hostile')
    const folder = await localFolder(t)
    const names = [
      'with space/a b.txt',
      'caf\u00e9.txt',
      'cafe\u0301.txt',
      'hash#tag.txt',
      '100%25 per%cent.txt',
      'a+b=c.txt',
      'message',
      'branch',
      'files',
      'author',
      'parents',
      'dir/message',
      'say "hi".txt',
      'back\\slash.txt',
      '日本語/ファイル.txt',
    ]
    const uploads = await Promise.all(names.map((name, i) => fileUpload(folder, name, `content ${i}\n`)))
    const result = await createCommit(
      { api },
      {
        ...target,
        parents: tip,
        message: 'the real message',
        author: 'Real Author <real@example.com>',
        uploads,
        deletions: [],
      },
    )

    const tree = await lsTree(gitDir, result.commit)
    for (const [i, name] of names.entries()) {
      assert.ok(tree.has(name), `missing ${JSON.stringify(name)}; tree has ${JSON.stringify([...tree.keys()])}`)
      assert.equal((await blobAt(gitDir, result.commit, name)).toString(), `content ${i}\n`, name)
      assert.equal(result.sent[i]!.sha, tree.get(name)!.sha, name)
    }
    // Nothing else: no name was normalised (NFC and NFD stay as sent), decoded or split.
    assert.equal(tree.size, names.length + 1)
    // The meta fields were not taken over by the files named after them.
    assert.equal(
      await g(gitDir, 'log', '-1', '--format=%an <%ae>|%B', result.commit),
      'Real Author <real@example.com>|the real message',
    )
    assert.equal(await tipOf(gitDir, 'main'), result.commit)
  })

  await t.test('deletions of hostile names', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'hostile-delete')
    const folder = await localFolder(t)
    const names = ['files', 'say "hi".txt', 'cafe\u0301.txt', 'x+y%20.txt']
    const first = await createCommit(
      { api },
      {
        ...target,
        parents: tip,
        message: 'add',
        uploads: await Promise.all(names.map((n) => fileUpload(folder, n, n))),
        deletions: [],
      },
    )
    const second = await createCommit(
      { api },
      { ...target, parents: first.commit, message: 'delete', uploads: [], deletions: names },
    )
    assert.deepEqual([...(await lsTree(gitDir, second.commit)).keys()], ['README.md'])
    assert.deepEqual(second.sent, [])
  })

  await t.test('an empty file and every byte value', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'bytes')
    const folder = await localFolder(t)
    // The empty blob's id is the same in every git repository.
    const EMPTY_BLOB_SHA = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
    const bytes = Buffer.alloc(256 * 4)
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256
    // CR LF and the boundary's own dashes inside content must not confuse the body.
    const tricky = Buffer.concat([bytes, Buffer.from('\r\n--\r\n\r\n--'), bytes])
    const uploads = [await fileUpload(folder, 'empty.txt', ''), await fileUpload(folder, 'all-bytes.bin', tricky)]
    const result = await createCommit({ api }, { ...target, parents: tip, message: 'bytes', uploads, deletions: [] })

    const tree = await lsTree(gitDir, result.commit)
    assert.deepEqual(tree.get('empty.txt'), { mode: '100644', sha: EMPTY_BLOB_SHA })
    assert.deepEqual(result.sent[0], { repoPath: 'empty.txt', sha: EMPTY_BLOB_SHA, size: 0, mode: 'file' })
    assert.ok((await blobAt(gitDir, result.commit, 'all-bytes.bin')).equals(tricky))
    assert.equal(result.sent[1]!.sha, tree.get('all-bytes.bin')!.sha)
    assert.equal(await g(gitDir, 'cat-file', '-s', result.sent[1]!.sha), String(tricky.length))
  })

  await t.test('parents null commits on top of the tip', async (t) => {
    const { gitDir, tip, target } = await repoFor(emu, 'no-parents')
    const folder = await localFolder(t)
    const result = await createCommit(
      { api },
      { ...target, parents: null, message: 'on top', uploads: [await fileUpload(folder, 'x.txt', 'x')], deletions: [] },
    )
    assert.deepEqual(await parentsOf(gitDir, result.commit), [tip])
  })

  await t.test('names with CR, LF or NUL are refused before anything is sent', async (t) => {
    const { target, tip } = await repoFor(emu, 'unsafe')
    const folder = await localFolder(t)
    for (const bad of ['line\nbreak.txt', 'carriage\rreturn.txt', 'nul\0.txt']) {
      await assert.rejects(
        createCommit(
          { api },
          { ...target, parents: tip, message: 'no', uploads: [await fileUpload(folder, bad, 'x')], deletions: [] },
        ),
        (error: unknown) => {
          assert.ok(error instanceof UnsafeNameError)
          assert.match(error.message, /line break or a NUL/)
          return true
        },
      )
      await assert.rejects(
        createCommit({ api }, { ...target, parents: tip, message: 'no', uploads: [], deletions: [bad] }),
        UnsafeNameError,
      )
    }
    assert.equal(srcPosts(emu, 'unsafe'), 0)
  })
})
