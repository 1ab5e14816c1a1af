/**
 * Real parts for the network tests: Debian's tinyproxy started on a temporary config, a throwaway
 * CA and server certificate made with the openssl command, and a TLS front that puts the emulator
 * behind https (bytes piped to its plain listeners; its links use the https addresses).
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { TestContext } from 'node:test'
import { createServer as createTlsServer } from 'node:tls'
import { promisify } from 'node:util'
import type { RunningEmulator } from '../../emulator/harness.js'
import { freePort } from '../../support/net.js'
import type { PailCli } from '../../support/pail-cli.js'

const run = promisify(execFile)

/** Throws a sentence saying to install `pkg` when `command` is not on this machine. */
export function requireCommand(command: string, pkg: string): void {
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
  if (!found)
    throw new Error(
      `This test needs ${command}, which is not installed: run "apt-get install -y ${pkg}" (.ci/run installs it).`,
    )
}

/** A temporary directory removed when the test ends. */
export async function tempDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000, exited?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const early = exited?.()
    if (early) throw new Error(early)
    const open = await new Promise<boolean>((resolve) => {
      const socket: Socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`Nothing listened on port ${port} within ${timeoutMs} ms.`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export interface Tinyproxy {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  /** The request lines tinyproxy logged ("GET http://127.0.0.1:1234/2.0/user HTTP/1.1", "CONNECT 127.0.0.1:443 HTTP/1.1"). */
  requests(): Promise<string[]>
}

/** Starts tinyproxy in the foreground on a free port, loopback only; `basicAuth` makes it ask for credentials. */
export async function startTinyproxy(
  t: TestContext,
  options: { basicAuth?: [string, string] } = {},
): Promise<Tinyproxy> {
  requireCommand('tinyproxy', 'tinyproxy')
  const dir = await tempDir(t, 'pail-tinyproxy-')
  const port = await freePort()
  const logFile = join(dir, 'tinyproxy.log')
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 60',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 100',
    'Allow 127.0.0.1',
    ...(options.basicAuth ? [`BasicAuth ${options.basicAuth[0]} ${options.basicAuth[1]}`] : []),
  ]
  await writeFile(join(dir, 'tinyproxy.conf'), `${config.join('\n')}\n`)
  const child = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  let exit: string | null = null
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.on('exit', (code, signal) => (exit = `tinyproxy stopped (${code ?? signal}): ${stderr.trim()}`))
  t.after(async () => {
    if (exit === null) {
      const ended = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await ended
    }
  })
  await waitForPort(port, 10_000, () => exit)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async requests() {
      const text = await readFile(logFile, 'utf8').catch(() => '')
      return [...text.matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((m) => m[1]!.trim())
    },
  }
}

export interface TestCa {
  /** The CA's certificate (PEM file), which the admin would hand out. */
  caFile: string
  /** The server's key and certificate for 127.0.0.1, signed by the CA. */
  key: string
  cert: string
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with the openssl command. */
export async function makeTestCa(t: TestContext): Promise<TestCa> {
  requireCommand('openssl', 'openssl')
  const dir = await tempDir(t, 'pail-ca-')
  const at = (name: string): string => join(dir, name)
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Pail Test Company Root',
    '-keyout', at('ca.key'), '-out', at('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]) // prettier-ignore
  await run('openssl', [
    'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', at('server.key'), '-out', at('server.csr'),
  ]) // prettier-ignore
  await writeFile(at('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  await run('openssl', [
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', at('server.ext'), '-out', at('server.pem'),
  ]) // prettier-ignore
  return {
    caFile: at('ca.pem'),
    key: await readFile(at('server.key'), 'utf8'),
    cert: await readFile(at('server.pem'), 'utf8'),
  }
}

/** A TLS listener on a free loopback port whose connections are piped to 127.0.0.1:`target`. */
async function tlsFront(t: TestContext, target: number, ca: TestCa): Promise<number> {
  const server = createTlsServer({ key: ca.key, cert: ca.cert }, (socket) => {
    const upstream = connect(target, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  // A client refusing the certificate ends the handshake; that is what some tests are about.
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return (server.address() as AddressInfo).port
}

/**
 * Puts the emulator behind https: a TLS front for its web and its API listener, and the emulator
 * told its public addresses are the fronts' (its `next` links and redirects use them).
 */
export async function emulatorBehindTls(
  t: TestContext,
  emu: RunningEmulator,
  ca: TestCa,
): Promise<{ webUrl: string; apiUrl: string }> {
  const webUrl = `https://127.0.0.1:${await tlsFront(t, Number(new URL(emu.info.webUrl).port), ca)}`
  const apiUrl = `https://127.0.0.1:${await tlsFront(t, Number(new URL(emu.info.apiUrl).port), ca)}`
  emu.server.webUrl = webUrl
  emu.server.apiUrl = apiUrl
  return { webUrl, apiUrl }
}

/**
 * Through the CLI: signs in with the emulator's private consumer (secret on standard input),
 * pairs a new folder holding one file, and syncs it once: one commit with that file.
 */
export async function signInAndSync(t: TestContext, emu: RunningEmulator, cli: PailCli): Promise<void> {
  const { key, secret } = emu.info.privateConsumer
  const login = await cli.run(['login', '--client-credentials', '--key', key, '--secret'], { input: `${secret}\n` })
  assert.equal(login.code, 0, login.stderr)
  const folder = await tempDir(t, 'pail-net-folder-')
  await mkdir(join(folder, 'notes'))
  await writeFile(join(folder, 'notes', 'plan.txt'), 'plan\n')
  const paired = await cli.run(['pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'team'])
  assert.equal(paired.code, 0, paired.stderr)
  const synced = await cli.run(['sync', '--once'])
  assert.equal(synced.code, 0, synced.stderr)
  assert.match(synced.stdout, /committed [0-9a-f]{12} \(1 uploaded, 0 deleted\)/)
}
