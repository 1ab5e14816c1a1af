/**
 * `pail admin check` and `pail admin provision` through the real binary against the emulator:
 * a private consumer that is right, a wrong secret, a consumer that is not private, a missing
 * permission, a callback URL Bitbucket refuses (or has none), a sign-in page that hides the
 * answer (UNCONFIRMED, authorizeWithoutSession), and the provisioning file written or refused.
 */
import assert from 'node:assert/strict'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { loadProvisioning } from '../../../main/core/config/provisioning.js'
import type { CheckReport } from '../../../main/core/admin/consumer-verdict.js'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'
import type { EmulatorSettings } from '../../emulator/settings.js'
import { consentRobot } from '../../support/consent-robot.js'
import { freePort } from '../../support/net.js'
import { pailCli, type PailCli } from '../../support/pail-cli.js'

const PORT = 31999
const CALLBACK = `http://127.0.0.1:${PORT}/pail/callback`

interface Consumer {
  key: string
  secret: string
}

/** An emulator whose public consumer has Pail's callback on `port`, and a Pail home provisioned with it. */
async function setup(
  t: TestContext,
  settings: Partial<EmulatorSettings> = {},
  port = PORT,
): Promise<{ emu: RunningEmulator; cli: PailCli }> {
  const emu = await useEmulator(t, settings, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  return { emu, cli: await pailCli(t, emu, port) }
}

/** A consumer minted on the emulator: private with Pail's callback and permissions unless told otherwise. */
async function consumer(emu: RunningEmulator, fields: Record<string, unknown> = {}): Promise<Consumer> {
  const { key, secret } = await emu.control<Consumer>('POST', '/consumers', {
    isPrivate: true,
    callbackUrl: emu.info.publicConsumer.callbackUrl,
    scopes: ['account', 'repository:write'],
    ...fields,
  })
  return { key, secret }
}

/** Points the CLI's provisioning file at `c` (and keeps the callback port). */
async function provisionWith(cli: PailCli, c: Consumer, port = PORT): Promise<void> {
  await writeFile(
    join(cli.home, 'provisioning.json'),
    JSON.stringify({ consumer: c, callback: { port, path: '/pail/callback' } }),
  )
}

async function checkJson(cli: PailCli, args: string[] = [], input?: string) {
  const run = await cli.run(['admin', 'check', '--json', ...args], input === undefined ? {} : { input })
  return { ...run, report: JSON.parse(run.stdout) as CheckReport }
}

function itemOf(report: CheckReport, id: string) {
  const found = report.items.find((i) => i.id === id)
  assert.ok(found, `no ${id} item in ${JSON.stringify(report.items)}`)
  return found
}

test('a private consumer with the right callback and permissions: exit 0, and what it reaches', async (t) => {
  const { emu, cli } = await setup(t)
  const c = await consumer(emu)
  await provisionWith(cli, c)
  const text = await cli.run(['admin', 'check'])
  assert.equal(text.code, 0, text.stdout + text.stderr)
  assert.match(text.stdout, /✓ Bitbucket accepts the consumer's key and secret\./)
  assert.match(text.stdout, /This is a private consumer: its client-credentials grant works\./)
  assert.match(text.stdout, new RegExp(`✓ Bitbucket accepts Pail's callback URL ${CALLBACK.replace(/\./g, '\\.')}`))
  assert.match(text.stdout, /✓ The consumer's permissions: Account: Read, Repositories: Write\./)
  assert.match(text.stdout, /pail-demo: empty-repo, handbook, read-only/)
  assert.match(text.stdout, /^Staff can sign in and upload\.$/m)
  assert.ok(!text.stdout.includes(c.secret) && !text.stderr.includes(c.secret), 'the secret is never printed')

  const { code, report } = await checkJson(cli, ['--repo', 'pail-demo/handbook'])
  assert.equal(code, 0)
  assert.equal(report.verdict, 'ready')
  assert.equal(report.privateConsumer, true)
  assert.deepEqual(report.scopes, ['account', 'repository:write'])
  assert.ok(report.features?.every((f) => f.ready))
  assert.deepEqual(report.workspaces, [
    { workspace: 'pail-demo', repositories: ['empty-repo', 'handbook', 'read-only'] },
  ])
  assert.equal(itemOf(report, 'repository').status, 'ok')
})

test('a wrong secret: exit 1, and what to fix', async (t) => {
  const { emu, cli } = await setup(t)
  const c = await consumer(emu)
  const run = await cli.run(['admin', 'check', '--key', c.key, '--secret'], { input: 'not-the-secret\n' })
  assert.equal(run.code, 1)
  assert.match(run.stdout, /✗ Bitbucket does not accept the consumer's key and secret\./)
  assert.match(run.stdout, /To fix, then run "pail admin check" again:\n {2}1\. Copy the Key and the Secret again/)
  assert.doesNotMatch(run.stderr, /warning/, 'a secret on standard input gets no command-line warning')
  const { report } = await checkJson(cli, ['--key', c.key, '--secret'], 'not-the-secret\n')
  assert.equal(report.verdict, 'needs-fixes')
  assert.equal(itemOf(report, 'credentials').status, 'fix')
})

test('a secret typed on the command line works, with the warning the other commands give', async (t) => {
  const { emu, cli } = await setup(t)
  const c = await consumer(emu)
  const run = await cli.run(['admin', 'check', '--key', c.key, '--secret', c.secret])
  assert.equal(run.code, 0, run.stdout)
  assert.match(run.stderr, /warning: the consumer's secret was typed on the command line after --secret/)
})

test('a consumer that is not private: the secret is checked, the rest is said to be unchecked', async (t) => {
  const { emu, cli } = await setup(t)
  // pailCli's provisioning file holds the seeded public consumer, with Pail's callback URL.
  const { code, report, stdout } = await checkJson(cli)
  assert.equal(code, 1)
  assert.equal(report.verdict, 'incomplete')
  assert.equal(report.privateConsumer, false)
  assert.equal(itemOf(report, 'credentials').status, 'ok')
  assert.equal(itemOf(report, 'callback').status, 'ok')
  assert.equal(itemOf(report, 'permissions').status, 'unverified')
  assert.match(itemOf(report, 'permissions').byHand ?? '', /"pail login".*"pail whoami"/)
  assert.equal(report.scopes, null)
  assert.ok(!stdout.includes(emu.info.publicConsumer.secret))
  const text = await cli.run(['admin', 'check'])
  assert.equal(text.code, 1)
  assert.match(text.stdout, /This is not a private consumer: staff sign in in their browser as themselves/)
  assert.match(text.stdout, /Could not be checked from here:\n {2}- Pail could not see the permissions/)
  assert.doesNotMatch(text.stdout, /To fix/)

  const wrong = await checkJson(cli, ['--key', emu.info.publicConsumer.key, '--secret'], 'wrong\n')
  assert.equal(itemOf(wrong.report, 'credentials').status, 'fix', 'a wrong secret is caught without client credentials')
})

test('a consumer without Repositories: Write: exit 1, tick it', async (t) => {
  const { emu, cli } = await setup(t)
  await provisionWith(cli, await consumer(emu, { scopes: ['account', 'repository'] }))
  const run = await cli.run(['admin', 'check'])
  assert.equal(run.code, 1)
  assert.match(
    run.stdout,
    /✗ The consumer's permissions: Account: Read, Repositories: Read\. Missing for Pail: Repositories: Write\./,
  )
  assert.match(run.stdout, /✗ Upload files — needs Repositories: Write/)
  assert.match(
    run.stdout,
    /1\. In Workspace settings → OAuth consumers → the consumer → Edit, tick Repositories: Write/,
  )
})

test("a callback URL Bitbucket refuses, or none at all: set it to Pail's exact URL", async (t) => {
  const { emu, cli } = await setup(t)
  await provisionWith(cli, await consumer(emu, { callbackUrl: 'http://127.0.0.1:34106/' }))
  const mismatch = await checkJson(cli)
  assert.equal(mismatch.code, 1)
  const callback = itemOf(mismatch.report, 'callback')
  assert.equal(callback.status, 'fix')
  assert.match(callback.text, /"Invalid redirect_uri"/)
  assert.equal(callback.fix?.includes(`set Callback URL to exactly ${CALLBACK}`), true)

  await provisionWith(cli, await consumer(emu, { callbackUrl: null }))
  const none = await checkJson(cli)
  assert.equal(none.code, 1)
  assert.match(itemOf(none.report, 'callback').text, /has no callback URL/)
  assert.equal(itemOf(none.report, 'credentials').status, 'ok')
})

test('when Bitbucket asks for a sign-in first, the callback URL is "could not be verified", with how to check by hand', async (t) => {
  const { emu, cli } = await setup(t, { authorizeWithoutSession: 'sign-in-first' })
  await provisionWith(cli, await consumer(emu))
  const { code, report } = await checkJson(cli)
  assert.equal(code, 1)
  assert.equal(report.verdict, 'incomplete')
  const callback = itemOf(report, 'callback')
  assert.equal(callback.status, 'unverified')
  assert.match(callback.byHand ?? '', /--sign-in/)
  assert.match(callback.byHand ?? '', /open http:\/\/127\.0\.0\.1:\d+\/site\/oauth2\/authorize\?client_id=/)
  assert.match(callback.byHand ?? '', /"Invalid redirect_uri"/)
})

/** Runs `pail admin check --sign-in …` and plays the admin in the browser: `button` on the consent page. */
async function checkWithSignIn(cli: PailCli, button: 'grant' | 'deny', args: string[] = []) {
  const robot = consentRobot(button)
  let opened = false
  const run = await cli.run(['admin', 'check', '--sign-in', ...args], {
    onStderr: (text) => {
      const url = /^ {2}(http\S+)$/m.exec(text)?.[1]
      if (url && !opened) {
        opened = true
        void robot.open(url)
      }
    },
  })
  return { ...run, opened, robot }
}

test("--sign-in: a consumer that is not private is checked through the admin's browser sign-in, to exit 0", async (t) => {
  const port = await freePort()
  const { emu, cli } = await setup(t, {}, port)
  const run = await checkWithSignIn(cli, 'grant', ['--repo', 'pail-demo/handbook'])
  assert.equal(run.code, 0, run.stdout + run.stderr)
  assert.equal(await run.robot.done, 200)
  assert.match(run.stdout, /✓ You signed in through the consumer in your browser as Alex Staff, as staff will\./)
  assert.match(run.stdout, /This is not a private consumer/)
  assert.match(run.stdout, /\(you signed in through it\)/)
  assert.match(run.stdout, /✓ The consumer's permissions: Account: Read, Repositories: Write\./)
  assert.match(
    run.stdout,
    /Signed in as you \(Alex Staff\), Pail can write to: pail-demo: empty-repo, handbook, read-only/,
  )
  assert.match(run.stdout, /^Staff can sign in and upload\.$/m)
  assert.ok(!run.stdout.includes(emu.info.publicConsumer.secret))
  assert.equal((await cli.run(['whoami'])).code, 1, 'the check signs nobody in for good')

  const denied = await checkWithSignIn(cli, 'deny', ['--json'])
  assert.equal(denied.code, 1)
  const report = JSON.parse(denied.stdout) as CheckReport
  assert.equal(report.verdict, 'incomplete')
  assert.equal(itemOf(report, 'sign-in').status, 'unverified')
})

test('pail admin provision writes the file staff import, 0600, and refuses to overwrite or to write after a failed check', async (t) => {
  const { emu, cli } = await setup(t)
  const c = await consumer(emu)
  await provisionWith(cli, c)
  const out = join(cli.home, 'staff', 'provisioning.json')
  const run = await cli.run(['admin', 'provision', '--out', out, '--repo', 'pail-demo/handbook', '--branch', 'main'])
  assert.equal(run.code, 0, run.stdout + run.stderr)
  assert.match(run.stdout, /Wrote .*staff\/provisioning\.json \(readable by you only/)
  assert.equal((await stat(out)).mode & 0o777, 0o600)
  assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), {
    consumer: c,
    callback: { port: PORT, path: '/pail/callback' },
    webUrl: emu.info.webUrl,
    apiUrl: emu.info.apiUrl,
    defaultRepository: { workspace: 'pail-demo', slug: 'handbook', branch: 'main' },
  })
  assert.ok((await loadProvisioning(out)).consumer, 'Pail reads back what it wrote')

  const again = await cli.run(['admin', 'provision', '--out', out])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /already exists; Pail left it as it is\. Add --force to replace it\./)
  assert.equal(again.stdout, '', 'refused before asking Bitbucket anything')

  await provisionWith(cli, await consumer(emu, { scopes: ['account'] }))
  const failed = await cli.run(['admin', 'provision', '--out', out, '--force'])
  assert.equal(failed.code, 1)
  assert.match(failed.stderr, /did not write .*: the check found something to fix \(above\)/)
  assert.equal(JSON.parse(await readFile(out, 'utf8')).consumer.key, c.key, 'the old file is untouched')

  const forced = await cli.run(['admin', 'provision', '--out', out, '--force', '--ignore-check'])
  assert.equal(forced.code, 0, forced.stderr)
  assert.notEqual(JSON.parse(await readFile(out, 'utf8')).consumer.key, c.key)
})

test('pail admin explains bad input', async (t) => {
  const { cli } = await setup(t)
  assert.equal((await cli.run(['admin'])).code, 2)
  const noOut = await cli.run(['admin', 'provision'])
  assert.equal(noOut.code, 2)
  assert.match(noOut.stderr, /--out FILE/)
  const badRepo = await cli.run(['admin', 'check', '--repo', 'nope'])
  assert.equal(badRepo.code, 2)
  const other = await cli.run(['admin', 'frobnicate'])
  assert.equal(other.code, 2)
  assert.match(other.stderr, /"frobnicate" is not a pail admin command/)
})
