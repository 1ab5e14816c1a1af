/**
 * POST /2.0/repositories/{ws}/{slug}/src: bodies, paths, deletions and attributes (bitbucket-api.md
 * §3, §8.1), each judged by git on the emulator's bare repository.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { useEmulator } from '../harness.js'
import { blobAt, freshRepo, g, lsTree, multipart, parentsOf, postSrc, tipOf, urlencoded } from './src-test-helpers.js'

const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'

test('POST /src: bodies, paths, deletions and attributes', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken()
  const { user } = emu.info

  await t.test('multipart: two files and one deletion in one commit, 201 with Location', async () => {
    const dir = await freshRepo(emu, 'two-files')
    const first = await postSrc(
      emu,
      token,
      multipart([
        { name: 'old/gone.txt', filename: 'gone.txt', body: 'bye\n' },
        { name: 'keep.txt', filename: 'keep.txt', body: 'kept\n' },
      ]),
      { slug: 'two-files' },
    )
    assert.equal(first.status, 201)
    const before = await tipOf(dir, 'main')
    const res = await postSrc(
      emu,
      token,
      multipart([
        { name: 'message', body: 'Two files, one deletion' },
        { name: '/docs/guide.md', filename: 'guide.md', body: '# Guide\n' },
        { name: 'src/main.c', filename: 'main.c', body: 'int main(void) { return 0; }\n' },
        { name: 'files', body: '/old/gone.txt' },
      ]),
      { slug: 'two-files' },
    )
    assert.equal(res.status, 201)
    assert.equal(res.text, '')
    assert.equal(res.location, `${emu.info.apiUrl}/2.0/repositories/pail-demo/two-files/commit/${res.sha}`)
    assert.equal(await tipOf(dir, 'main'), res.sha)
    assert.deepEqual(await parentsOf(dir, res.sha!), [before])
    const tree = await lsTree(dir, res.sha!)
    assert.deepEqual([...tree.keys()].sort(), ['README.md', 'docs/guide.md', 'keep.txt', 'src/main.c'])
    assert.equal((await blobAt(dir, res.sha!, 'docs/guide.md')).toString(), '# Guide\n')
    assert.equal((await blobAt(dir, res.sha!, 'src/main.c')).toString(), 'int main(void) { return 0; }\n')
    assert.equal(
      await g(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', res.sha!),
      `${user.displayName} <${user.email}>|${user.displayName} <${user.email}>|Two files, one deletion`,
    )
    assert.equal(
      await g(dir, 'diff-tree', '--no-commit-id', '--name-status', '-r', res.sha!),
      'A\tdocs/guide.md\nD\told/gone.txt\nA\tsrc/main.c',
    )
  })

  await t.test('urlencoded: `/message=` is a file, `message=` the commit message, `author` parsed', async () => {
    const dir = await freshRepo(emu, 'urlenc')
    const res = await postSrc(
      emu,
      token,
      urlencoded([
        ['/message', 'file contents'],
        ['message', 'Initial commit'],
        ['author', 'Erik van Zijst <erik@example.com>'],
        ['path/to/me.txt', 'Lorem ipsum.'],
      ]),
      { slug: 'urlenc' },
    )
    assert.equal(res.status, 201)
    const tree = await lsTree(dir, res.sha!)
    assert.deepEqual([...tree.keys()].sort(), ['README.md', 'message', 'path/to/me.txt'])
    assert.equal((await blobAt(dir, res.sha!, 'message')).toString(), 'file contents')
    assert.equal((await blobAt(dir, res.sha!, 'path/to/me.txt')).toString(), 'Lorem ipsum.')
    assert.equal(
      await g(dir, 'log', '-1', '--format=%an|%ae|%B', res.sha!),
      'Erik van Zijst|erik@example.com|Initial commit',
    )
  })

  await t.test('omitted message and author: the canned message and the user', async () => {
    const dir = await freshRepo(emu, 'defaults')
    const res = await postSrc(emu, token, urlencoded([['a.txt', 'a']]), { slug: 'defaults' })
    assert.equal(res.status, 201)
    assert.equal(
      await g(dir, 'log', '-1', '--format=%an <%ae>|%B', res.sha!),
      `${user.displayName} <${user.email}>|${emu.server.settings.defaultCommitMessage}`,
    )
  })

  await t.test('hostile names are kept exactly as sent, NFC and NFD apart', async () => {
    const dir = await freshRepo(emu, 'hostile')
    const names = [
      'with space/a b.txt',
      'caf\u00e9.txt',
      'cafe\u0301.txt',
      'hash#1.txt',
      '100%.txt',
      '%41.txt',
      'a+b.txt',
      'message',
      'branch',
      'files',
      'author',
      'parents',
      'semi;colon=x.txt',
    ]
    const parts = names.map((name, i) => ({ name, filename: 'x', body: `content ${i}` }))
    // Meta-named parts without a filename are meta; these set the message and go on the main branch.
    const res = await postSrc(emu, token, multipart([...parts, { name: 'message', body: 'hostile' }]), {
      slug: 'hostile',
    })
    assert.equal(res.status, 201)
    const tree = await lsTree(dir, res.sha!)
    for (const [i, name] of names.entries())
      assert.equal((await blobAt(dir, res.sha!, name)).toString(), `content ${i}`, name)
    assert.equal(tree.size, names.length + 1)
    assert.ok(tree.has('caf\u00e9.txt') && tree.has('cafe\u0301.txt'))
    assert.equal(await g(dir, 'log', '-1', '--format=%B', res.sha!), 'hostile')

    // Without a filename, a leading slash still makes a meta name a file.
    const slash = await postSrc(
      emu,
      token,
      multipart([
        { name: '/files', body: 'slash, no filename' },
        { name: 'branch', body: 'main' },
      ]),
      { slug: 'hostile' },
    )
    assert.equal(slash.status, 201)
    assert.equal((await blobAt(dir, slash.sha!, 'files')).toString(), 'slash, no filename')

    const enc = await postSrc(
      emu,
      token,
      urlencoded([
        ['/branch', 'b'],
        ['/author', 'a'],
        ['/parents', 'p'],
        ['/files', 'f'],
        ['/x y/#%+é.txt', 'z'],
        ['message', 'urlencoded hostile'],
      ]),
      { slug: 'hostile' },
    )
    assert.equal(enc.status, 201)
    assert.equal(await tipOf(dir, 'main'), enc.sha)
    for (const [path, content] of [
      ['branch', 'b'],
      ['author', 'a'],
      ['parents', 'p'],
      ['files', 'f'],
      ['x y/#%+é.txt', 'z'],
    ])
      assert.equal((await blobAt(dir, enc.sha!, path!)).toString(), content)
  })

  await t.test('an empty part or value is a zero-byte file, never a deletion', async () => {
    const dir = await freshRepo(emu, 'empties')
    const res = await postSrc(
      emu,
      token,
      multipart([
        { name: 'README.md', filename: 'README.md', body: '' },
        { name: 'files', body: 'README.md' },
        { name: 'new-empty', body: '' },
      ]),
      { slug: 'empties' },
    )
    assert.equal(res.status, 201)
    const tree = await lsTree(dir, res.sha!)
    assert.deepEqual(tree.get('README.md'), { mode: '100644', sha: EMPTY_BLOB })
    assert.deepEqual(tree.get('new-empty'), { mode: '100644', sha: EMPTY_BLOB })
    const enc = await postSrc(
      emu,
      token,
      urlencoded([
        ['other', ''],
        ['files', 'other'],
      ]),
      { slug: 'empties' },
    )
    assert.deepEqual((await lsTree(dir, enc.sha!)).get('other'), { mode: '100644', sha: EMPTY_BLOB })
  })

  await t.test('deletions: repeated `files`, leading slash optional, uploads elsewhere untouched', async () => {
    const dir = await freshRepo(emu, 'deletes')
    const seed = await postSrc(
      emu,
      token,
      urlencoded([
        ['a/1.txt', '1'],
        ['a/2.txt', '2'],
        ['b.txt', 'b'],
      ]),
      { slug: 'deletes' },
    )
    const res = await postSrc(
      emu,
      token,
      urlencoded([
        ['files', '/a/1.txt'],
        ['files', 'a/2.txt'],
      ]),
      { slug: 'deletes' },
    )
    assert.equal(res.status, 201)
    assert.deepEqual([...(await lsTree(dir, res.sha!)).keys()].sort(), ['README.md', 'b.txt'])
    assert.deepEqual(await parentsOf(dir, res.sha!), [seed.sha])
  })

  await t.test('executable and link, with both x-attributes syntaxes; a re-upload decides again', async () => {
    const dir = await freshRepo(emu, 'attrs')
    const res = await postSrc(
      emu,
      token,
      multipart([
        {
          name: 'bin/shutdown.sh',
          filename: 'shutdown.sh',
          extra: '; x-attributes:"executable"',
          body: '#!/bin/sh\nhalt\n',
        },
        { name: 'bin/up.sh', filename: 'up.sh', extra: '; x-attributes="executable"', body: '#!/bin/sh\nup\n' },
        { name: 'README.txt', filename: 'README.txt', extra: '; x-attributes:"link"', body: 'README' },
        { name: 'docs/latest', filename: 'latest', extra: '; x-attributes="link"', body: '../README.md' },
      ]),
      { slug: 'attrs' },
    )
    assert.equal(res.status, 201)
    const tree = await lsTree(dir, res.sha!)
    assert.equal(tree.get('bin/shutdown.sh')?.mode, '100755')
    assert.equal(tree.get('bin/up.sh')?.mode, '100755')
    assert.equal(tree.get('README.txt')?.mode, '120000')
    assert.equal((await blobAt(dir, res.sha!, 'README.txt')).toString(), 'README')
    assert.equal(tree.get('docs/latest')?.mode, '120000')
    assert.equal((await blobAt(dir, res.sha!, 'docs/latest')).toString(), '../README.md')
    const again = await postSrc(
      emu,
      token,
      multipart([
        { name: 'bin/shutdown.sh', filename: 'shutdown.sh', body: '#!/bin/sh\nhalt\n' },
        { name: 'README.txt', filename: 'README.txt', body: 'now a file' },
      ]),
      { slug: 'attrs' },
    )
    const after = await lsTree(dir, again.sha!)
    assert.equal(after.get('bin/shutdown.sh')?.mode, '100644')
    assert.equal(after.get('bin/shutdown.sh')?.sha, tree.get('bin/shutdown.sh')?.sha)
    assert.equal(after.get('README.txt')?.mode, '100644')
    assert.equal(after.get('bin/up.sh')?.mode, '100755')
  })

  await t.test('xAttributesSyntax "colon" ignores the equals spelling', async (tt) => {
    tt.after(() => emu.control('PATCH', '/settings', { xAttributesSyntax: 'both' }))
    await emu.control('PATCH', '/settings', { xAttributesSyntax: 'colon' })
    const dir = await freshRepo(emu, 'colon-only')
    const res = await postSrc(
      emu,
      token,
      multipart([
        { name: 'c.sh', filename: 'c.sh', extra: '; x-attributes:"executable"', body: 'c' },
        { name: 'e.sh', filename: 'e.sh', extra: '; x-attributes="executable"', body: 'e' },
      ]),
      { slug: 'colon-only' },
    )
    const tree = await lsTree(dir, res.sha!)
    assert.equal(tree.get('c.sh')?.mode, '100755')
    assert.equal(tree.get('e.sh')?.mode, '100644')
  })

  await t.test('the [SPEC] example: attachment parts named by Content-ID', async () => {
    const dir = await freshRepo(emu, 'content-id')
    const spec = multipart([
      {
        disposition: 'attachment; filename="shutdown.sh"; x-attributes:"executable"',
        headers: ['Content-Type: text/plain; charset="us-ascii"', 'Content-ID: "bin/shutdown.sh"'],
        body: '#!/bin/sh\nhalt\n',
      },
      {
        disposition: 'attachment; filename="README.txt"; x-attributes:"link"',
        headers: ['Content-ID: "/README.txt"'],
        body: 'README',
      },
    ])
    const res = await postSrc(emu, token, spec, { slug: 'content-id' })
    assert.equal(res.status, 201)
    const tree = await lsTree(dir, res.sha!)
    assert.equal(tree.get('bin/shutdown.sh')?.mode, '100755')
    assert.equal(tree.get('README.txt')?.mode, '120000')
  })

  await t.test('binary content with every byte value round-trips', async () => {
    const dir = await freshRepo(emu, 'binary')
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)),
      Buffer.from('\r\n--\r\n\r\n'),
    ])
    const res = await postSrc(
      emu,
      token,
      multipart([
        { name: 'data.bin', filename: 'data.bin', headers: ['Content-Type: application/octet-stream'], body: bytes },
      ]),
      { slug: 'binary' },
    )
    assert.equal(res.status, 201)
    assert.ok((await blobAt(dir, res.sha!, 'data.bin')).equals(bytes))
    const expected = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
    assert.equal((await lsTree(dir, res.sha!)).get('data.bin')?.sha, expected)
  })

  await t.test('bad paths answer 400 with the error envelope and commit nothing', async () => {
    const dir = await freshRepo(emu, 'bad-paths')
    const before = await tipOf(dir, 'main')
    for (const path of [
      '../x',
      'a/../b',
      './a',
      '.git/config',
      'a/.GIT/x',
      '/',
      '//a',
      'a//b',
      'a/',
      'C:\\x.txt',
      'C:/x.txt',
      '\\\\server\\share',
    ]) {
      // Quoted strings unescape `\\` (as Python's header parsers do), so backslashes go doubled.
      const res = await postSrc(
        emu,
        token,
        multipart([{ name: path.replaceAll('\\', '\\\\'), filename: 'x', body: 'x' }]),
        { slug: 'bad-paths' },
      )
      assert.equal(res.status, 400, path)
      assert.match(res.message ?? '', /^Invalid path/, path)
      const del = await postSrc(emu, token, urlencoded([['files', path]]), { slug: 'bad-paths' })
      assert.equal(del.status, 400, `files=${path}`)
    }
    for (const path of ['.git /hooks', 'a/.git./x', 'GIT~1/config']) {
      const res = await postSrc(emu, token, multipart([{ name: path, filename: 'x', body: 'x' }]), {
        slug: 'bad-paths',
      })
      assert.equal(res.status, 400, path)
    }
    assert.equal(await tipOf(dir, 'main'), before)
  })

  await t.test("paths git's index refuses (NTFS-protected names) are 400s and commit nothing", async () => {
    const dir = await freshRepo(emu, 'index-refuses')
    const before = await tipOf(dir, 'main')
    for (const part of [
      { name: '.git:x', filename: 'x', body: 'x' },
      { name: 'a/.GIT:stream/b', filename: 'x', body: 'x' },
      { name: 'a\\\\.git', filename: 'x', body: 'x' },
      { name: 'git~1.:x', filename: 'x', body: 'x' },
      { name: '.gitmodules', filename: 'x', extra: '; x-attributes:"link"', body: 'elsewhere' },
    ]) {
      const res = await postSrc(emu, token, multipart([part, { name: 'fine.txt', filename: 'f', body: 'f' }]), {
        slug: 'index-refuses',
      })
      assert.equal(res.status, 400, part.name)
      assert.match(res.message ?? '', /^Invalid path/, part.name)
    }
    assert.equal(await tipOf(dir, 'main'), before)
    // The same names as they are allowed: a .gitmodules file, a name merely starting with .git.
    const ok = await postSrc(
      emu,
      token,
      multipart([
        { name: '.gitmodules', filename: 'x', body: '' },
        { name: '.gitx/y', filename: 'x', body: 'y' },
      ]),
      { slug: 'index-refuses' },
    )
    assert.equal(ok.status, 201)
  })

  await t.test('a conflict deep in the tree names the first file lost, in tree order', async () => {
    const dir = await freshRepo(emu, 'deep-conflicts')
    await postSrc(
      emu,
      token,
      urlencoded([
        ['a/b/c', 'file'],
        ['a/b/d/e.txt', 'e'],
        ['a/b/d/f.txt', 'f'],
      ]),
      { slug: 'deep-conflicts' },
    )
    const before = await tipOf(dir, 'main')
    const under = await postSrc(emu, token, urlencoded([['a/b/c/d', 'under a file']]), { slug: 'deep-conflicts' })
    assert.equal(under.status, 400)
    assert.match(under.message ?? '', /would remove "a\/b\/c"/)
    const over = await postSrc(
      emu,
      token,
      urlencoded([
        ['a/b/d', 'over a directory'],
        ['z.txt', 'z'],
      ]),
      { slug: 'deep-conflicts' },
    )
    assert.equal(over.status, 400)
    assert.match(over.message ?? '', /would remove "a\/b\/d\/e.txt"/)
    // Deleting only the first file still loses the second.
    const half = await postSrc(
      emu,
      token,
      urlencoded([
        ['files', 'a/b/d/e.txt'],
        ['a/b/d', 'over a directory'],
      ]),
      { slug: 'deep-conflicts' },
    )
    assert.match(half.message ?? '', /would remove "a\/b\/d\/f.txt"/)
    assert.equal(await tipOf(dir, 'main'), before)
    const deleted = await postSrc(
      emu,
      token,
      urlencoded([
        ['files', 'a/b/c'],
        ['a/b/c/d', 'now a directory'],
      ]),
      { slug: 'deep-conflicts' },
    )
    assert.equal(deleted.status, 201)
    assert.deepEqual([...(await lsTree(dir, deleted.sha!)).keys()].sort(), [
      'README.md',
      'a/b/c/d',
      'a/b/d/e.txt',
      'a/b/d/f.txt',
    ])
  })

  await t.test('a file may not silently replace a directory (fileDirectoryConflict)', async (tt) => {
    tt.after(() => emu.control('PATCH', '/settings', { fileDirectoryConflict: 'error' }))
    const dir = await freshRepo(emu, 'conflicts')
    await postSrc(emu, token, urlencoded([['docs/a.txt', 'a']]), { slug: 'conflicts' })
    const before = await tipOf(dir, 'main')
    assert.equal((await postSrc(emu, token, urlencoded([['docs', 'file']]), { slug: 'conflicts' })).status, 400)
    assert.equal(
      (await postSrc(emu, token, urlencoded([['README.md/x', 'under a file']]), { slug: 'conflicts' })).status,
      400,
    )
    assert.equal(
      (
        await postSrc(
          emu,
          token,
          urlencoded([
            ['n', '1'],
            ['n/m', '2'],
          ]),
          { slug: 'conflicts' },
        )
      ).status,
      400,
    )
    assert.equal(await tipOf(dir, 'main'), before)
    // Deleting what is in the way makes it legal.
    const ok = await postSrc(
      emu,
      token,
      urlencoded([
        ['files', 'docs/a.txt'],
        ['docs', 'file'],
      ]),
      { slug: 'conflicts' },
    )
    assert.equal(ok.status, 201)
    assert.equal((await blobAt(dir, ok.sha!, 'docs')).toString(), 'file')
    await emu.control('PATCH', '/settings', { fileDirectoryConflict: 'replace' })
    const replaced = await postSrc(emu, token, urlencoded([['README.md/x', 'under a file']]), { slug: 'conflicts' })
    assert.equal(replaced.status, 201)
    assert.deepEqual([...(await lsTree(dir, replaced.sha!)).keys()].sort(), ['README.md/x', 'docs'])
  })
})
