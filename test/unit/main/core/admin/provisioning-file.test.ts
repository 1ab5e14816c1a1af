/**
 * The provisioning file `pail admin provision` writes: its content, checked by Pail's own schema,
 * mode 0600, and never over an existing file unless asked.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import {
  buildProvisioning,
  ProvisioningWriteError,
  writeProvisioningFile,
} from '../../../../../main/core/admin/provisioning-file.js'
import { BITBUCKET_CLOUD } from '../../../../../main/core/config/endpoints.js'
import { loadProvisioning } from '../../../../../main/core/config/provisioning.js'

const consumer = { key: 'KEY', secret: 'SECRET' }
const callback = { port: 31842, path: '/pail/callback' }

async function folder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-provision-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test("Bitbucket Cloud's addresses are left out; another Bitbucket's are written", () => {
  assert.deepEqual(buildProvisioning({ consumer, callback, endpoints: BITBUCKET_CLOUD }), { consumer, callback })
  const other = buildProvisioning({
    consumer,
    callback,
    endpoints: { webUrl: 'http://127.0.0.1:7990', apiUrl: 'http://127.0.0.1:7991' },
    defaultRepository: { workspace: 'acme', slug: 'handbook', branch: 'main' },
  })
  assert.equal(other.webUrl, 'http://127.0.0.1:7990')
  assert.equal(other.apiUrl, 'http://127.0.0.1:7991')
  assert.deepEqual(other.defaultRepository, { workspace: 'acme', slug: 'handbook', branch: 'main' })
})

test('what the schema refuses is not written, and the error names the field', () => {
  assert.throws(
    () => buildProvisioning({ consumer, callback: { port: 80, path: '/pail/callback' }, endpoints: BITBUCKET_CLOUD }),
    (error: unknown) => error instanceof ProvisioningWriteError && /"callback\.port"/.test(error.message),
  )
  assert.throws(
    () => buildProvisioning({ consumer: { key: 'KEY', secret: '' }, callback, endpoints: BITBUCKET_CLOUD }),
    /"consumer\.secret"/,
  )
})

test('written 0600, read back by Pail; an existing file is refused unless forced; a folder always', async (t) => {
  const dir = await folder(t)
  const file = join(dir, 'staff', 'provisioning.json')
  const provisioning = buildProvisioning({ consumer, callback, endpoints: BITBUCKET_CLOUD })
  await writeProvisioningFile(file, provisioning)
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  assert.deepEqual(await loadProvisioning(file), provisioning)

  await writeFile(file, '{"consumer":{"key":"OLD","secret":"OLD"}}')
  await assert.rejects(writeProvisioningFile(file, provisioning), /already exists; Pail left it as it is/)
  assert.match(await readFile(file, 'utf8'), /OLD/, 'the existing file is untouched')
  await writeProvisioningFile(file, provisioning, { force: true })
  assert.deepEqual(await loadProvisioning(file), provisioning)

  const sub = join(dir, 'a-folder')
  await mkdir(sub)
  await assert.rejects(writeProvisioningFile(sub, provisioning, { force: true }), /is a folder/)
})
