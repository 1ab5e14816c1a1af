import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { renameSync, symlinkSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { IgnoreRules } from '../../../../../../main/core/sync/local/ignore-rules.js'
import { scanFolder, scanPaths } from '../../../../../../main/core/sync/local/scanner.js'
import { emptyIndex } from '../../../../../../main/core/sync/local/index-store.js'
import { ReadGuard } from '../../../../../../main/core/fs/read-guard.js'
import { buildChangeSet } from '../../../../../../main/core/sync/pass/change-set.js'
import { scanAsUser } from '../../../../../support/scan-as-user.js'

type After = { after: (fn: () => Promise<void>) => void }

/** A temporary folder (inside its own temporary parent, so links can point "outside"). */
async function folder(t: After, files: Record<string, string> = {}): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'pail-scan-'))
  t.after(() => rm(parent, { recursive: true, force: true }))
  const root = join(parent, 'Team folder')
  await mkdir(root)
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

const posix = process.platform !== 'win32'

test('a scan lists files by "/"-separated relative path with size, mtime and mode, and no folders', async (t) => {
  const root = await folder(t, { 'a.txt': 'hello', 'Docs/Reports/2026/q1.md': '# Q1', 'run.sh': '#!/bin/sh\n' })
  await mkdir(join(root, 'empty'))
  await chmod(join(root, 'run.sh'), 0o755)
  const scan = await scanFolder(root)
  assert.equal(scan.rootStatus, 'ok')
  assert.equal(scan.root, root)
  assert.equal(scan.scope, undefined)
  assert.deepEqual([...scan.entries.keys()].sort(), ['Docs/Reports/2026/q1.md', 'a.txt', 'run.sh'])
  const a = scan.entries.get('a.txt')!
  assert.equal(a.path, 'a.txt')
  assert.equal(a.size, 5)
  assert.equal(a.mode, 'file')
  assert.ok(a.mtimeMs > 0)
  assert.equal(scan.entries.get('run.sh')!.mode, posix ? 'executable' : 'file')
  assert.deepEqual(scan.skipped, [])
})

test('ignored files and folders are left out, and an ignored folder is not entered', async (t) => {
  const root = await folder(t, {
    '.DS_Store': 'x',
    'keep.txt': 'k',
    '~$keep.docx': 'lock',
    '.git/config': 'c',
    'sub/.git': 'gitdir: x',
    '.pailignore': 'node_modules/\n*.log\n',
    'node_modules/pkg/index.js': 'x',
    'logs/app.log': 'l',
    'logs/readme.txt': 'r',
    'photos/.pailignore': 'raw/\n',
    'photos/raw/1.cr2': 'raw',
    'photos/1.jpg': 'jpg',
  })
  // Dangling links inside ignored folders: had the scanner entered them, it would list them as skipped.
  if (posix)
    for (const dir of ['node_modules', '.git', 'photos/raw']) await symlink('nowhere', join(root, dir, 'dangling'))
  const scan = await scanFolder(root)
  assert.deepEqual([...scan.entries.keys()].sort(), [
    '.pailignore',
    'keep.txt',
    'logs/readme.txt',
    'photos/.pailignore',
    'photos/1.jpg',
  ])
  assert.deepEqual(scan.skipped, [])
})

test('a shared IgnoreRules picks up nested rules files as the scan finds them, and forgets removed ones', async (t) => {
  const root = await folder(t, { 'a/.pailignore': '*.bak\n', 'a/x.bak': 'b', 'x.bak': 'b' })
  const rules = await IgnoreRules.load(root)
  assert.equal(rules.isIgnored('a/x.bak', false), false)
  const first = await scanFolder(root, { rules })
  assert.equal(rules.isIgnored('a/x.bak', false), true)
  assert.deepEqual([...first.entries.keys()].sort(), ['a/.pailignore', 'x.bak'])
  await rm(join(root, 'a', '.pailignore'))
  const second = await scanFolder(root, { rules })
  assert.deepEqual([...second.entries.keys()].sort(), ['a/x.bak', 'x.bak'])
  assert.equal(rules.hasRulesFor('a'), false)
})

test('names in NFC and NFD are kept exactly as the filesystem spells them', async (t) => {
  const nfc = 'Caf\u00e9.txt'
  const nfd = 'Cafe\u0301.txt'
  const root = await folder(t, { [nfc]: 'composed', [`Re\u0301sume\u0301/${nfd}`]: 'decomposed' })
  const scan = await scanFolder(root)
  const names = [...scan.entries.keys()]
  assert.ok(names.includes(nfc), 'NFC name kept')
  assert.ok(names.includes(`Re\u0301sume\u0301/${nfd}`), 'NFD names kept')
  for (const name of names) assert.ok(!name.includes('\\'), 'no backslashes')
})

