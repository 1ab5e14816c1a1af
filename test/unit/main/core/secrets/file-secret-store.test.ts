import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { FileSecretStore } from '../../../../../main/core/secrets/file-secret-store.js'
import type { SecretCipher } from '../../../../../main/core/secrets/secret-store.js'

async function tempFile(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-secrets-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'home', 'secrets.json')
}

test('secrets round-trip in a file only the user can read, in a private directory', async (t) => {
  const file = await tempFile(t)
  const store = new FileSecretStore(file)
  const long = 'x'.repeat(4000)
  await store.set('account/a/access-token', long)
  assert.equal(await new FileSecretStore(file).get('account/a/access-token'), long)
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  assert.equal((await stat(join(file, '..'))).mode & 0o777, 0o700)
})

test('deleting a secret removes it, and concurrent writes are all kept', async (t) => {
  const file = await tempFile(t)
  const store = new FileSecretStore(file)
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)))
  await store.delete('k3')
  assert.equal(await store.get('k3'), null)
  assert.equal(await store.get('k19'), 'v19')
})

test('with a cipher, the file holds no plain secret', async (t) => {
  const file = await tempFile(t)
  const cipher: SecretCipher = {
    description: 'test cipher',
    encrypt: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
    decrypt: (sealed) => Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString(),
  }
  const store = new FileSecretStore(file, cipher)
  await store.set('token', 'very-secret-token-value')
  assert.equal(await store.get('token'), 'very-secret-token-value')
  assert.ok(!(await readFile(file, 'utf8')).includes('very-secret-token-value'))
  await assert.rejects(new FileSecretStore(file).get('token'), /was written encrypted/)
})
