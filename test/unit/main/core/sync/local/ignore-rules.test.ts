import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import ignore from 'ignore'
import { DEFAULT_IGNORE_PATTERNS, IgnoreRules } from '../../../../../../main/core/sync/local/ignore-rules.js'

async function folder(
  t: { after: (fn: () => Promise<void>) => void },
  files: Record<string, string> = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-ignore-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  return dir
}

test('the built-in list skips OS, editor, lock and partial-download files and keeps ordinary ones', async (t) => {
  const rules = await IgnoreRules.load(await folder(t))
  const ignored = [
    '~$Report.docx',
    'Docs/~$Budget.xlsx',
    '.~lock.minutes.odt#',
    '.DS_Store',
    'photos/.DS_Store',
    '._photo.jpg',
    'Thumbs.db',
    'THUMBS.DB',
    'sub/desktop.ini',
    'ehthumbs.db',
    'Icon\r',
    '.notes.txt.swp',
    '.notes.txt.swo',
    'notes.txt~',
    '#notes.txt#',
    '.#notes.txt',
    'movie.mp4.crdownload',
    'a.iso.part',
    'b.partial',
    'c.zip.download',
    '~WRL0001.tmp',
    '.git',
    'sub/.git',
    'sub/.git/config',
    '.Spotlight-V100',
    '.Trashes',
    '$RECYCLE.BIN',
    '$RECYCLE.BIN/x.txt',
    '.Trash-1000',
  ]
  for (const path of ignored) assert.equal(rules.isIgnored(path, false), true, JSON.stringify(path))
  assert.equal(rules.isIgnored('.git', true), true)
  assert.equal(rules.isIgnored('.Spotlight-V100', true), true)
  const kept = [
    'Report.docx',
    'Icon',
    'Icons/app.png',
    'notes.txt',
    '.pailignore',
    '.gitignore',
    'sub/.gitattributes',
    'git/notes.md',
    'partial.txt',
    'tmp/data.csv',
    'Budget #3.xlsx',
    'a~b.txt',
  ]
  for (const path of kept) assert.equal(rules.isIgnored(path, false), false, JSON.stringify(path))
  assert.equal(rules.isIgnored('tmp', true), false)
})

test('.pailignore files apply gitignore rules; deeper files win, and built-ins can be brought back but .git cannot', async (t) => {
  const root = await folder(t, {
    '.pailignore': '\uFEFF# comment\n*.log\nbuild/\n!keep.log\n!*.tmp\n!.git\nsecret/\n',
    'docs/.pailignore': '!debug.log\ndrafts/\n',
    'secret/.pailignore': '!visible.txt\n',
  })
  const rules = await IgnoreRules.load(root)
  await rules.refresh('docs')
  await rules.refresh('secret')
  assert.deepEqual(rules.ruleDirectories().sort(), ['', 'docs', 'secret'])
  assert.equal(
    rules.isIgnored('# comment', false),
    false,
    'comment lines are not patterns, and the byte-order mark is dropped',
  )
  assert.equal(rules.isIgnored('app.log', false), true)
  assert.equal(rules.isIgnored('keep.log', false), false)
  assert.equal(rules.isIgnored('docs/app.log', false), true, 'root rules reach into subfolders')
  assert.equal(rules.isIgnored('docs/debug.log', false), false, 'a deeper file overrides')
  assert.equal(rules.isIgnored('docs/drafts', true), true)
  assert.equal(rules.isIgnored('docs/drafts/a.txt', false), true)
  assert.equal(rules.isIgnored('drafts', true), false, 'nested rules stay in their folder')
  assert.equal(rules.isIgnored('build', true), true)
  assert.equal(rules.isIgnored('build', false), false, 'folder-only rules do not match files')
  assert.equal(rules.isIgnored('src/build/out.js', false), true)
  assert.equal(rules.isIgnored('scratch.tmp', false), false, '!*.tmp brings back a built-in pattern')
  assert.equal(rules.isIgnored('.git', true), true, '.git can never be brought back')
  assert.equal(rules.isIgnored('secret/visible.txt', false), true, 'nothing inside an ignored folder comes back')
})

