/**
 * The pair's git mirror against the emulator's real `git http-backend`: a first fetch is shallow
 * and brings the tip whole; later fetches name what the mirror has and bring only what is new;
 * the bundles survive a new process and fold into one past MAX_BUNDLES; a first fetch too large
 * is given up and not tried again for a day.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import { basicAuthorization } from '../../../main/core/bitbucket/basic-auth.js'
import { GitRefsUnavailable } from '../../../main/core/git/ref-advertisement.js'
import { UploadPackFetch } from '../../../main/core/git/upload-pack-fetch.js'
import { BOOTSTRAP_PAUSE_MS, GitMirror, MAX_BUNDLES } from '../../../main/core/sync/remote/git-mirror.js'
import { treeFiles } from '../../../main/core/sync/remote/git-tree-diff.js'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'

const run = promisify(execFile)
const REF = { workspace: 'pail-demo', repository: 'handbook' }

async function mirrorOf(
  t: TestContext,
  emu: RunningEmulator,
  extra: { now?: () => number; maxBootstrapBytes?: number } = {},
): Promise<{ dir: string; fetches: () => number; make: () => GitMirror }> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-mirror-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const token = await emu.oauthToken(['repository'])
  const fetcher = new UploadPackFetch({
    webUrl: emu.info.webUrl,
    authorizer: { header: async () => basicAuthorization('x-token-auth', token), afterUnauthorized: async () => null },
  })
  const counted = {
    fetches: 0,
    fetch: (...args: Parameters<UploadPackFetch['fetch']>) => {
      counted.fetches++
      return fetcher.fetch(...args)
    },
  }
  return {
    dir,
    fetches: () => counted.fetches,
    make: () => new GitMirror({ dir, ref: REF, fetcher: counted, ...extra }),
  }
}

async function tip(emu: RunningEmulator): Promise<string> {
  const repo = emu.server.world.repository('pail-demo', 'handbook')!
  return (await run('git', ['--git-dir', emu.server.git(repo).gitDir, 'rev-parse', 'refs/heads/main'])).stdout.trim()
}

async function lsTree(emu: RunningEmulator, commit: string): Promise<string[]> {
  const repo = emu.server.world.repository('pail-demo', 'handbook')!
  const out = await run('git', ['--git-dir', emu.server.git(repo).gitDir, 'ls-tree', '-r', '--name-only', commit])
  return out.stdout.trim().split('\n').sort()
}

const source = (m: GitMirror) => ({ tree: (o: string) => m.tree(o), rootOf: (c: string) => m.commit(c)?.tree ?? null })

test('a first fetch brings the tip whole; the next ones only what is new, also in a new process', async (t) => {
  const emu = await useEmulator(t)
  const { make } = await mirrorOf(t, emu)
  const mirror = make()
  const first = await tip(emu)
  await mirror.bring(first)
  assert.deepEqual([...treeFiles(source(mirror), first, '').keys()].sort(), await lsTree(emu, first))
  for (const [path, file] of treeFiles(source(mirror), first, '')) assert.ok(mirror.blob(file.oid), `${path}'s bytes`)
  await mirror.drop()

  await emu.control('POST', '/commit', { files: { 'docs/new.txt': 'new\n' } })
  const second = await tip(emu)
  // A new mirror on the same folder: what the first kept is read back from its bundles.
  const again = make()
  await again.bring(second)
  assert.deepEqual(again.commit(second)?.parents, [first], 'the commit with its parent')
  const newBlob = treeFiles(source(again), second, '').get('docs/new.txt')!.oid
  assert.ok(again.blob(newBlob), 'the new file came')
  const old = [...treeFiles(source(again), second, '')].find(([p]) => p !== 'docs/new.txt')![1]
  assert.equal(again.blob(old.oid), null, 'a file the mirror had already is not sent again')
  await again.drop()
})

test(`past ${MAX_BUNDLES} bundles they fold into one, and the mirror still fetches only what is new`, async (t) => {
  const emu = await useEmulator(t)
  const { dir, make } = await mirrorOf(t, emu)
  const mirror = make()
  for (let n = 0; n <= MAX_BUNDLES; n++) {
    await emu.control('POST', '/commit', { files: { [`n-${n}.txt`]: `${n}\n` } })
    await mirror.bring(await tip(emu))
  }
  const bundles = (await readdir(join(dir, 'bundles'))).filter((n) => n.endsWith('.bundle'))
  assert.equal(bundles.length, 1, 'folded into one')
  await emu.control('POST', '/commit', { files: { 'after.txt': 'after\n' } })
  const last = await tip(emu)
  const fresh = make()
  await fresh.bring(last)
  assert.deepEqual([...treeFiles(source(fresh), last, '').keys()].sort(), await lsTree(emu, last))
  const after = treeFiles(source(fresh), last, '').get('after.txt')!
  assert.ok(fresh.blob(after.oid))
  assert.equal(fresh.blob(treeFiles(source(fresh), last, '').get('n-0.txt')!.oid), null, 'an incremental fetch')
  await fresh.drop()
})

test('a first fetch larger than the limit is given up, and not tried again for a day', async (t) => {
  const emu = await useEmulator(t)
  let now = Date.now()
  const { make, fetches } = await mirrorOf(t, emu, { now: () => now, maxBootstrapBytes: 200 })
  const head = await tip(emu)
  const tooLarge = (e: unknown): boolean => e instanceof GitRefsUnavailable && e.reason === 'too-large'
  await assert.rejects(make().bring(head), tooLarge)
  assert.equal(fetches(), 1)
  await assert.rejects(make().bring(head), tooLarge)
  assert.equal(fetches(), 1, 'not asked again')
  now += BOOTSTRAP_PAUSE_MS + 1
  await assert.rejects(make().bring(head), tooLarge)
  assert.equal(fetches(), 2, 'asked again a day later')
})
