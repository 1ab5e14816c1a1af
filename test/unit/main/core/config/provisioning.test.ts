import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { callbackUrl, resolveEndpoints } from '../../../../../main/core/config/endpoints.js'
import { pailHome } from '../../../../../main/core/config/pail-home.js'
import { loadProvisioning } from '../../../../../main/core/config/provisioning.js'

async function withFile(t: { after: (fn: () => Promise<void>) => void }, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-prov-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'provisioning.json')
  await writeFile(file, text)
  return file
}

test('a missing provisioning file is an empty provisioning, with Bitbucket Cloud and the default callback', async () => {
  const provisioning = await loadProvisioning('/nonexistent/pail/provisioning.json')
  assert.deepEqual(provisioning, {})
  assert.deepEqual(resolveEndpoints(provisioning, {}), {
    webUrl: 'https://bitbucket.org',
    apiUrl: 'https://api.bitbucket.org',
  })
  assert.equal(callbackUrl(provisioning), 'http://127.0.0.1:31842/pail/callback')
})

test('the provisioning file sets consumer, callback, URLs and default repository; the environment wins for URLs', async (t) => {
  const file = await withFile(
    t,
    JSON.stringify({
      consumer: { key: 'k', secret: 's' },
      callback: { port: 40123, path: '/cb' },
      webUrl: 'http://127.0.0.1:9/',
      apiUrl: 'http://127.0.0.1:10',
      defaultRepository: { workspace: 'w', slug: 'r' },
    }),
  )
  const provisioning = await loadProvisioning(file)
  assert.equal(callbackUrl(provisioning), 'http://127.0.0.1:40123/cb')
  assert.deepEqual(resolveEndpoints(provisioning, {}), { webUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:10' })
  assert.equal(resolveEndpoints(provisioning, { PAIL_API_URL: 'http://127.0.0.1:11' }).apiUrl, 'http://127.0.0.1:11')
})

test('a bad provisioning file gives a plain error naming the field', async (t) => {
  await assert.rejects(loadProvisioning(await withFile(t, '{not json')), /is not valid JSON\. Ask your admin/)
  await assert.rejects(
    loadProvisioning(await withFile(t, JSON.stringify({ callback: { port: 80 } }))),
    /problem at "callback\.port"/,
  )
  await assert.rejects(
    loadProvisioning(await withFile(t, JSON.stringify({ consumer: { key: 'k' } }))),
    /"consumer\.secret"/,
  )
})

test('PAIL_HOME moves the config directory', () => {
  assert.equal(pailHome({ PAIL_HOME: '/tmp/pail-x' }), '/tmp/pail-x')
  assert.match(pailHome({ HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/.config' }), /pail$/)
})
