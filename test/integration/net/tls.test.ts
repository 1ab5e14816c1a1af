/**
 * The emulator behind TLS with a throwaway company CA (a TLS front the test starts, certificates
 * made with openssl), as a network that inspects TLS looks to Pail: without the CA Pail says in
 * plain words that the company's certificate is not trusted and what to give the admin; with it
 * in the provisioning file (`caFile`, relative to the file) the sign-in and a sync work, directly
 * and through tinyproxy (CONNECT); a CA in the operating system's store is trusted as well.
 */
import assert from 'node:assert/strict'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { pailCli, type PailCli } from '../../support/pail-cli.js'
import { emulatorBehindTls, makeTestCa, signInAndSync, startTinyproxy, type TestCa } from './net-support.js'

const UNTRUSTED =
  /^pail: Pail could not reach Bitbucket to sign in securely: the network presents a certificate Pail does not trust — usually your company's network inspecting secure connections \(TLS inspection\)\. Ask your admin for the company's root certificate and to add it to Pail's provisioning file as "caFile" \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)\.\n$/

/** A CLI whose Bitbucket is the emulator behind the TLS fronts; `withCa` adds the CA to its provisioning file. */
async function tlsCli(t: TestContext, emu: RunningEmulator, ca: TestCa, withCa: boolean): Promise<PailCli> {
  const { webUrl, apiUrl } = await emulatorBehindTls(t, emu, ca)
  const cli = await pailCli(t, emu, await freePort())
  Object.assign(cli.env, { PAIL_WEB_URL: webUrl, PAIL_API_URL: apiUrl })
  if (withCa) {
    const file = join(cli.home, 'provisioning.json')
    const provisioning = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    await copyFile(ca.caFile, join(cli.home, 'company-root.pem'))
    await writeFile(file, JSON.stringify({ ...provisioning, caFile: 'company-root.pem' }))
  }
  return cli
}

test("without the company's CA, signing in fails with the plain sentence, not the bare code", async (t) => {
  const emu = await useEmulator(t)
  const cli = await tlsCli(t, emu, await makeTestCa(t), false)
  const { key, secret } = emu.info.privateConsumer
  const login = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  assert.equal(login.code, 1)
  assert.match(login.stderr, UNTRUSTED)
})

test('with the CA as caFile in the provisioning file, the sign-in and a sync work over TLS', async (t) => {
  const emu = await useEmulator(t)
  const cli = await tlsCli(t, emu, await makeTestCa(t), true)
  const since = emu.server.requestLog.length
  await signInAndSync(t, emu, cli)
  assert.ok(emu.server.requestLog.slice(since).some((entry) => entry.method === 'POST' && entry.path.endsWith('/src')))
})

test("a company CA in the operating system's store is trusted without caFile", async (t) => {
  const emu = await useEmulator(t)
  const ca = await makeTestCa(t)
  const cli = await tlsCli(t, emu, ca, false)
  // OpenSSL's store on Linux, which Node reads as the system's: SSL_CERT_FILE adds a file to it.
  Object.assign(cli.env, { SSL_CERT_FILE: ca.caFile })
  const { key, secret } = emu.info.privateConsumer
  const login = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  assert.equal(login.code, 0, login.stderr)
})

test('the CA applies to connections tunnelled through a proxy (CONNECT) too', async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startTinyproxy(t)
  const ca = await makeTestCa(t)
  const cli = await tlsCli(t, emu, ca, true)
  Object.assign(cli.env, { HTTPS_PROXY: proxy.url })
  await signInAndSync(t, emu, cli)
  const tunnels = await proxy.requests()
  const fronts = [emu.server.webUrl, emu.server.apiUrl].map((url) => `CONNECT ${new URL(url).host} HTTP/1.1`)
  assert.ok(tunnels.length > 0 && tunnels.every((line) => fronts.includes(line)), tunnels.join('\n'))
  assert.deepEqual([...new Set(tunnels)].sort(), [...fronts].sort(), 'both Bitbucket hosts were reached through it')

  // Without the CA, the same tunnel fails with the same plain sentence.
  const file = join(cli.home, 'provisioning.json')
  const provisioning = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  delete provisioning.caFile
  await writeFile(file, JSON.stringify(provisioning))
  await cli.run(['logout'])
  const { key, secret } = emu.info.privateConsumer
  const login = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  assert.match(login.stderr, UNTRUSTED)
})

test('a caFile that is missing or not PEM is named in a plain sentence, and Pail goes on without the file', async (t) => {
  const emu = await useEmulator(t)
  const cli = await pailCli(t, emu, await freePort())
  const file = join(cli.home, 'provisioning.json')
  const provisioning = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  await writeFile(file, JSON.stringify({ ...provisioning, caFile: 'missing.pem' }))
  const missing = await cli.run(['status'])
  assert.match(
    missing.stderr,
    /pail: The provisioning file names the certificate file .*missing\.pem \("caFile"\), but it does not exist\. Ask your admin for the company's root certificate and put it there\. Pail carries on without it\./,
  )
  await writeFile(join(cli.home, 'not-pem.pem'), 'hello\n')
  await writeFile(file, JSON.stringify({ ...provisioning, caFile: 'not-pem.pem' }))
  const notPem = await cli.run(['status'])
  assert.match(
    notPem.stderr,
    /not-pem\.pem \("caFile" in the provisioning file\) holds no certificate: it must be PEM text/,
  )
})
