/**
 * The CLI behind a real proxy (Debian's tinyproxy, started by the test): signing in (client
 * credentials), pairing a folder and syncing it with HTTP_PROXY/HTTPS_PROXY set send every
 * Bitbucket request through the proxy — tinyproxy's own log holds each request the emulator
 * logged; a proxy asking for credentials gets the plain sentence, and works once they are in the
 * proxy address (which no output repeats); NO_PROXY sends everything directly; `pail serve`'s
 * sync service goes through the proxy as well.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { useEmulator, type RunningEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import { PAIL_BIN, pailCli, type PailCli } from '../../support/pail-cli.js'
import { signInAndSync, startTinyproxy, tempDir, type Tinyproxy } from './net-support.js'

/** What the emulator was asked, as a proxy logs it: "GET http://127.0.0.1:1234/2.0/user HTTP/1.1". */
function emulatorRequests(emu: RunningEmulator, since: number): string[] {
  return emu.server.requestLog
    .slice(since)
    .filter((entry) => !entry.path.startsWith('/_emulator'))
    .map(
      (entry) => `${entry.method} ${entry.server === 'api' ? emu.info.apiUrl : emu.info.webUrl}${entry.path} HTTP/1.1`,
    )
}

/** Waits (with a deadline) until tinyproxy's log holds `count` requests, and answers them all. */
async function proxyLog(proxy: Tinyproxy, count: number): Promise<string[]> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const lines = await proxy.requests()
    if (lines.length >= count || Date.now() > deadline) return lines
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

test('with HTTP_PROXY and HTTPS_PROXY set, every request of a sign-in and a sync goes through tinyproxy', async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startTinyproxy(t)
  const cli = await pailCli(t, emu, await freePort())
  Object.assign(cli.env, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'bitbucket.invalid' })
  const since = emu.server.requestLog.length

  await signInAndSync(t, emu, cli)

  const expected = emulatorRequests(emu, since)
  assert.ok(expected.some((line) => line.startsWith('POST') && line.includes('/site/oauth2/access_token')))
  assert.ok(
    expected.some((line) => line.startsWith('POST') && line.includes('/src')),
    'the commit is among them',
  )
  const logged = await proxyLog(proxy, expected.length)
  assert.deepEqual([...logged].sort(), [...expected].sort(), 'tinyproxy logged exactly what the emulator was asked')
})

test('a proxy asking for credentials gets the plain sentence; with them in the proxy address Pail signs in', async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startTinyproxy(t, { basicAuth: ['pail-user', 'Pr0xy-pass-94'] })
  const cli = await pailCli(t, emu, await freePort())
  const { key, secret } = emu.info.privateConsumer
  const login = (): ReturnType<PailCli['run']> =>
    cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })

  Object.assign(cli.env, { HTTP_PROXY: proxy.url })
  const refused = await login()
  assert.equal(refused.code, 1)
  assert.match(
    refused.stderr,
    /^pail: Pail could not reach Bitbucket to sign in through your network's proxy server: the proxy asks for a user name and password \(HTTP 407\)\. Put them in the proxy address \(for example HTTPS_PROXY=http:\/\/name:password@proxy\.example\.com:8080\), or ask your IT department\.\n$/,
  )

  Object.assign(cli.env, { HTTP_PROXY: proxy.url.replace('http://', 'http://pail-user:Pr0xy-pass-94@') })
  const signedIn = await login()
  assert.equal(signedIn.code, 0, signedIn.stderr)
  const whoami = await cli.run(['whoami'])
  assert.equal(whoami.code, 0, whoami.stderr)
  for (const out of [refused, signedIn, whoami]) assert.ok(!`${out.stdout}${out.stderr}`.includes('Pr0xy-pass-94'))
  const log = await readFile(join(cli.home, 'logs', 'pail.log'), 'utf8')
  assert.ok(!log.includes('Pr0xy-pass-94'), "the proxy password is not in Pail's log")
  assert.ok((await proxy.requests()).length >= 2)
})

test('NO_PROXY naming Bitbucket sends every request directly, past the proxy', async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startTinyproxy(t)
  const cli = await pailCli(t, emu, await freePort())
  Object.assign(cli.env, { http_proxy: proxy.url, https_proxy: proxy.url, no_proxy: '127.0.0.1' })
  await signInAndSync(t, emu, cli)
  assert.deepEqual(await proxy.requests(), [], 'tinyproxy was asked nothing')
})

test("pail serve's sync service sends its requests through the proxy too", { timeout: 60_000 }, async (t) => {
  const emu = await useEmulator(t)
  const proxy = await startTinyproxy(t)
  const cli = await pailCli(t, emu, await freePort())
  const { key, secret } = emu.info.privateConsumer
  assert.equal(
    (await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })).code,
    0,
  )
  const folder = await tempDir(t, 'pail-proxy-serve-')
  await writeFile(join(folder, 'agenda.txt'), 'agenda\n')
  assert.equal((await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'serve'])).code, 0)

  const since = emu.server.requestLog.length
  const child = spawn(process.execPath, [PAIL_BIN, 'serve'], {
    env: { ...cli.env, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
    await exited
  })
  const deadline = Date.now() + 30_000
  while (!emulatorRequests(emu, since).some((line) => line.startsWith('POST') && line.includes('/src '))) {
    assert.ok(Date.now() < deadline, `pail serve did not sync the folder within 30 s: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGTERM')
  await exited
  // A request the stop cut off reaches the emulator's log once its connection closes: wait until
  // both logs have settled on the same requests (or the deadline), then compare.
  const settled = Date.now() + 5_000
  let expected = emulatorRequests(emu, since)
  let logged = await proxyLog(proxy, expected.length)
  while (JSON.stringify([...logged].sort()) !== JSON.stringify([...expected].sort()) && Date.now() < settled) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    expected = emulatorRequests(emu, since)
    logged = await proxy.requests()
  }
  assert.deepEqual([...logged].sort(), [...expected].sort(), 'tinyproxy logged exactly what the emulator was asked')
})