test('refresh picks up edits and removals of a rules file and reports whether anything changed', async (t) => {
  const root = await folder(t, { '.pailignore': '*.csv\n' })
  const rules = await IgnoreRules.load(root)
  assert.equal(rules.isIgnored('data.csv', false), true)
  assert.equal(await rules.refresh(''), false)
  await writeFile(join(root, '.pailignore'), '*.json\n')
  assert.equal(await rules.refresh(''), true)
  assert.equal(rules.isIgnored('data.csv', false), false)
  assert.equal(rules.isIgnored('data.json', false), true)
  await mkdir(join(root, 'sub'))
  await writeFile(join(root, 'sub', '.pailignore'), 'x/\n')
  await rules.refresh('sub')
  assert.equal(rules.isIgnored('sub/x/y', false), true)
  await rm(join(root, 'sub', '.pailignore'))
  await rm(join(root, '.pailignore'))
  assert.equal(await rules.refresh('sub'), true)
  assert.equal(await rules.refresh(''), true)
  assert.equal(rules.isIgnored('sub/x/y', false), false)
  assert.equal(rules.isIgnored('data.json', false), false)
  assert.deepEqual(rules.ruleDirectories(), [])
  assert.equal(IgnoreRules.isRulesFile('a/b/.pailignore'), true)
  assert.equal(IgnoreRules.isRulesFile('a/.pailignore.bak'), false)
})

test('nested rules agree with git check-ignore on the same patterns', async (t) => {
  const patterns: Record<string, string> = {
    '': '*.log\n/out/\ndocs/**/tmp\n!important.log\nnode_modules\n*.bak\n',
    a: '!*.bak\n*.txt\n!keep.txt\n/local-only\n',
    'a/b': '!*.txt\n*.md\n',
  }
  const paths = [
    'x.log',
    'important.log',
    'a/x.log',
    'a/important.log',
    'out/file',
    'a/out/file',
    'docs/v1/tmp',
    'docs/tmp',
    'node_modules/p/index.js',
    'a/node_modules/q',
    'z.bak',
    'a/z.bak',
    'a/b/z.bak',
    'a/n.txt',
    'a/keep.txt',
    'a/b/n.txt',
    'a/b/r.md',
    'r.md',
    'a/local-only',
    'a/b/local-only',
  ]
  const gitRoot = await folder(t, Object.fromEntries(paths.map((p) => [p, 'x'])))
  const pailRoot = await folder(t)
  execFileSync('git', ['init', '-q', gitRoot])
  for (const [dir, text] of Object.entries(patterns)) {
    await mkdir(join(gitRoot, dir), { recursive: true })
    await writeFile(join(gitRoot, dir, '.gitignore'), text)
    await mkdir(join(pailRoot, dir), { recursive: true })
    await writeFile(join(pailRoot, dir, '.pailignore'), text)
  }
  const rules = new IgnoreRules(pailRoot, { defaults: [] })
  for (const dir of Object.keys(patterns)) await rules.refresh(dir)
  const answers: boolean[] = []
  for (const path of paths) {
    let gitSays: boolean
    try {
      execFileSync('git', ['-C', gitRoot, '-c', 'core.ignorecase=true', 'check-ignore', '-q', '--no-index', path])
      gitSays = true
    } catch {
      gitSays = false
    }
    assert.equal(rules.isIgnored(path, false), gitSays, path)
    answers.push(gitSays)
  }
  assert.deepEqual(answers.map(Number), [1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0])
})

test('the built-in rules, tested on names, answer what the ignore library answers for whole paths', () => {
  const reference = ignore({ ignorecase: true }).add([...DEFAULT_IGNORE_PATTERNS])
  const rules = new IgnoreRules('/nowhere')
  const names = [
    '.DS_Store',
    'thumbs.DB',
    '~$doc.docx',
    '.~lock.a.odt#',
    '._x',
    '.Trash-1000',
    '.x.swp',
    '.x.swq',
    'a~',
    '#a#',
    '.#a',
    'f.PART',
    'f.tmp',
    'f.tmp.txt',
    'desktop.ini',
    '$RECYCLE.BIN',
    'report.pdf',
    'x[1].txt',
    'a-b',
    'Icon',
  ]
  const name = fc.oneof(
    fc.constantFrom(...names),
    fc.stringMatching(/^[a-zA-Z0-9.~$#_\-[\]() ]{1,12}$/).filter((n) => n !== '.' && n !== '..'),
  )
  fc.assert(
    fc.property(fc.array(name, { minLength: 1, maxLength: 3 }), fc.boolean(), (parts, isDirectory) => {
      const path = parts.join('/')
      const expected = reference.test(path + (isDirectory ? '/' : '')).ignored || parts.some((p) => p === '.git')
      assert.equal(rules.isIgnored(path, isDirectory), expected, path)
    }),
    { numRuns: 3000 },
  )
})
