/**
 * `gitAcceptsPath` answers as git's index does: every path, for files and for links, is given to
 * one `git update-index --index-info` and the paths it prints as "Ignoring path" must be exactly
 * the ones the port refuses. The random paths are built from the characters git's rules look at.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import { git } from './git-store.js'
import { gitAcceptsPath } from './verify-path.js'

/** The paths `git update-index` refuses of `paths`, entered with `mode` into a fresh index file. */
async function refusedByGit(
  gitDir: string,
  index: string,
  paths: readonly string[],
  mode: string,
): Promise<Set<string>> {
  const blob = (await git(gitDir, ['hash-object', '-w', '--stdin'], { input: 'x' })).toString().trim()
  const input = paths.map((path) => `${mode} ${blob}\t${path}\0`).join('')
  const child = spawn('git', ['update-index', '-z', '--index-info'], {
    env: { ...process.env, GIT_DIR: gitDir, GIT_INDEX_FILE: index, LC_ALL: 'C' },
    stdio: ['pipe', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  child.stdin.end(input)
  await once(child, 'close')
  return new Set(
    stderr
      .split('\n')
      .filter((line) => line.startsWith('Ignoring path '))
      .map((line) => line.slice('Ignoring path '.length)),
  )
}

const FIXED = [
  '.git',
  '.GIT/x',
  '.git:x',
  'a/.git:x/y',
  '.git\\x',
  'a\\.git',
  'a\\.git\\b',
  'a\\git~1',
  '.git ',
  '.git.',
  '.git. .',
  'x/.git',
  'x/.',
  'x/..',
  '.',
  '..',
  '...',
  '.gitx',
  'git~1',
  'GIT~1/x',
  'git~1.x',
  'git~2',
  '.git~1',
  '.gitmodules',
  '.gitmodules ',
  '.gitmodules:x',
  'a/.gitmodules',
  'gitmod~1',
  'GITMOD~4',
  'gitmod~5',
  'gi7eba~1',
  'gi7eb~12',
  'gi7eba~9',
  '.gitattributes',
  '.gitignore',
  '.mailmap',
  'a',
  'a/b',
  'a//b',
  '/a',
  'a/',
  'caf\u00e9/.git',
  '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9~1',
]

test('gitAcceptsPath refuses exactly what git update-index refuses, for files and links', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'emu-verify-path-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const gitDir = join(dir, 'r.git')
  await git(gitDir, ['init', '--quiet', '--bare', gitDir])
  const alphabet = fc.constantFrom(
    '.',
    'g',
    'G',
    'i',
    'I',
    't',
    'T',
    '~',
    '1',
    '4',
    '5',
    ' ',
    ':',
    '\\',
    '/',
    'm',
    'o',
    'd',
    'u',
    'l',
    'e',
    's',
    '7',
    'b',
    'a',
    'x',
    '\u00e9',
  )
  const random = fc.sample(fc.string({ unit: alphabet, minLength: 1, maxLength: 14 }), { numRuns: 3000, seed: 11 })
  // Likely names more often than chance gives them: a protected name with a tail.
  const shaped = fc.sample(
    fc
      .tuple(
        fc.constantFrom('', 'a/', 'x\\', '.git/'),
        fc.constantFrom('.git', 'git~1', '.gitmodules', 'gitmod~2', 'gi7eba~3', '.GiT', '..', '.'),
        fc.string({ unit: fc.constantFrom(' ', '.', ':', '/', '\\', 'x'), maxLength: 4 }),
      )
      .map((parts) => parts.join('')),
    { numRuns: 1500, seed: 12 },
  )
  const paths = [...new Set([...FIXED, ...random, ...shaped])]
  for (const [n, mode] of ['100644', '120000'].entries()) {
    const refused = await refusedByGit(gitDir, join(dir, `index-${n}`), paths, mode)
    assert.ok(refused.size > 50, `git refused only ${refused.size} paths: the comparison would prove little`)
    const wrong = paths.filter((path) => gitAcceptsPath(path, mode) === refused.has(path))
    assert.deepEqual(
      wrong.map((path) => `${JSON.stringify(path)}: git ${refused.has(path) ? 'refuses' : 'accepts'}`),
      [],
      `mode ${mode}`,
    )
  }
})
