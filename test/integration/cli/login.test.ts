/**
 * The `pail` command's sign-in family against the emulator, as a user types it.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useEmulator } from '../../emulator/harness.js'
import { consentRobot } from '../../support/consent-robot.js'
import { freePort } from '../../support/net.js'
import { assertNoSecretsInHome } from '../../support/leak-scan.js'
import { pailCli } from '../../support/pail-cli.js'

interface WhoAmI {
  displayName: string
  kind: string
  scopes: string[]
  accessTokenExpiresAt: string | null
  features: { feature: string; ready: boolean; advice: string }[]
}

async function setup(t: Parameters<typeof useEmulator>[0]) {
  const port = await freePort()
  const emu = await useEmulator(t, {}, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  return { emu, cli: await pailCli(t, emu, port) }
}

test('pail login in the browser, whoami, repos, logout', async (t) => {
  const { emu, cli } = await setup(t)
  const nobody = await cli.run(['whoami'])
  assert.equal(nobody.code, 1)
  assert.match(nobody.stderr, /Nobody is signed in\. Run "pail login"/)

  const robot = consentRobot('grant')
  let opened = false
  const login = await cli.run(['login', '--timeout', '30'], {
    onStderr: (text) => {
      const url = /^ {2}(http\S+)$/m.exec(text)?.[1]
      if (url && !opened) {
        opened = true
        void robot.open(url)
      }
    },
  })
  assert.equal(login.code, 0, login.stderr)
  assert.equal(login.stdout, `Signed in as ${emu.info.user.displayName}.\n`)
  assert.equal(await robot.done, 200)

  const who = JSON.parse((await cli.run(['whoami', '--json'])).stdout) as WhoAmI
  assert.equal(who.kind, 'oauth')
  assert.deepEqual(who.scopes, ['account', 'repository:write'])
  assert.ok(who.features.every((f) => f.ready))
  assert.ok(who.accessTokenExpiresAt && Date.parse(who.accessTokenExpiresAt) > Date.now())
  const text = (await cli.run(['whoami'])).stdout
  assert.match(text, /Signed in with your Bitbucket account \(browser sign-in\)/)
  assert.match(text, /Permissions: Account: Read, Repositories: Write/)

  const repos = JSON.parse((await cli.run(['repos', '--json'])).stdout) as {
    workspace: string
    repositories: { fullName: string }[]
  }[]
  assert.deepEqual(
    repos.map((w) => w.workspace),
    [emu.info.workspace],
  )
  assert.deepEqual(
    repos[0]!.repositories.map((r) => r.fullName),
    ['pail-demo/empty-repo', 'pail-demo/handbook', 'pail-demo/read-only'],
  )

  const logout = await cli.run(['logout'])
  assert.equal(logout.code, 0)
  assert.match(logout.stdout, /Signed out Alex Staff\. Bitbucket has revoked its tokens\./)
  assert.equal((await cli.run(['whoami'])).code, 1)
  await assertNoSecretsInHome(cli.home, emu.server.issuedSecrets)
})

test('pail login --client-credentials, --access-token and --api-token', async (t) => {
  const { emu, cli } = await setup(t)
  const { key, secret } = emu.info.privateConsumer
  assert.equal(
    (await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })).code,
    0,
  )
  assert.equal((JSON.parse((await cli.run(['whoami', '--json'])).stdout) as WhoAmI).kind, 'client-credentials')

  const token = await cli.run(['login', '--access-token', '--repo', 'pail-demo/handbook'], {
    input: `${emu.info.repositoryAccessToken}\n`,
  })
  assert.equal(token.code, 0, token.stderr)
  assert.doesNotMatch(token.stderr, /warning/)
  const who = JSON.parse((await cli.run(['whoami', '--json'])).stdout) as WhoAmI
  assert.equal(who.displayName, 'Access token for pail-demo/handbook')
  assert.deepEqual(who.scopes, ['repository', 'repository:write'])
  assert.equal(who.features.find((f) => f.feature === 'identify')?.ready, false)
  assert.equal(who.features.find((f) => f.feature === 'sync')?.ready, true)
  const repos = JSON.parse((await cli.run(['repos', '--json'])).stdout) as { repositories: { fullName: string }[] }[]
  assert.deepEqual(
    repos.flatMap((w) => w.repositories.map((r) => r.fullName)),
    ['pail-demo/handbook'],
  )

  const api = await cli.run(['login', '--api-token', '--email', emu.info.apiToken.email], {
    input: `${emu.info.apiToken.token}\n`,
  })
  assert.equal(api.code, 0, api.stderr)
  assert.equal((JSON.parse((await cli.run(['whoami', '--json'])).stdout) as WhoAmI).kind, 'api-token')
  await assertNoSecretsInHome(cli.home, emu.server.issuedSecrets)
})

test('pail login explains bad input in one sentence and keeps the previous account', async (t) => {
  const { emu, cli } = await setup(t)
  const { key, secret } = emu.info.privateConsumer
  await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  const noRepo = await cli.run(['login', '--access-token'], { input: 'abc\n' })
  assert.equal(noRepo.code, 2)
  assert.match(noRepo.stderr, /Say which repository the access token is for: --repo workspace\/repository/)
  const wrong = await cli.run(['login', '--access-token', '--repo', 'pail-demo/handbook'], {
    input: 'not-a-real-token\n',
  })
  assert.equal(wrong.code, 1)
  assert.match(wrong.stderr, /^pail: Bitbucket did not accept this access token/)
  const badSecret = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: 'wrong\n' })
  assert.equal(badSecret.code, 1)
  assert.match(badSecret.stderr, /did not accept Pail's consumer key and secret/)
  assert.equal((JSON.parse((await cli.run(['whoami', '--json'])).stdout) as WhoAmI).kind, 'client-credentials')
  const unknown = await cli.run(['login', '--frobnicate'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /Unknown option '--frobnicate'\. Run "pail help"/)
})
