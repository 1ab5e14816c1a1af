import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  isUnderFolder,
  repoFolder,
  RepoPathError,
  toLocalPath,
  toRepoPath,
} from '../../../../shared/bitbucket/repo-path.js'

test('a folder in the repository loses its outer and doubled slashes', () => {
  assert.equal(repoFolder(''), '')
  assert.equal(repoFolder('/'), '')
  assert.equal(repoFolder('/docs//site/'), 'docs/site')
  assert.equal(repoFolder('Büro/2026 Q1'), 'Büro/2026 Q1')
})

test('a folder that would leave the repository, or that git refuses, is refused in plain words', () => {
  for (const bad of ['..', 'a/../b', './a', 'a/.git/b', '.GIT', 'a\\b', 'a\nb', 'tab\there']) {
    assert.throws(() => repoFolder(bad), RepoPathError, bad)
  }
  assert.throws(() => repoFolder('a/../b'), /without "\.\.", "\.git" or backslashes/)
})

test('repository and folder paths map both ways under a folder', () => {
  assert.equal(toRepoPath('a/b.txt', ''), 'a/b.txt')
  assert.equal(toRepoPath('a/b.txt', 'docs/site'), 'docs/site/a/b.txt')
  assert.equal(toLocalPath('docs/site/a/b.txt', 'docs/site'), 'a/b.txt')
  assert.equal(toLocalPath('a/b.txt', ''), 'a/b.txt')
  assert.equal(isUnderFolder('docs/site/a', 'docs/site'), true)
  assert.equal(isUnderFolder('docs/sitemap.xml', 'docs/site'), false)
  assert.equal(isUnderFolder('anything', ''), true)
})
