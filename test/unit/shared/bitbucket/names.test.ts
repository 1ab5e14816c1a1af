import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  BitbucketNameError,
  branchProblem,
  isBranchName,
  isRepositoryName,
  isUploadableName,
  isWorkspaceName,
  parseRepositoryRef,
} from '../../../../shared/bitbucket/names.js'

test('workspace and repository slugs are Bitbucket names, never paths', () => {
  for (const ok of ['pail-demo', 'Team_1', '{470c176d-3574-44ea-bb41-89e8638bcca4}'])
    assert.equal(isWorkspaceName(ok), true, ok)
  for (const ok of ['handbook', 'my.repo', 'a_b-c', 'x'.repeat(62), '{470C176D-3574-44EA-BB41-89E8638BCCA4}'])
    assert.equal(isRepositoryName(ok), true, ok)
  for (const bad of ['', '.', '..', '../..', 'a/b', 'a b', 'a%2Fb', 'ws.name', 'a\nb', '{not-a-uuid}', 'é'])
    assert.equal(isWorkspaceName(bad), false, JSON.stringify(bad))
  for (const bad of ['', '.', '..', 'a/b', '..%2F..', 'a b', 'a?b', 'a#b', 'x'.repeat(63), 'a\nb', '{x}', 'ü'])
    assert.equal(isRepositoryName(bad), false, JSON.stringify(bad))
})

test('workspace/repository is parsed into checked parts, with a sentence naming what is wrong', () => {
  assert.deepEqual(parseRepositoryRef('pail-demo/handbook'), { workspace: 'pail-demo', repository: 'handbook' })
  assert.throws(
    () => parseRepositoryRef('../..'),
    (error: unknown) => {
      assert.ok(error instanceof BitbucketNameError)
      assert.match(error.message, /^"\.\." is not a workspace: Bitbucket workspace IDs have only letters/)
      return true
    },
  )
  assert.throws(() => parseRepositoryRef('ws/..'), /^Error: "\.\." is not a repository/)
  assert.throws(() => parseRepositoryRef('ws/a/b'), /write it as workspace\/repository/)
  assert.throws(() => parseRepositoryRef('handbook'), /write it as workspace\/repository/)
  assert.throws(() => parseRepositoryRef('ws/a\nb'), /"a\\nb" is not a repository/, 'line breaks are shown escaped')
})

test('branch names follow git check-ref-format --branch, each refusal saying which rule', () => {
  for (const ok of ['main', 'feature/x', 'release-1.2', 'ü', '@', '@x', 'a.b', 'refs/heads/x'])
    assert.equal(branchProblem(ok), null, ok)
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['a b', /space/],
    ['a\tb', /invisible/],
    ['a~1', /~ \^ :/],
    ['a:b', /~ \^ :/],
    ['-x', /starts with "-"/],
    ['HEAD', /reserved/],
    ['a..b', /"\.\."/],
    ['x@{1}', /"@\{"/],
    ['/a', /"\/"/],
    ['a/', /"\/"/],
    ['a//b', /"\/\/"/],
    ['a.', /ends with "\."/],
    ['.a', /starts with "\."/],
    ['a/.b', /starts with "\."/],
    ['a.lock', /"\.lock"/],
    ['a/b.lock/c', /"\.lock"/],
  ]
  for (const [name, why] of cases) assert.match(branchProblem(name) ?? 'accepted', why, JSON.stringify(name))
})

test('isBranchName agrees with git itself on random names made of the characters that matter', () => {
  const alphabet = fc.constantFrom(
    'a',
    'b',
    '/',
    '.',
    '-',
    '@',
    '{',
    '}',
    '~',
    '^',
    ':',
    '?',
    '*',
    '[',
    '\\',
    ' ',
    'l',
    'o',
    'c',
    'k',
    'ü',
    '\t',
  )
  const names = fc.sample(
    fc.array(alphabet, { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')),
    {
      numRuns: 300,
      seed: 7,
    },
  )
  names.push('a.lock', 'x/.y', 'HEAD', '@', 'a@{b')
  const disagreements = names.filter((name) => {
    // Outside any repository, where git cannot read "@{-1}"-style names as the branch checked out before.
    const git = spawnSync('git', ['check-ref-format', '--branch', name], { cwd: tmpdir() }).status === 0
    return git !== isBranchName(name)
  })
  assert.deepEqual(disagreements, [])
})

test('a file name with a line break or NUL cannot travel in a commit; others can', () => {
  for (const bad of ['a\nb', 'a\rb', 'Icon\r', 'a\0b']) assert.equal(isUploadableName(bad), false, JSON.stringify(bad))
  for (const ok of ['a b', 'tab\there', 'ü', '\uFFFD', '"quoted"']) assert.equal(isUploadableName(ok), true, ok)
})
