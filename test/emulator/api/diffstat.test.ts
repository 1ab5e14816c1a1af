import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator } from '../harness.js'
import {
  BASE,
  branchAt,
  commit,
  diffstat,
  handbookGit,
  line,
  linkedCommit,
  lines,
  mergeCommit,
  type Diffstat,
} from './diffstat-test-support.js'
import { commitTree, getJson } from './read-test-support.js'

const TEN = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n'
const OTHER_TEN = Array.from({ length: 10 }, (_, i) => `row ${i + 1}`).join('\n') + '\n'

test("a single commit diffs against its first parent: added, removed, modified, renamed, in [SPEC]'s shape", async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const before = await commit(emu, {
    'docs/guide.md': 'a\nb\nc\n',
    'old name.txt': TEN,
    'gone.txt': 'x\ny\n',
    'moved.txt': OTHER_TEN,
  })
  const after = await commit(
    emu,
    {
      'docs/guide.md': 'a\nB\nc\nd\n',
      'new name.txt': TEN,
      'fresh.txt': 'one\n',
      'moved/edited.txt': OTHER_TEN.replace('row 3', 'row three'),
    },
    { deletions: ['gone.txt', 'old name.txt', 'moved.txt'] },
  )
  const records = await diffstat(emu, token, after)
  assert.deepEqual(lines(records), [
    'added - -> fresh.txt +1 -0',
    'modified docs/guide.md -> docs/guide.md +2 -1',
    'removed gone.txt -> - +0 -2',
    'renamed moved.txt -> moved/edited.txt +1 -1',
    'renamed old name.txt -> new name.txt +0 -0',
  ])
  const modified = records.find((r) => r.status === 'modified')!
  // [SPEC]'s example: record keys in this order, and a commit_file with only a `self` link.
  assert.deepEqual(Object.keys(modified), ['type', 'status', 'lines_removed', 'lines_added', 'old', 'new'])
  assert.deepEqual(Object.keys(modified.old!), ['path', 'escaped_path', 'type', 'links'])
  assert.equal(modified.type, 'diffstat')
  assert.equal(modified.old!.type, 'commit_file')
  assert.equal(modified.old!.links.self.href, `${emu.info.apiUrl}${BASE}/src/${before}/docs/guide.md`)
  assert.equal(modified.new!.links.self.href, `${emu.info.apiUrl}${BASE}/src/${after}/docs/guide.md`)
  const renamed = records.find((r) => r.old?.path === 'old name.txt')!
  assert.equal(renamed.old!.links.self.href, `${emu.info.apiUrl}${BASE}/src/${before}/old%20name.txt`)
  assert.equal(renamed.new!.links.self.href, `${emu.info.apiUrl}${BASE}/src/${after}/new%20name.txt`)
  assert.equal(records.find((r) => r.status === 'added')!.old, null)
  assert.equal(records.find((r) => r.status === 'removed')!.new, null)

  await t.test('renames=false reports each rename as a delete and an add', async () => {
    assert.deepEqual(lines(await diffstat(emu, token, after, '?renames=false')), [
      'added - -> fresh.txt +1 -0',
      'added - -> moved/edited.txt +10 -0',
      'added - -> new name.txt +10 -0',
      'modified docs/guide.md -> docs/guide.md +2 -1',
      'removed gone.txt -> - +0 -2',
      'removed moved.txt -> - +0 -10',
      'removed old name.txt -> - +0 -10',
    ])
  })
  await t.test('settings.diffstatRenameSimilarity decides how similar a rename must be', async () => {
    await emu.control('PATCH', '/settings', { diffstatRenameSimilarity: 100 })
    const strict = lines(await diffstat(emu, token, after))
    assert.ok(strict.includes('renamed old name.txt -> new name.txt +0 -0'))
    assert.ok(strict.includes('added - -> moved/edited.txt +10 -0'))
    await emu.control('PATCH', '/settings', { diffstatRenameSimilarity: 50 })
  })
})