test(
  'links inside the folder are synced as links with their raw target; outside or dangling ones are skipped',
  { skip: !posix && 'symlinks need privileges on Windows' },
  async (t) => {
    const root = await folder(t, { 'notes/today.md': 'today', 'notes/archive/old.md': 'old' })
    await writeFile(join(dirname(root), 'outside.txt'), 'private')
    await symlink('notes/today.md', join(root, 'latest'))
    await symlink('archive', join(root, 'notes', 'archive-link'))
    await symlink(join(root, 'notes', 'today.md'), join(root, 'absolute-inside'))
    await symlink('../outside.txt', join(root, 'escape'))
    await symlink('notes/../../outside.txt', join(root, 'sneaky'))
    await symlink(join(dirname(root), 'outside.txt'), join(root, 'absolute-outside'))
    await symlink('missing.txt', join(root, 'dangling'))
    await symlink('loop-b', join(root, 'loop-a'))
    await symlink('loop-a', join(root, 'loop-b'))
    const scan = await scanFolder(root)
    const latest = scan.entries.get('latest')!
    assert.deepEqual(
      { mode: latest.mode, linkTarget: latest.linkTarget, size: latest.size },
      { mode: 'link', linkTarget: 'notes/today.md', size: 14 },
    )
    assert.equal(scan.entries.get('notes/archive-link')!.mode, 'link', 'a link to a folder is a link, not followed')
    assert.ok(!scan.entries.has('notes/archive-link/old.md'))
    assert.equal(scan.entries.get('absolute-inside')!.linkTarget, join(root, 'notes', 'today.md'))
    const skipped = Object.fromEntries(scan.skipped.map((s) => [s.path, s.reason]))
    assert.deepEqual(skipped, {
      escape: 'link-outside',
      sneaky: 'link-outside',
      'absolute-outside': 'link-outside',
      dangling: 'link-dangling',
      'loop-a': 'link-dangling',
      'loop-b': 'link-dangling',
    })
    for (const s of scan.skipped) assert.match(s.message, new RegExp(`“${s.path}” is a shortcut`))
  },
)

test(
  'a root reached through a link scans normally, and inside-links are judged against its real path',
  { skip: !posix && 'symlinks' },
  async (t) => {
    const root = await folder(t, { 'a.txt': 'a' })
    await symlink('a.txt', join(root, 'b'))
    const alias = join(dirname(root), 'alias')
    await symlink(root, alias)
    const scan = await scanFolder(alias)
    assert.equal(scan.rootStatus, 'ok')
    assert.deepEqual([...scan.entries.keys()].sort(), ['a.txt', 'b'])
  },
)

test('a missing folder, a file in its place and a dangling root link never look like an empty folder', async (t) => {
  const root = await folder(t, { 'file.txt': 'x' })
  assert.deepEqual(await scanFolder(join(root, 'nope')), {
    root: join(root, 'nope'),
    rootStatus: 'missing',
    entries: new Map(),
    skipped: [],
  })
  assert.equal((await scanFolder(join(root, 'file.txt'))).rootStatus, 'not-a-directory')
  assert.equal((await scanPaths(join(root, 'nope'), ['a'])).rootStatus, 'missing')
  if (posix) {
    await symlink(join(root, 'gone'), join(root, 'drive'))
    assert.equal((await scanFolder(join(root, 'drive'))).rootStatus, 'missing')
  }
})

test(
  'sockets, pipes and devices are skipped as not regular files',
  { skip: process.platform !== 'linux' && 'mkfifo' },
  async (t) => {
    const root = await folder(t, { 'ok.txt': 'x' })
    execFileSync('mkfifo', [join(root, 'pipe')])
    const scan = await scanFolder(root)
    assert.deepEqual([...scan.entries.keys()], ['ok.txt'])
    assert.deepEqual(
      scan.skipped.map((s) => [s.path, s.reason]),
      [['pipe', 'special']],
    )
  },
)

