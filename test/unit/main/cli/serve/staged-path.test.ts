/**
 * The relative path of a staged file, from the URL parts it was PUT to: what can land inside the
 * staging folder and become a path in the repository is taken, anything else is refused in words.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { stagedPath, StagedPathError } from '../../../../../main/cli/serve/staged-path.js'

const parts = (path: string): string[] => path.split('/')

test('ordinary names, encoded or not, give their relative path', () => {
  assert.equal(stagedPath(parts('Report.pdf')), 'Report.pdf')
  assert.equal(stagedPath(parts('Photos/%C3%A9t%C3%A9%20%231.jpg')), 'Photos/été #1.jpg')
  assert.equal(stagedPath(parts('a/b/c/..d/.e')), 'a/b/c/..d/.e')
})

test('a path that could leave the folder or cannot be a repository path is refused', () => {
  const refused = [
    '',
    '/etc/passwd',
    '..',
    '../x',
    'a/../../x',
    'a/./b',
    '%2e%2e/x',
    'a//b',
    'a/',
    'a%2Fb',
    'a%5Cb',
    'nul%00.txt',
    'line%0Abreak',
    '.git/config',
    '.GIT/HEAD',
    '%E0%A4%A',
    `${'x'.repeat(256)}`,
    Array.from({ length: 2100 }, () => 'ab').join('/'),
  ]
  for (const path of refused) {
    assert.throws(() => stagedPath(parts(path)), StagedPathError, JSON.stringify(path))
    assert.throws(() => stagedPath(parts(path)), /Pail cannot take the file/)
  }
})
