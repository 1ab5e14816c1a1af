import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { getCACertificates, rootCertificates } from 'node:tls'
import { loadProvisioning, ProvisioningError } from '../../../../../main/core/config/provisioning.js'
import { readCaFile, trustedCertificates } from '../../../../../main/core/net/trusted-certificates.js'

async function dir(t: TestContext): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'pail-ca-unit-'))
  t.after(() => rm(path, { recursive: true, force: true }))
  return path
}

// Two real certificates (Node's bundled roots) stand for a company's root and intermediate.
const [first, second] = [rootCertificates[0]!, rootCertificates[1]!]

test('a PEM file with several certificates gives each of them', async (t) => {
  const file = join(await dir(t), 'company.pem')
  await writeFile(file, `Company root\n${first}\n\nIntermediate\n${second}\n`)
  assert.deepEqual(await readCaFile(file), [first.trim(), second.trim()])
})

test('a missing, non-PEM or damaged CA file is a ProvisioningError naming the file and what to do', async (t) => {
  const at = await dir(t)
  await assert.rejects(readCaFile(join(at, 'nope.pem')), (error: unknown) => {
    assert.ok(error instanceof ProvisioningError)
    assert.match(
      error.message,
      /nope\.pem \("caFile"\), but it does not exist\. Ask your admin for the company's root certificate/,
    )
    return true
  })
  await writeFile(join(at, 'der.cer'), Buffer.from([0x30, 0x82, 0x01, 0x0a]))
  await assert.rejects(
    readCaFile(join(at, 'der.cer')),
    /holds no certificate: it must be PEM text starting with "-----BEGIN CERTIFICATE-----"/,
  )
  const damaged = first.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!')
  await writeFile(join(at, 'damaged.pem'), `${second}\n${damaged}`)
  await assert.rejects(
    readCaFile(join(at, 'damaged.pem')),
    /Certificate 2 in .*damaged\.pem .* is damaged and cannot be read/,
  )
})

test("Pail trusts Node's roots, the system's store and the admin's extra certificates, each once", () => {
  const extra = '-----BEGIN CERTIFICATE-----\nextra\n-----END CERTIFICATE-----'
  const trusted = trustedCertificates([extra, first])
  for (const cert of [...getCACertificates('default'), ...getCACertificates('system')])
    assert.ok(trusted.includes(cert))
  assert.ok(trusted.includes(extra))
  assert.equal(trusted.filter((c) => c === first).length, 1)
})

test("the provisioning file's caFile is read beside the file, checked, and given as an absolute path", async (t) => {
  const at = await dir(t)
  await mkdir(join(at, 'certs'))
  await writeFile(join(at, 'certs', 'company.pem'), first)
  const file = join(at, 'provisioning.json')
  await writeFile(file, JSON.stringify({ caFile: 'certs/company.pem' }))
  assert.deepEqual(await loadProvisioning(file), { caFile: join(at, 'certs', 'company.pem') })
  await writeFile(file, JSON.stringify({ caFile: 'certs/missing.pem' }))
  await assert.rejects(
    loadProvisioning(file),
    (error: unknown) => error instanceof ProvisioningError && /missing\.pem/.test(error.message),
  )
  await writeFile(file, JSON.stringify({ caFile: '' }))
  await assert.rejects(loadProvisioning(file), /has a problem at "caFile"/)
})