test(
  'unreadable folders (at scan) and files (at hash) are skipped with a reason, and nothing under them is deleted',
  { skip: !posix && 'POSIX permissions' },
  async (t) => {
    const root = await folder(t, { 'open.txt': 'o', 'locked.txt': 'l', 'private/a.txt': 'a', 'private/b/c.txt': 'c' })
    await chmod(join(root, 'locked.txt'), 0o000)
    await chmod(join(root, 'private'), 0o000)
    const sha = 'a'.repeat(40)
    const index = emptyIndex('main')
    for (const path of ['open.txt', 'locked.txt', 'private/a.txt', 'private/b/c.txt', 'removed.txt'])
      index.files[path] = { size: 1, mtimeMs: 1, sha, mode: 'file' }
    let result
    try {
      result = await scanAsUser(root, index)
    } finally {
      await chmod(join(root, 'private'), 0o755)
    }
    const { scan, changeSet } = result
    assert.equal(scan.rootStatus, 'ok')
    assert.deepEqual(scan.paths, ['locked.txt', 'open.txt'])
    assert.deepEqual(
      scan.skipped.map((s) => [s.path, s.reason]),
      [['private', 'unreadable']],
    )
    assert.match(
      scan.skipped[0]!.message,
      /^Pail can't open “private” \(EACCES\)\. It may be open in another program or you may not have permission to read it\./,
    )
    assert.deepEqual(changeSet.skipped.map((s) => [s.path, s.reason]).sort(), [
      ['locked.txt', 'unreadable'],
      ['private', 'unreadable'],
    ])
    assert.deepEqual(changeSet.deletions, ['removed.txt'], 'only the file that is really gone is deleted')
    assert.deepEqual(changeSet.uploads, ['open.txt'])
  },
)

test('scanPaths looks only at the given paths, walks folders among them and reports its scope', async (t) => {
  const root = await folder(t, {
    'a.txt': 'a',
    'b.txt': 'b',
    'dir/x.txt': 'x',
    'dir/sub/y.txt': 'y',
    'other/z.txt': 'z',
    'c.log.tmp': 't',
  })
  const scan = await scanPaths(root, ['a.txt', 'dir', 'gone.txt', 'gone-dir/f.txt', 'c.log.tmp', 'a.txt'])
  assert.equal(scan.rootStatus, 'ok')
  assert.deepEqual([...scan.entries.keys()].sort(), ['a.txt', 'dir/sub/y.txt', 'dir/x.txt'])
  assert.deepEqual(
    scan.scope!.sort(),
    ['a.txt', 'dir', 'gone-dir/f.txt', 'gone.txt'],
    'ignored paths are outside the scope',
  )
  const whole = await scanPaths(root, ['a.txt', ''])
  assert.equal(whole.scope, undefined, 'the root among the paths means a whole scan')
  assert.equal(whole.entries.size, 5)
})

test('scanPaths matches a path spelled in another Unicode normalisation to the name on disk', async (t) => {
  const nfc = 'Caf\u00e9.txt'
  const root = await folder(t, { [`M\u00fcller/${nfc}`]: 'x' })
  const scan = await scanPaths(root, ['M\u00fcller/Cafe\u0301.txt'])
  assert.deepEqual([...scan.entries.keys()], [`M\u00fcller/${nfc}`])
  assert.deepEqual(
    scan.scope,
    [`M\u00fcller/${nfc}`],
    'the spelling from the event is not in scope, so no entry is deleted under it',
  )
})

const linux = process.platform === 'linux'

test('a name with a line break is skipped with its reason; the rest of the folder is scanned', async (t) => {
  const root = await folder(t, { 'ok.txt': 'ok', 'Docs/fine.md': 'fine' })
  await writeFile(join(root, 'two\nlines.txt'), 'x')
  await mkdir(join(root, 'odd\rfolder'))
  await writeFile(join(root, 'odd\rfolder', 'inner.txt'), 'x')
  await writeFile(join(root, 'Docs', 'late\n.md'), 'x')
  const scan = await scanFolder(root)
  assert.deepEqual([...scan.entries.keys()].sort(), ['Docs/fine.md', 'ok.txt'])
  assert.deepEqual(scan.skipped.map((s) => [s.path, s.reason]).sort(), [
    ['Docs/late\n.md', 'bad-name'],
    ['odd\rfolder', 'bad-name'],
    ['two\nlines.txt', 'bad-name'],
  ])
  const message = scan.skipped.find((s) => s.path === 'two\nlines.txt')!.message
  assert.match(message, /^“two↵lines\.txt” has a line break in its name, which Bitbucket cannot take/)
  assert.ok(!message.includes('\n'), 'the message stays on one line')
  const partial = await scanPaths(root, ['two\nlines.txt', 'ok.txt'])
  assert.deepEqual([...partial.entries.keys()], ['ok.txt'])
  assert.ok(partial.skipped.some((s) => s.path === 'two\nlines.txt' && s.reason === 'bad-name'))
})

