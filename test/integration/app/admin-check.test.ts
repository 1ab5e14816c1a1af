/**
 * The window's admin check (`admin:check-consumer`, `admin:build-provisioning`) through dispatch,
 * as both shells call it, against the emulator: a private consumer that is right (checked, then
 * its provisioning file, which staff's Pail imports), a wrong secret (what to fix, and no file),
 * and bad input refused in words. The secret never comes back in an answer, an error or the log.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { provisioningSchema } from '../../../main/core/config/provisioning.js'
import type { AppInfo, ConsumerCheckView, ProvisioningFileView } from '../../../shared/ipc/views.js'
import type { RunningEmulator } from '../../emulator/harness.js'
import { appFixture, type AppFixture } from './app-support.js'

interface Consumer {
  key: string
  secret: string
}

/** A consumer minted on the emulator: private, with Pail's callback and the permissions it needs, unless told otherwise. */
async function consumer(emu: RunningEmulator, fields: Record<string, unknown> = {}): Promise<Consumer> {
  const { key, secret } = await emu.control<Consumer>('POST', '/consumers', {
    isPrivate: true,
    callbackUrl: emu.info.publicConsumer.callbackUrl,
    scopes: ['account', 'repository:write'],
    ...fields,
  })
  return { key, secret }
}

/** Pail's log, once the core has stopped and written all of it. */
async function logOf(app: AppFixture): Promise<string> {
  await app.core.close()
  return readFile(join(app.home, 'logs', 'pail.log'), 'utf8').catch(() => '')
}

test('a private consumer that is right: ready, then a provisioning file that staff’s Pail imports', async (t) => {
  const app = await appFixture(t, { ports: { watch: false } })
  const c = await consumer(app.emu)
  const view = await app.value<ConsumerCheckView>('admin:check-consumer', { ...c, repository: 'pail-demo/handbook' })
  assert.equal(view.verdict, 'ready', JSON.stringify(view.items))
  assert.equal(view.ready, true)
  assert.equal(view.canProvision, true)
  assert.equal(view.consumerKey, c.key)
  assert.equal(view.webUrl, app.emu.info.webUrl, 'the configured Bitbucket was asked')
  assert.equal(view.callbackUrl, app.emu.info.publicConsumer.callbackUrl, 'the callback in force was checked')
  assert.equal(view.items.find((i) => i.id === 'repository')?.status, 'ok')
  assert.match(view.items.find((i) => i.id === 'reach')?.text ?? '', /pail-demo: empty-repo, handbook, read-only/)
  assert.ok(view.features?.every((f) => f.ready))
  assert.ok(!JSON.stringify(view).includes(c.secret), 'the secret is not echoed back')

  const file = await app.value<ProvisioningFileView>('admin:build-provisioning', {
    ...c,
    repository: 'pail-demo/handbook',
    branch: 'main',
  })
  assert.equal(file.fileName, 'provisioning.json')
  assert.ok(!JSON.stringify(file.check).includes(c.secret), 'the check that comes with it holds no secret')
  const provisioning = provisioningSchema.parse(JSON.parse(file.text))
  assert.deepEqual(provisioning.consumer, c)
  assert.deepEqual(provisioning.defaultRepository, { workspace: 'pail-demo', slug: 'handbook', branch: 'main' })
  assert.equal(`http://127.0.0.1:${provisioning.callback?.port}${provisioning.callback?.path}`, view.callbackUrl)
  assert.equal(provisioning.webUrl, app.emu.info.webUrl)
  assert.equal(provisioning.apiUrl, app.emu.info.apiUrl)

  const imported = await app.value<AppInfo>('auth:import-provisioning', { text: file.text })
  assert.equal(imported.hasConsumer, true)
  assert.ok(!(await logOf(app)).includes(c.secret), 'the secret is not in the log')
})

test('a wrong secret: what to fix, and no provisioning file', async (t) => {
  const app = await appFixture(t, { ports: { watch: false } })
  const c = await consumer(app.emu)
  const wrong = { key: c.key, secret: 'not-the-secret-at-all' }
  const view = await app.value<ConsumerCheckView>('admin:check-consumer', wrong)
  assert.equal(view.verdict, 'needs-fixes')
  assert.equal(view.ready, false)
  assert.equal(view.canProvision, false)
  const credentials = view.items.find((i) => i.id === 'credentials')
  assert.equal(credentials?.status, 'fix')
  assert.equal(credentials?.statusWords, 'To fix')
  assert.match(credentials?.fix ?? '', /Copy the Key and the Secret again/)

  const refused = await app.call('admin:build-provisioning', wrong)
  assert.ok(!refused.ok, 'no file after a check with something to fix')
  assert.equal(refused.error.code, 'admin.check-failed')
  assert.match(refused.error.message, /found something to fix/)
  const said = JSON.stringify([view, refused, await logOf(app)])
  assert.ok(!said.includes(wrong.secret) && !said.includes(c.secret), 'no secret in the answers or the log')
})

test('a consumer without Repositories: Write: the permission to tick, the blocked features named', async (t) => {
  const app = await appFixture(t, { ports: { watch: false } })
  const view = await app.value<ConsumerCheckView>(
    'admin:check-consumer',
    await consumer(app.emu, { scopes: ['account', 'repository'] }),
  )
  assert.equal(view.verdict, 'needs-fixes')
  assert.match(view.items.find((i) => i.id === 'permissions')?.fix ?? '', /tick Repositories: Write/)
  assert.ok(view.features?.some((f) => !f.ready && f.missing.includes('Repositories: Write')))
})

test('bad input is refused in words', async (t) => {
  const app = await appFixture(t, { ports: { watch: false } })
  const c = await consumer(app.emu)
  const noSecret = await app.call('admin:check-consumer', { key: c.key, secret: '' })
  assert.ok(!noSecret.ok)
  assert.match(noSecret.error.message, /secret/)
  const blank = await app.call('admin:check-consumer', { key: '   ', secret: c.secret })
  assert.ok(!blank.ok)
  assert.equal(blank.error.code, 'admin.no-key')
  const branchAlone = await app.call('admin:build-provisioning', { ...c, branch: 'main' })
  assert.ok(!branchAlone.ok)
  assert.equal(branchAlone.error.code, 'admin.branch-without-repository')
  const badRepo = await app.call('admin:check-consumer', { ...c, repository: 'no-slash-here' })
  assert.ok(!badRepo.ok)
  assert.equal(badRepo.error.code, 'names.invalid')
  assert.ok(!JSON.stringify([noSecret, blank, branchAlone, badRepo]).includes(c.secret))
})
