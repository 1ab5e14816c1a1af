import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RepositoryView, WorkspaceView } from '../../../shared/ipc/views.js'
import {
  allRepositories,
  defaultBranch,
  findRepository,
  matchesSearch,
  searchWorkspaces,
  splitFullName,
} from '../../../renderer/lib/repositories.js'

function repository(workspace: string, slug: string, name: string): RepositoryView {
  return {
    workspace,
    slug,
    fullName: `${workspace}/${slug}`,
    name,
    isPrivate: true,
    mainBranch: 'main',
    link: `https://bitbucket.example/${workspace}/${slug}`,
  }
}

const workspaces: WorkspaceView[] = [
  { slug: 'zeta', repositories: [repository('zeta', 'notes', 'Team notes')] },
  {
    slug: 'acme',
    repositories: [repository('acme', 'website', 'Web site'), repository('acme', 'reports', 'Quarterly reports')],
  },
  { slug: 'empty', repositories: [] },
]

test('every repository of every workspace, sorted by workspace/slug', () => {
  assert.deepEqual(
    allRepositories(workspaces).map((r) => r.fullName),
    ['acme/reports', 'acme/website', 'zeta/notes'],
  )
})

test('a search matches every word, case-insensitive, in the full name or the name', () => {
  const reports = workspaces[1]!.repositories[1]!
  assert.ok(matchesSearch(reports, 'QUARTERLY'))
  assert.ok(matchesSearch(reports, 'acme rep'))
  assert.ok(matchesSearch(reports, '  '))
  assert.ok(!matchesSearch(reports, 'acme website'))
})

test('searching keeps only workspaces with a match; a chosen workspace shows even when empty', () => {
  assert.deepEqual(
    searchWorkspaces(workspaces, 'notes').map((w) => w.slug),
    ['zeta'],
  )
  assert.deepEqual(
    searchWorkspaces(workspaces, '', 'acme').map((w) => [w.slug, w.repositories.length]),
    [['acme', 2]],
  )
  assert.deepEqual(
    searchWorkspaces(workspaces, '', 'empty').map((w) => w.slug),
    ['empty'],
  )
  assert.deepEqual(searchWorkspaces(workspaces, 'nothing-like-this'), [])
})

test('a repository is found again by workspace/slug, and only such names split', () => {
  assert.equal(findRepository(workspaces, 'acme/reports')?.name, 'Quarterly reports')
  assert.equal(findRepository(workspaces, 'acme/nope'), null)
  assert.deepEqual(splitFullName('acme/reports'), { workspace: 'acme', repository: 'reports' })
  assert.equal(splitFullName('acme'), null)
  assert.equal(splitFullName('acme/reports/x'), null)
  assert.equal(splitFullName('/reports'), null)
})

test("a form starts on the repository's main branch, else main or master, else its first, else main", () => {
  assert.equal(defaultBranch({ mainBranch: 'trunk' }, ['main', 'trunk']), 'trunk')
  assert.equal(defaultBranch({ mainBranch: null }, ['drafts', 'master']), 'master')
  assert.equal(defaultBranch({ mainBranch: null }, ['drafts', 'master', 'main']), 'main')
  assert.equal(defaultBranch({ mainBranch: null }, ['drafts']), 'drafts')
  assert.equal(defaultBranch(null, []), 'main')
})