test(
  'a name that is not UTF-8 is skipped with its reason and never read as deleted; a real U+FFFD is synced',
  { skip: !linux && 'only Linux lets a name hold any bytes' },
  async (t) => {
    const root = await folder(t, { 'ok.txt': 'ok' })
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]) // "café" in Latin-1
    await writeFile(Buffer.concat([Buffer.from(`${root}/`), latin1, Buffer.from('.txt')]), 'x')
    await mkdir(Buffer.concat([Buffer.from(`${root}/`), latin1]))
    await writeFile(join(root, 'real\uFFFD.txt'), 'a name that holds U+FFFD itself')
    const lossy = 'caf\uFFFD.txt'
    const index = emptyIndex('main')
    for (const path of ['ok.txt', lossy, 'caf\uFFFD/inside.txt'])
      index.files[path] = { size: 1, mtimeMs: 1, sha: 'a'.repeat(40), mode: 'file' }
    const scan = await scanFolder(root)
    assert.deepEqual([...scan.entries.keys()].sort(), ['ok.txt', 'real\uFFFD.txt'])
    assert.deepEqual(scan.skipped.map((s) => [s.path, s.reason]).sort(), [
      ['caf\uFFFD', 'not-utf8'],
      [lossy, 'not-utf8'],
    ])
    assert.match(scan.skipped[0]!.message, /is not valid text/)
    const changeSet = await buildChangeSet(scan, index)
    assert.deepEqual(changeSet.deletions, [], 'a file Pail cannot name is not a deleted file')
  },
)

/** A temporary Pail home with a secret in it, and a guard for it. */
async function pailHome(t: After): Promise<{ home: string; guard: ReadGuard; parent: string }> {
  const parent = await realpath(await mkdtemp(join(tmpdir(), 'pail-scan-home-')))
  t.after(() => rm(parent, { recursive: true, force: true }))
  const home = join(parent, 'pail-home')
  await mkdir(home)
  await writeFile(join(home, 'secrets.json'), '{"token":"s3cret"}')
  return { home, guard: new ReadGuard([home]), parent }
}

test(
  "Pail's home is never entered nor listed: not as the folder, a link to it, or a folder inside it",
  { skip: !posix && 'symlinks' },
  async (t) => {
    const { home, guard, parent } = await pailHome(t)
    // Had the scanner listed the home, this dangling link would show as skipped.
    await symlink('nowhere', join(home, 'dangling'))
    assert.equal((await scanFolder(home, { guard })).rootStatus, 'pail-home')
    await symlink(home, join(parent, 'looks-like-a-folder'))
    const viaLink = await scanFolder(join(parent, 'looks-like-a-folder'), { guard })
    assert.equal(viaLink.rootStatus, 'pail-home')
    assert.equal(viaLink.entries.size, 0)
    assert.equal((await scanPaths(join(home, '..', 'pail-home'), ['secrets.json'], { guard })).rootStatus, 'pail-home')

    // A folder that holds the home (paired before Pail refused such folders).
    const guardInside = new ReadGuard([join(parent, 'outer', 'config', 'pail')])
    await mkdir(join(parent, 'outer', 'config', 'pail'), { recursive: true })
    await writeFile(join(parent, 'outer', 'config', 'pail', 'secrets.json'), 's3cret')
    await symlink('nowhere', join(parent, 'outer', 'config', 'pail', 'dangling'))
    await writeFile(join(parent, 'outer', 'config', 'other.ini'), 'x')
    const outer = await scanFolder(join(parent, 'outer'), { guard: guardInside })
    assert.deepEqual([...outer.entries.keys()], ['config/other.ini'])
    assert.deepEqual(
      outer.skipped.map((s) => [s.path, s.reason]),
      [['config/pail', 'pail-home']],
    )
    assert.match(outer.skipped[0]!.message, /Pail's own folder, which holds your sign-in secrets/)
    const partial = await scanPaths(join(parent, 'outer'), ['config/pail/secrets.json', 'config/pail'], {
      guard: guardInside,
    })
    assert.equal(partial.entries.size, 0)
    assert.ok(partial.skipped.every((s) => s.reason === 'pail-home' && s.path === 'config/pail'))
  },
)

test(
  'a folder swapped for a link to the home between listing its parent and listing it is not listed',
  { skip: !posix && 'symlinks' },
  async (t) => {
    const { home, guard } = await pailHome(t)
    const root = await folder(t, { 'sub/notes.txt': 'notes', 'top.txt': 'top' })
    // The swap happens exactly when the scanner has seen "sub" as a folder and asks whether it is ignored.
    class SwappingRules extends IgnoreRules {
      override isIgnored(path: string, isDirectory: boolean): boolean {
        if (path === 'sub' && isDirectory) {
          renameSync(join(root, 'sub'), join(root, 'sub-old'))
          symlinkSync(home, join(root, 'sub'))
        }
        return super.isIgnored(path, isDirectory)
      }
    }
    const scan = await scanFolder(root, { guard, rules: new SwappingRules(root), concurrency: 1 })
    assert.deepEqual([...scan.entries.keys()].sort(), ['top.txt'])
    assert.ok(!scan.entries.has('sub/secrets.json'), "the home's files are not listed")
    assert.deepEqual(
      scan.skipped.map((s) => [s.path, s.reason]),
      [['sub', 'pail-home']],
    )
  },
)