test('a mode-only change is modified with no lines; binary files count 0 lines', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  await commitTree(emu, [
    { path: 'bin/run.sh', content: '#!/bin/sh\n' },
    { path: 'assets/blob.bin', content: Buffer.from([0, 1, 2, 3]) },
  ])
  const sha = await commitTree(emu, [
    { path: 'bin/run.sh', content: '#!/bin/sh\n', mode: '100755' },
    { path: 'assets/blob.bin', content: Buffer.from([0, 9, 9, 9, 9]) },
    { path: 'assets/new.bin', content: Buffer.from([0, 0, 7]) },
  ])
  assert.deepEqual(lines(await diffstat(emu, token, sha)), [
    'added - -> assets/new.bin +0 -0',
    'modified assets/blob.bin -> assets/blob.bin +0 -0',
    'modified bin/run.sh -> bin/run.sh +0 -0',
  ])
})

test('a file that becomes a symbolic link follows settings.diffstatTypeChange', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  await commitTree(emu, [{ path: 'latest', content: 'one\ntwo\n' }])
  const sha = await commitTree(emu, [{ path: 'latest', content: 'README.md', mode: '120000' }])
  assert.deepEqual(lines(await diffstat(emu, token, sha)), ['modified latest -> latest +1 -2'])
  await emu.control('PATCH', '/settings', { diffstatTypeChange: 'removed-added' })
  assert.deepEqual(lines(await diffstat(emu, token, sha)), ['added - -> latest +1 -0', 'removed latest -> - +0 -2'])
})

test('paths with spaces, unicode, quotes and tabs: escaped_path as git quotes it, links encoded per segment (§8.2.3)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const names = ['docs/my file.md', 'docs/café.md', 'docs/say "hi".txt', 'docs/tab\there.txt', 'naïve dir/ü.txt']
  const sha = await commit(emu, Object.fromEntries(names.map((n) => [n, `${n}\n`])))
  const records = await diffstat(emu, token, sha)
  const byPath = new Map(records.map((r) => [r.new!.path, r]))
  assert.deepEqual([...byPath.keys()].sort(), [...names].sort())
  assert.equal(byPath.get('docs/my file.md')!.new!.escaped_path, 'docs/my file.md')
  assert.equal(byPath.get('docs/café.md')!.new!.escaped_path, '"docs/caf\\303\\251.md"')
  assert.equal(byPath.get('docs/say "hi".txt')!.new!.escaped_path, '"docs/say \\"hi\\".txt"')
  assert.equal(byPath.get('docs/tab\there.txt')!.new!.escaped_path, '"docs/tab\\there.txt"')
  assert.equal(
    byPath.get('docs/café.md')!.new!.links.self.href,
    `${emu.info.apiUrl}${BASE}/src/${sha}/docs/caf%C3%A9.md`,
  )
  assert.equal(
    byPath.get('naïve dir/ü.txt')!.new!.links.self.href,
    `${emu.info.apiUrl}${BASE}/src/${sha}/na%C3%AFve%20dir/%C3%BC.txt`,
  )
  for (const record of records) assert.equal(record.lines_added, 1)
  // Each link leads to the file (src reads the same encoding).
  const meta = await getJson<{ path: string }>(
    emu,
    `${byPath.get('naïve dir/ü.txt')!.new!.links.self.href}?format=meta`,
    token,
  )
  assert.equal(meta.path, 'naïve dir/ü.txt')
  await emu.control('PATCH', '/settings', { escapedPathStyle: 'path' })
  const plain = await diffstat(emu, token, sha)
  for (const record of plain) assert.equal(record.new!.escaped_path, record.new!.path)
})

