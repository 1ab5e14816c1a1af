/**
 * POST /src: the branch and parents rules of bitbucket-api.md §3, verbatim, judged by git (tips,
 * parents, trees, HEAD), plus the 409s and the compare-and-swap branch move.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { git as runGit } from '../git/git-store.js'
import { useEmulator } from '../harness.js'
import { freshRepo, g, lsTree, parentsOf, postSrc, tipOf, urlencoded } from './src-test-helpers.js'

test('POST /src: branch and parents rules', async (t) => {
  const emu = await useEmulator(t)
  const token = await emu.oauthToken()
  const stale = emu.server.settings.staleParentMessage
  const post = (slug: string, pairs: [string, string][], query = ''): ReturnType<typeof postSrc> =>
    postSrc(emu, token, urlencoded(pairs), { slug, query })

  await t.test('existing branch + parents = tip: committed on top; a stale parent is a 409', async () => {
    const dir = await freshRepo(emu, 'existing-parents')
    const base = await post('existing-parents', [
      ['branch', 'feature'],
      ['f.txt', '1'],
    ])
    const main = await tipOf(dir, 'main')
    const ok = await post('existing-parents', [
      ['branch', 'feature'],
      ['parents', base.sha!],
      ['f.txt', '2'],
    ])
    assert.equal(ok.status, 201)
    assert.deepEqual(await parentsOf(dir, ok.sha!), [base.sha])
    assert.equal(await tipOf(dir, 'feature'), ok.sha)
    const conflict = await post('existing-parents', [
      ['branch', 'feature'],
      ['parents', base.sha!],
      ['f.txt', '3'],
    ])
    assert.equal(conflict.status, 409)
    assert.equal(conflict.message, stale)
    assert.equal(await tipOf(dir, 'feature'), ok.sha)
    assert.equal(await tipOf(dir, 'main'), main)
  })

  await t.test('existing branch without parents: on top of its tip; main untouched', async () => {
    const dir = await freshRepo(emu, 'existing-plain')
    const first = await post('existing-plain', [
      ['branch', 'dev'],
      ['a', 'a'],
    ])
    const main = await tipOf(dir, 'main')
    const second = await post('existing-plain', [
      ['branch', 'dev'],
      ['b', 'b'],
    ])
    assert.deepEqual(await parentsOf(dir, second.sha!), [first.sha])
    assert.equal(await tipOf(dir, 'dev'), second.sha)
    assert.equal(await tipOf(dir, 'main'), main)
  })

  await t.test('new branch without parents: a child of the main tip; main not advanced', async () => {
    const dir = await freshRepo(emu, 'new-plain')
    const main = await tipOf(dir, 'main')
    const res = await post('new-plain', [
      ['branch', 'topic/one'],
      ['t.txt', 't'],
    ])
    assert.equal(res.status, 201)
    assert.deepEqual(await parentsOf(dir, res.sha!), [main])
    assert.equal(await tipOf(dir, 'topic/one'), res.sha)
    assert.equal(await tipOf(dir, 'main'), main)
  })

  await t.test('new branch + parents: on top of the parent, whatever main is', async () => {
    const dir = await freshRepo(emu, 'new-parents')
    const old = await tipOf(dir, 'main')
    await post('new-parents', [['m.txt', 'moves main']])
    const res = await post('new-parents', [
      ['branch', 'from-old'],
      ['parents', old!],
      ['o.txt', 'o'],
    ])
    assert.equal(res.status, 201)
    assert.deepEqual(await parentsOf(dir, res.sha!), [old])
    assert.deepEqual([...(await lsTree(dir, res.sha!)).keys()].sort(), ['README.md', 'o.txt'])
  })

  await t.test('new branch + parents and no files: a branch whose diff is empty', async () => {
    const dir = await freshRepo(emu, 'empty-diff')
    const main = await tipOf(dir, 'main')
    const res = await post('empty-diff', [
      ['branch', 'pointer'],
      ['parents', main!],
    ])
    assert.equal(res.status, 201)
    assert.deepEqual(await parentsOf(dir, res.sha!), [main])
    assert.equal(await g(dir, 'rev-parse', `${res.sha}^{tree}`), await g(dir, 'rev-parse', `${main}^{tree}`))
    assert.equal(await g(dir, 'diff', '--stat', main!, res.sha!), '')
    assert.equal(await tipOf(dir, 'pointer'), res.sha)
  })

  await t.test('no branch + parents asserts the main tip, else 409; a ?branch= query is ignored', async () => {
    const dir = await freshRepo(emu, 'main-parents')
    const main = await tipOf(dir, 'main')
    const ok = await post(
      'main-parents',
      [
        ['parents', main!],
        ['x', '1'],
      ],
      '?branch=elsewhere&message=ignored',
    )
    assert.equal(ok.status, 201)
    assert.equal(await tipOf(dir, 'main'), ok.sha)
    assert.equal(await tipOf(dir, 'elsewhere'), null)
    assert.equal(await g(dir, 'log', '-1', '--format=%B', ok.sha!), emu.server.settings.defaultCommitMessage)
    const conflict = await post('main-parents', [
      ['parents', main!],
      ['x', '2'],
    ])
    assert.equal(conflict.status, 409)
    assert.equal(conflict.message, stale)
    assert.equal(await tipOf(dir, 'main'), ok.sha)
  })

  await t.test('empty repository: the root commit lands on main', async () => {
    const dir = await freshRepo(emu, 'empty-main', true)
    const res = await post('empty-main', [['first.txt', 'first']])
    assert.equal(res.status, 201)
    assert.deepEqual(await parentsOf(dir, res.sha!), [])
    assert.equal(await tipOf(dir, 'main'), res.sha)
    assert.equal(await g(dir, 'symbolic-ref', 'HEAD'), 'refs/heads/main')
    // Further commits are never roots.
    const next = await post('empty-main', [
      ['branch', 'side'],
      ['s', 's'],
    ])
    assert.deepEqual(await parentsOf(dir, next.sha!), [res.sha])
  })

  await t.test('empty repository + branch: the root commit defines the main branch', async () => {
    const dir = await freshRepo(emu, 'empty-trunk', true)
    const res = await post('empty-trunk', [
      ['branch', 'trunk'],
      ['first.txt', 'first'],
    ])
    assert.equal(res.status, 201)
    assert.deepEqual(await parentsOf(dir, res.sha!), [])
    assert.equal(await g(dir, 'symbolic-ref', 'HEAD'), 'refs/heads/trunk')
    assert.equal(await g(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads/'), 'refs/heads/trunk')
    // Later commits without `branch` now go to trunk.
    const next = await post('empty-trunk', [['second.txt', 'second']])
    assert.equal(await tipOf(dir, 'trunk'), next.sha)
    assert.deepEqual(await parentsOf(dir, next.sha!), [res.sha])
  })

  await t.test('the seeded empty-repo takes a root commit too', async () => {
    const dir = emu.server.git(emu.server.world.repository('pail-demo', 'empty-repo')!).gitDir
    const res = await post('empty-repo', [['hello.txt', 'hello']])
    assert.equal(res.status, 201)
    assert.equal(await g(dir, 'rev-list', '--count', 'main'), '1')
  })

  await t.test('unknown parent: 404 "Commit not found" by default, 400 by setting; nothing moves', async (tt) => {
    tt.after(() => emu.control('PATCH', '/settings', { unknownParentStatus: 404 }))
    const dir = await freshRepo(emu, 'unknown-parent')
    const main = await tipOf(dir, 'main')
    const missing = 'deadbeef'.repeat(5)
    for (const pairs of [
      [['parents', missing]],
      [
        ['branch', 'n'],
        ['parents', missing],
      ],
      [['parents', 'main']],
    ] as [string, string][][]) {
      const res = await post('unknown-parent', [...pairs, ['x', 'x']])
      assert.equal(res.status, 404)
      assert.equal(res.message, 'Commit not found')
    }
    await emu.control('PATCH', '/settings', { unknownParentStatus: 400 })
    assert.equal(
      (
        await post('unknown-parent', [
          ['parents', missing],
          ['x', 'x'],
        ])
      ).status,
      400,
    )
    assert.equal(await tipOf(dir, 'main'), main)
    assert.equal(await tipOf(dir, 'n'), null)
  })

  await t.test('several parents, a repeated branch and invalid branch names are 400s', async () => {
    const dir = await freshRepo(emu, 'bad-meta')
    const main = await tipOf(dir, 'main')
    const several = await post('bad-meta', [
      ['parents', main!],
      ['parents', main!],
      ['x', 'x'],
    ])
    assert.equal(several.status, 400)
    assert.equal(
      (
        await post('bad-meta', [
          ['parents', `${main},${main}`],
          ['x', 'x'],
        ])
      ).status,
      400,
    )
    const repeated = await post('bad-meta', [
      ['branch', 'a'],
      ['branch', 'b'],
      ['x', 'x'],
    ])
    assert.equal(repeated.status, 400)
    assert.equal(repeated.message, 'The branch field cannot be repeated.')
    for (const name of [
      'a..b',
      'x.lock',
      'sp ace',
      '-x',
      'HEAD',
      'a~b',
      'a:b',
      'end/',
      '',
      '@',
      'a@{1}',
      '.hidden',
      'a//b',
    ]) {
      assert.equal(
        (
          await post('bad-meta', [
            ['branch', name],
            ['x', 'x'],
          ])
        ).status,
        400,
        JSON.stringify(name),
      )
    }
    assert.equal(await g(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads/'), 'refs/heads/main')
    assert.equal(await tipOf(dir, 'main'), main)
  })

  await t.test('a new branch nesting with an existing one: 500 "Something went wrong" (§8.1.6)', async () => {
    const dir = await freshRepo(emu, 'nesting')
    await post('nesting', [
      ['branch', 'cms'],
      ['x', 'x'],
    ])
    const res = await post('nesting', [
      ['branch', 'cms/post'],
      ['parents', (await tipOf(dir, 'main'))!],
    ])
    assert.equal(res.status, 500)
    assert.equal(res.message, 'Something went wrong')
    assert.equal(await tipOf(dir, 'cms/post'), null)
  })

  await t.test('emptyCommitOnExistingBranch and deleteOfMissingPath', async (tt) => {
    tt.after(() =>
      emu.control('PATCH', '/settings', { emptyCommitOnExistingBranch: 'create', deleteOfMissingPath: 'ignore' }),
    )
    const dir = await freshRepo(emu, 'no-change')
    const main = await tipOf(dir, 'main')
    const created = await post('no-change', [['files', 'not/here.txt']])
    assert.equal(created.status, 201)
    assert.equal(await g(dir, 'rev-parse', `${created.sha}^{tree}`), await g(dir, 'rev-parse', `${main}^{tree}`))
    await emu.control('PATCH', '/settings', { emptyCommitOnExistingBranch: 'error', deleteOfMissingPath: 'error' })
    assert.equal((await post('no-change', [['message', 'nothing']])).status, 400)
    assert.equal(
      (await post('no-change', [['README.md', (await runGit(dir, ['cat-file', 'blob', 'main:README.md'])).toString()]]))
        .status,
      400,
    )
    assert.equal(
      (
        await post('no-change', [
          ['files', 'not/here.txt'],
          ['y', 'y'],
        ])
      ).status,
      400,
    )
    assert.equal(await tipOf(dir, 'main'), created.sha)
  })

  await t.test('commits to one branch are serialised: parallel posts make a straight line', async () => {
    const dir = await freshRepo(emu, 'parallel')
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post('parallel', [[`f${i}.txt`, String(i)]])))
    assert.deepEqual(
      results.map((r) => r.status),
      [201, 201, 201, 201, 201, 201],
    )
    assert.equal(await g(dir, 'rev-list', '--count', '--merges', 'main'), '0')
    assert.equal(await g(dir, 'rev-list', '--count', 'main'), '7')
    assert.equal((await lsTree(dir, 'main')).size, 7)
  })

  await t.test('a branch moved under the commit (lost compare-and-swap) is a 409', async (tt) => {
    const dir = await freshRepo(emu, 'race')
    const repoGit = emu.server.git(emu.server.world.repository('pail-demo', 'race')!)
    const original = repoGit.createCommit.bind(repoGit)
    let intruder = ''
    // A git push lands between building the commit and moving the branch.
    repoGit.createCommit = async (spec) => {
      const sha = await original(spec)
      intruder = await original({ ...spec, message: 'pushed meanwhile\n' })
      await runGit(dir, ['update-ref', 'refs/heads/main', intruder])
      return sha
    }
    tt.after(() => {
      repoGit.createCommit = original
    })
    const res = await post('race', [['r.txt', 'r']])
    assert.equal(res.status, 409)
    assert.equal(res.message, stale)
    assert.equal(await tipOf(dir, 'main'), intruder)
  })
})
