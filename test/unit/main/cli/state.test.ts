/**
 * What the CLI says about held pairs, skipped paths and a signed-out account, from the files a
 * Pail home holds (no Bitbucket needed).
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { AccountStore } from '../../../../main/core/auth/account-store.js'
import type { AccountRecord } from '../../../../main/core/auth/account.js'
import { skippedPath } from '../../../../main/core/sync/local/skipped.js'
import { HoldStore } from '../../../../main/core/sync/pass/hold-store.js'
import { statusStore } from '../../../../main/core/sync/service/status-store.js'
import { runCli } from '../../../../main/cli/pail.js'

async function setup(t: TestContext) {
  const root = await mkdtemp(join(tmpdir(), 'pail-cli-state-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const home = join(root, 'home')
  const env = { PAIL_HOME: home, PAIL_API_URL: 'http://127.0.0.1:1', PAIL_WEB_URL: 'http://127.0.0.1:1' }
  const run = async (argv: string[], stdin = '') => {
    let out = ''
    let err = ''
    const code = await runCli(argv, { out: (x) => (out += x), err: (x) => (err += x) }, env, async () => stdin)
    return { code, out, err }
  }
  const folder = async (name: string) => {
    const path = join(root, name)
    await mkdir(path)
    assert.equal((await run(['pair', 'add', path, '--repo', 'pail-demo/handbook', '--path', name])).code, 0)
    const pairs = JSON.parse((await run(['pair', 'list', '--json'])).out) as { id: string; folder: string }[]
    return pairs.find((p) => p.folder === path)!
  }
  return { root, home, env, run, folder }
}

const account: AccountRecord = {
  id: 'acc123',
  kind: 'oauth',
  webUrl: 'https://bitbucket.example',
  apiUrl: 'https://api.bitbucket.example',
  displayName: 'Alex Staff',
  nickname: 'alex',
  accountId: null,
  uuid: null,
  email: null,
  consumerKey: 'key',
  resource: null,
  scopes: ['account', 'repository:write'],
  accessTokenExpiresAt: Date.now() + 3_600_000,
  accessTokenLifetimeMs: 3_600_000,
  status: 'signed-in',
  signedOutReason: null,
  updatedAt: 1,
}

test('whoami of a signed-out account says so, why, and how to sign in again; never "✓" or "renews"', async (t) => {
  const { home, run } = await setup(t)
  const reason = 'Bitbucket no longer accepts your sign-in (it was revoked). Sign in again.'
  await new AccountStore(home).save({ ...account, status: 'signed-out', signedOutReason: reason })
  const who = await run(['whoami'])
  assert.equal(who.code, 1)
  assert.match(who.out, /^Alex Staff \(alex\)\n/)
  assert.ok(who.out.includes(`Signed out: ${reason}`))
  assert.match(who.out, /until you sign in again: pail login\n$/)
  assert.doesNotMatch(who.out, /✓|renews it on its own|expires/)
  const json = JSON.parse((await run(['whoami', '--json'])).out) as {
    status: string
    signInAgain: string
    accessTokenExpiresAt: string | null
    features: { ready: boolean }[]
  }
  assert.equal(json.status, 'signed-out')
  assert.equal(json.signInAgain, 'pail login')
  assert.equal(json.accessTokenExpiresAt, null)
  assert.ok(json.features.every((f) => !f.ready))
})

test('pail pair list shows a held pair as held, with why, and the others as syncing', async (t) => {
  const { home, run, folder } = await setup(t)
  const held = await folder('Held')
  const fine = await folder('Fine')
  const message = '60 files were deleted from the folder “Held” (60% of the files Pail syncs from it).'
  await statusStore(join(home, 'pairs', held.id)).replace({
    pairId: held.id,
    state: 'held',
    message,
    lastSyncAt: null,
    lastCommit: null,
    skipped: [],
    skippedCount: 0,
    nextAttemptAt: null,
  })
  const list = (await run(['pair', 'list'])).out
  assert.ok(list.includes(`${held.id}  ${held.folder}  ↔  pail-demo/handbook@main:/Held  (held — ${message})`), list)
  assert.ok(list.includes(`${fine.id}  ${fine.folder}  ↔  pail-demo/handbook@main:/Fine  (syncing)`), list)
  const json = JSON.parse((await run(['pair', 'list', '--json'])).out) as { id: string; state: string }[]
  assert.match(json.find((p) => p.id === held.id)!.state, /^held — /)
})

test('pail status lists each pair’s skipped paths with the reason and what to do, also as JSON', async (t) => {
  const { home, run, folder } = await setup(t)
  const pair = await folder('Team')
  const skipped = [skippedPath('two\nlines.txt', 'bad-name'), skippedPath('caf\uFFFD.txt', 'not-utf8')]
  await statusStore(join(home, 'pairs', pair.id)).replace({
    pairId: pair.id,
    state: 'up-to-date',
    message: 'Up to date',
    lastSyncAt: 1,
    lastCommit: null,
    skipped,
    skippedCount: 25,
    nextAttemptAt: null,
  })
  const text = (await run(['status'])).out
  assert.match(text, /Team ↔ pail-demo\/handbook@main: up-to-date — Up to date\n {2}25 path\(s\) not synced:\n/)
  assert.ok(text.includes(`    [name Bitbucket can't take] ${skipped[0]!.message}\n`), text)
  assert.ok(text.includes(`    [name is not valid text] ${skipped[1]!.message}\n`), text)
  assert.match(text, /… and 23 more \("pail status --json" lists up to 2\)/)
  assert.ok(!text.includes('two\nlines'), 'a line break in a name never breaks the listing')
  const json = JSON.parse((await run(['status', '--json'])).out) as {
    pairs: { id: string; skipped: { path: string; reason: string; message: string }[]; skippedCount: number }[]
  }
  assert.deepEqual(json.pairs[0]!.skipped, skipped)
  assert.equal(json.pairs[0]!.skippedCount, 25)
})

test('pail sync --confirm and --restore answer one held pair only, and say what they did', async (t) => {
  const { home, run, folder } = await setup(t)
  const a = await folder('A')
  const b = await folder('B')
  const hold = { reason: 'mass-delete' as const, message: 'held', deletions: ['x.txt', 'y.txt'] }
  for (const pair of [a, b]) await new HoldStore(join(home, 'pairs', pair.id)).hold(hold)
  const confirmed = await run(['sync', '--confirm', a.folder])
  assert.equal(confirmed.code, 0, confirmed.err)
  assert.match(confirmed.out, /^Confirmed: the 2 files deleted from .*A will be deleted from Bitbucket too\.\n/)
  assert.match(confirmed.out, /Nobody is signed in, so nothing syncs now: Pail carries this out once you sign in again/)
  assert.equal((await new HoldStore(join(home, 'pairs', a.id)).read())?.resolution, 'delete')
  assert.equal((await new HoldStore(join(home, 'pairs', b.id)).read())?.resolution, null, 'the other pair is untouched')
  const restored = await run(['sync', '--restore', b.id])
  assert.equal(restored.code, 0, restored.err)
  assert.match(restored.out, /^Pail will put the 2 files back into .*B from Bitbucket/)
  assert.equal((await new HoldStore(join(home, 'pairs', b.id)).read())?.resolution, 'restore')

  const missing = await run(['sync', '--confirm'])
  assert.equal(missing.code, 2)
  assert.match(missing.err, /Say which folder: pail sync --confirm <folder>/)
  const other = await folder('C')
  const nothing = await run(['sync', '--restore', other.folder])
  assert.equal(nothing.code, 1)
  assert.match(nothing.err, /is not held: there is nothing to restore/)
  await new HoldStore(join(home, 'pairs', other.id)).hold({ reason: 'missing-folder', message: 'gone', deletions: [] })
  const gone = await run(['sync', '--confirm', other.folder])
  assert.equal(gone.code, 1)
  assert.match(gone.err, /Pail cannot find the folder: there is nothing to confirm\. Connect its drive/)
})

test('a secret typed on the command line still works but warns why and what to do; it is never echoed', async (t) => {
  const { run } = await setup(t)
  const token = 'ATCTT-given-on-the-command-line'
  const given = await run(['login', '--access-token', token, '--repo', 'pail-demo/handbook'])
  assert.match(
    given.err,
    /warning: the access token was typed on the command line after --access-token, where other people on this computer can see it \(in "ps"\)/,
  )
  assert.match(given.err, /echo "\$SECRET" \| pail login --access-token --repo pail-demo\/handbook/)
  assert.match(given.err, /could not reach Bitbucket/, 'it was used: the sign-in went on to Bitbucket')
  assert.ok(!given.err.includes(token) && !given.out.includes(token))
  const piped = await run(['login', '--access-token', '--repo', 'pail-demo/handbook'], `${token}\n`)
  assert.doesNotMatch(piped.err, /warning/)
  assert.match(piped.err, /could not reach Bitbucket/, 'read from standard input and used')
  const none = await run(['login', '--access-token', '--repo', 'pail-demo/handbook'])
  assert.equal(none.code, 2)
  assert.match(
    none.err,
    /Pail needs the access token\. Run the command in a terminal and type it when asked, or give it on standard input/,
  )
})

test('names that are paths are refused at the command line, before any secret is read', async (t) => {
  const { root } = await setup(t)
  let asked = false
  const cases = [
    ['login', '--access-token', '--repo', '../..'],
    ['login', '--access-token', '--workspace', '..'],
    ['pair', 'add', root, '--repo', 'ws/..'],
    ['pair', 'add', root, '--repo', 'ws/r', '--branch', 'a..b'],
    ['upload', root, '--repo', '../x'],
    ['repos', '--workspace', '../..'],
  ]
  for (const argv of cases) {
    let err = ''
    const code = await runCli(
      argv,
      { out: () => undefined, err: (x) => (err += x) },
      { PAIL_HOME: join(root, 'h') },
      async () => {
        asked = true
        return 'token\n'
      },
    )
    assert.equal(code, 2, `${argv.join(' ')}: ${err}`)
    assert.match(err, /is not a (repository|workspace|branch name)/, argv.join(' '))
  }
  assert.equal(asked, false)
})