test('A..B: A holds the changes, B the state compared against; with topic=false swapping gives the inverse', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const older = await commit(emu, { 'keep.txt': 'a\nb\n', 'drop.txt': 'gone\n' })
  const newer = await commit(emu, { 'keep.txt': 'a\nB\nc\n', 'add.txt': 'new\n' }, { deletions: ['drop.txt'] })
  const forward = await diffstat(emu, token, `${newer}..${older}`)
  assert.deepEqual(lines(forward), [
    'added - -> add.txt +1 -0',
    'modified keep.txt -> keep.txt +2 -1',
    'removed drop.txt -> - +0 -1',
  ])
  // "First commit: the commit containing the changes": the new side is A, the old side B.
  const kept = forward.find((r) => r.status === 'modified')!
  assert.equal(linkedCommit(kept.new), newer)
  assert.equal(linkedCommit(kept.old), older)
  // The same as the single-commit spec of `newer`, whose first parent is `older`.
  assert.deepEqual(lines(await diffstat(emu, token, newer)), lines(forward))
  assert.deepEqual(lines(await diffstat(emu, token, `${newer}..${older}`, '?topic=false')), lines(forward))

  const backward = await diffstat(emu, token, `${older}..${newer}`, '?topic=false')
  assert.deepEqual(lines(backward), [
    'added - -> drop.txt +1 -0',
    'modified keep.txt -> keep.txt +1 -2',
    'removed add.txt -> - +0 -1',
  ])
  assert.equal(linkedCommit(backward.find((r) => r.status === 'modified')!.new), older)
  // With topic (the default) the diff starts at the merge base, which is `older` itself: nothing.
  assert.deepEqual(await diffstat(emu, token, `${older}..${newer}`), [])
  assert.deepEqual(await diffstat(emu, token, `${newer}..${newer}`), [])
})

test('topic=true diffs A against the merge base, topic=false against B, on diverged branches', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const base = await commit(emu, { 'shared.txt': 'one\ntwo\n' })
  await branchAt(emu, 'feature', base)
  const feature = await commit(emu, { 'shared.txt': 'one\ntwo\nthree\n', 'feature.txt': 'f\n' }, { branch: 'feature' })
  const main = await commit(emu, { 'main-only.txt': 'm\n', 'shared.txt': 'zero\none\ntwo\n' })
  const topic = await diffstat(emu, token, 'feature..main')
  assert.deepEqual(lines(topic), ['added - -> feature.txt +1 -0', 'modified shared.txt -> shared.txt +1 -0'])
  assert.equal(linkedCommit(topic.find((r) => r.status === 'modified')!.old), base)
  assert.equal(linkedCommit(topic.find((r) => r.status === 'modified')!.new), feature)
  assert.deepEqual(lines(await diffstat(emu, token, 'feature..main', '?topic=TRUE')), lines(topic))

  const twoDot = await diffstat(emu, token, 'feature..main', '?topic=false')
  assert.deepEqual(lines(twoDot), [
    'added - -> feature.txt +1 -0',
    'modified shared.txt -> shared.txt +1 -1',
    'removed main-only.txt -> - +0 -1',
  ])
  assert.equal(linkedCommit(twoDot.find((r) => r.status === 'modified')!.old), main)
  // The other way round: main's own changes since the fork.
  assert.deepEqual(lines(await diffstat(emu, token, 'main..feature')), [
    'added - -> main-only.txt +1 -0',
    'modified shared.txt -> shared.txt +1 -0',
  ])

  await t.test('settings.diffstatTopicOldCommit names B instead of the merge base in old links', async () => {
    await emu.control('PATCH', '/settings', { diffstatTopicOldCommit: 'destination' })
    const records = await diffstat(emu, token, 'feature..main')
    assert.deepEqual(lines(records), lines(topic))
    assert.equal(linkedCommit(records.find((r) => r.status === 'modified')!.old), main)
    await emu.control('PATCH', '/settings', { diffstatTopicOldCommit: 'merge-base' })
  })
  await t.test('unrelated histories follow settings.diffstatNoMergeBase', async () => {
    const orphan = await commit(emu, { 'island.txt': 'alone\n' }, { branch: 'orphan' })
    assert.deepEqual((await handbookGit(emu).commitInfo(orphan)).parents, [])
    assert.deepEqual(lines(await diffstat(emu, token, 'orphan..main')), ['added - -> island.txt +1 -0'])
    await emu.control('PATCH', '/settings', { diffstatNoMergeBase: 'two-dot' })
    assert.deepEqual(
      lines(await diffstat(emu, token, 'orphan..main')),
      lines(await diffstat(emu, token, 'orphan..main', '?topic=false')),
    )
    assert.ok(lines(await diffstat(emu, token, 'orphan..main')).includes('removed README.md -> - +0 -3'))
  })
})

