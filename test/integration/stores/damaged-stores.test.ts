/**
 * Pail's own files damaged (cut off by a crash, edited by hand, `[]` or `null`): the real `pail`
 * command says which file and what it did, keeps a copy (secrets: removes it), carries on, and
 * never uploads or deletes anything because of it.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { AuthService } from '../../../main/core/auth/auth-service.js'
import { systemClock } from '../../../main/core/ports.js'
import { FileSecretStore } from '../../../main/core/secrets/file-secret-store.js'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { pailCli, type PailCli } from '../../support/pail-cli.js'

async function setup(t: TestContext): Promise<{ emu: RunningEmulator; cli: PailCli; folder: string }> {
  const port = await freePort()
  const emu = await useEmulator(t, {}, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  const cli = await pailCli(t, emu, port)
  const folder = await mkdtemp(join(tmpdir(), 'pail-damaged-folder-'))
  t.after(() => rm(folder, { recursive: true, force: true }))
  return { emu, cli, folder }
}

/** Signs the CLI's home in with the private consumer, as `pail login --client-credentials` would. */
async function signIn(emu: RunningEmulator, home: string): Promise<void> {
  const auth = new AuthService({
    home,
    secrets: new FileSecretStore(join(home, 'secrets.json')),
    clock: systemClock,
    opener: { open: async () => false },
    provisioning: {},
    endpoints: { webUrl: emu.info.webUrl, apiUrl: emu.info.apiUrl },
  })
  await auth.signInWithClientCredentials(emu.info.privateConsumer)
}

async function copiesOf(home: string, name: string): Promise<string[]> {
  return (await readdir(home)).filter((f) => f.startsWith(`${name}.damaged-`))
}

for (const [what, text] of [
  ['cut off', '{"pairs": [{"id": "ab'],
  ['an empty array', '[]'],
  ['null', 'null'],
] as const) {
  test(`settings.json ${what}: pair add says what happened, keeps a copy, and saves the pair`, async (t) => {
    const { cli, folder } = await setup(t)
    await writeFile(join(cli.home, 'settings.json'), text)
    const added = await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook'])
    assert.equal(added.code, 0, added.stderr)
    assert.match(
      added.stderr,
      /Pail's settings \(.*settings\.json\) was damaged .* kept the damaged file as .*settings\.json\.damaged-/,
    )
    const [copy] = await copiesOf(cli.home, 'settings.json')
    assert.equal(await readFile(join(cli.home, copy!), 'utf8'), text)
    const listed = await cli.run(['pair', 'list', '--json'])
    assert.equal(listed.code, 0, listed.stderr)
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { folder: string }[]).map((p) => p.folder),
      [folder],
    )
    assert.equal(listed.stderr, '', 'the damage is told once, not on every command')
  })
}

test('accounts.json damaged: whoami and logout still work, and say what happened', async (t) => {
  const { emu, cli } = await setup(t)
  await signIn(emu, cli.home)
  await writeFile(join(cli.home, 'accounts.json'), '{"current": "x", "accounts": [{"id": ')
  const who = await cli.run(['whoami'])
  assert.equal(who.code, 1)
  assert.match(who.stderr, /Pail's list of sign-ins \(.*accounts\.json\) was damaged/)
  assert.match(who.stderr, /Nobody is signed in/)
  const out = await cli.run(['logout'])
  assert.equal(out.code, 0, out.stderr)
  assert.equal((await copiesOf(cli.home, 'accounts.json')).length, 1)
})

test('secrets.json damaged: the account is signed out with the reason, and the damaged secrets are removed', async (t) => {
  const { emu, cli } = await setup(t)
  await signIn(emu, cli.home)
  await writeFile(join(cli.home, 'secrets.json'), '{"version": 1, "encrypted": false, "values": {"account/')
  const repos = await cli.run(['repos'])
  assert.equal(repos.code, 1)
  assert.match(repos.stderr, /Pail's saved sign-in \(.*secrets\.json\) was damaged .* removed the damaged file/)
  assert.match(repos.stderr, /Sign in again/)
  assert.deepEqual(await copiesOf(cli.home, 'secrets.json'), [], 'no copy of secrets is kept')
  const who = await cli.run(['whoami', '--json'])
  assert.equal((JSON.parse(who.stdout) as { status: string }).status, 'signed-out')
})

test("a pair's damaged status.json is rebuilt silently; its damaged journal costs neither a commit nor a file", async (t) => {
  const { emu, cli, folder } = await setup(t)
  await signIn(emu, cli.home)
  await writeFile(join(folder, 'notes.txt'), 'notes\n')
  assert.equal((await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook'])).code, 0)
  const first = await cli.run(['sync', '--once'])
  assert.equal(first.code, 0, first.stderr)
  const [pairId] = await readdir(join(cli.home, 'pairs'))
  const state = join(cli.home, 'pairs', pairId!)
  await writeFile(join(state, 'status.json'), '{"pairId": ')
  await writeFile(join(state, 'journal.json'), '[1, 2')
  const posts = (): number => emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/src')).length
  const before = posts()
  const status = await cli.run(['status'])
  assert.equal(status.code, 0, status.stderr)
  assert.equal(status.stderr, '', 'a cache is rebuilt without troubling anyone')
  const again = await cli.run(['sync', '--once'])
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /up to date/)
  assert.equal(posts(), before, 'nothing was sent because of the damage')
  assert.equal(await readFile(join(folder, 'notes.txt'), 'utf8'), 'notes\n')
  const files = await readdir(state)
  assert.ok(
    files.some((f) => f.startsWith('status.json.damaged-')),
    files.join(', '),
  )
  assert.ok(
    files.some((f) => f.startsWith('journal.json.damaged-')),
    files.join(', '),
  )
})
