import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pickedFilesProblem, relativePathOf, stagingPathProblem } from '../../../renderer/lib/staging-paths.js'

test('a file picked with its folder keeps its path in it; a file alone is its name', () => {
  assert.equal(relativePathOf({ name: 'a.jpg', webkitRelativePath: 'photos/2024/a.jpg', size: 1 }), 'photos/2024/a.jpg')
  assert.equal(relativePathOf({ name: 'a.jpg', webkitRelativePath: '', size: 1 }), 'a.jpg')
  assert.equal(relativePathOf({ name: 'a.jpg', size: 1 }), 'a.jpg')
})

test('paths that point outside what was picked, or that Bitbucket refuses, are refused with the reason', () => {
  assert.equal(stagingPathProblem('photos/a.jpg'), null)
  assert.equal(stagingPathProblem('Q3 report (final).docx'), null)
  assert.match(stagingPathProblem('../secret')!, /points outside/)
  assert.match(stagingPathProblem('/etc/passwd')!, /points outside/)
  assert.match(stagingPathProblem('a//b')!, /points outside/)
  assert.match(stagingPathProblem('a/./b')!, /points outside/)
  assert.match(stagingPathProblem('a\\b')!, /backslash/)
  assert.match(stagingPathProblem('line\nbreak')!, /line break/)
  assert.match(stagingPathProblem('')!, /without a name/)
})

test('a set of picked files: none, a bad one, or two with one path is a problem, named', () => {
  assert.match(pickedFilesProblem([])!, /Choose the files/)
  assert.equal(
    pickedFilesProblem([
      { name: 'a.txt', size: 1 },
      { name: 'a.txt', webkitRelativePath: 'docs/a.txt', size: 1 },
    ]),
    null,
  )
  assert.match(
    pickedFilesProblem([
      { name: 'a.txt', size: 1 },
      { name: 'a.txt', size: 2 },
    ])!,
    /Two of the chosen files are both called "a\.txt"/,
  )
  assert.match(pickedFilesProblem([{ name: 'x', webkitRelativePath: '../x', size: 1 }])!, /"\.\.\/x"/)
})