test('single-commit specs: a root commit diffs against the empty tree, a merge against its first parent', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const root = (await handbookGit(emu).commitInfo((await handbookGit(emu).branchTip('main'))!)).hash
  assert.deepEqual((await handbookGit(emu).commitInfo(root)).parents, [])
  const records = await diffstat(emu, token, root)
  assert.deepEqual(records.map(line), ['added - -> README.md +3 -0'])
  assert.equal(records[0]!.old, null)
  assert.equal(linkedCommit(records[0]!.new), root)

  const mainTip = await commit(emu, { 'main.txt': 'm\n' })
  await branchAt(emu, 'side', root)
  const side = await commit(emu, { 'side.txt': 's\n' }, { branch: 'side' })
  // The merge's tree is side's plus main.txt: build it as a commit on side first.
  const both = await commit(emu, { 'main.txt': 'm\n' }, { branch: 'side' })
  const merge = await mergeCommit(emu, [mainTip, side], both)
  assert.deepEqual(lines(await diffstat(emu, token, merge)), ['added - -> side.txt +1 -0'])
})

test('short SHAs and branch names resolve as in src; a `%2F` branch is not found (§8.2.2)', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const base = await commit(emu, { 'a.txt': 'a\n' })
  await branchAt(emu, 'feature/x', base)
  const tip = await commit(emu, { 'b.txt': 'b\n' }, { branch: 'feature/x' })
  const expected = ['added - -> b.txt +1 -0']
  assert.deepEqual(lines(await diffstat(emu, token, tip.slice(0, 7))), expected)
  assert.deepEqual(lines(await diffstat(emu, token, `${tip.slice(0, 12)}..main`)), expected)
  assert.deepEqual(lines(await diffstat(emu, token, `${tip}..${base.slice(0, 7)}`)), expected)
  const encoded = await getJson<{ error: { message: string; data: { shas: string[] } } }>(
    emu,
    `${BASE}/diffstat/feature%2Fx..main`,
    token,
    404,
  )
  assert.equal(encoded.error.message, 'Commit not found')
  assert.deepEqual(encoded.error.data.shas, ['feature/x'])
})

test('pagination: default pagelen 500 ([SPEC]), pages followed by `next`, a maximum of 5000', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken(['repository'])
  const sha = await commit(
    emu,
    Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${String(i).padStart(2, '0')}.txt`, `${i}\n`])),
  )
  const first = await getJson<{ pagelen: number; size: number; page: number; values: Diffstat[]; next?: string }>(
    emu,
    `${BASE}/diffstat/${sha}`,
    token,
  )
  assert.equal(first.pagelen, 500)
  assert.equal(first.size, 12)
  assert.equal(first.values.length, 12)
  assert.equal(first.next, undefined)
  const paged = await getJson<{ pagelen: number; values: Diffstat[]; next?: string }>(
    emu,
    `${BASE}/diffstat/${sha}?pagelen=5`,
    token,
  )
  assert.equal(paged.values.length, 5)
  assert.ok(paged.next)
  const all = await diffstat(emu, token, sha, '?pagelen=5')
  assert.deepEqual(all.map(line), first.values.map(line))
  assert.equal((await getJson<{ pagelen: number }>(emu, `${BASE}/diffstat/${sha}?pagelen=6000`, token)).pagelen, 5000)
  await emu.control('PATCH', '/settings', { pagelenOverMaximum: 'error' })
  await getJson(emu, `${BASE}/diffstat/${sha}?pagelen=6000`, token, 400)
  assert.equal((await getJson<{ pagelen: number }>(emu, `${BASE}/diffstat/${sha}?pagelen=5000`, token)).pagelen, 5000)
})
