/**
 * `npm run emulator -- --port 0 --data <dir>` (cli.ts): one JSON line on stdout when ready, a
 * stable world across restarts on the same data directory, exit code 2 on bad options.
 *
 * The long-running emulator is started as `node --import tsx test/emulator/cli.ts` (what the npm
 * script's `tsx` does) so that the signal that stops it reaches the emulator itself, not npm.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { git } from './git/git-cli.js'
import type { EmulatorInfo } from './server.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

type Emulator = ChildProcessByStdio<null, Readable, Readable>

/** Waits for the child to exit; resolves with its exit code (or the signal's name). */
function exited(child: Emulator): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
}

/** Starts the CLI on `dataDir` and resolves with the JSON line it prints when ready. */
async function startCli(t: TestContext, dataDir: string): Promise<{ child: Emulator; info: EmulatorInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--data', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Whatever happens in the test, the emulator does not outlive it.
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no JSON line within 60 s; stderr: ${stderr}`)), 60_000)
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8')
      const nl = out.indexOf('\n')
      if (nl >= 0) {
        clearTimeout(timer)
        resolve(out.slice(0, nl))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`emulator exited ${code} before printing; stderr: ${stderr}`))
    })
  })
  return { child, info: JSON.parse(line) as EmulatorInfo }
}

/** Stops the CLI with SIGTERM and returns its exit code. */
async function stopCli(child: Emulator): Promise<number | string> {
  const done = exited(child)
  child.kill('SIGTERM')
  return done
}

function run(command: string, args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

test('the CLI prints its info line, serves git, and keeps its world across a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'emu-cli-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))

  const first = await startCli(t, dataDir)
  const { info } = first
  assert.match(info.webUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.match(info.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.notEqual(info.webUrl, info.apiUrl)
  assert.equal(typeof info.publicConsumer.key, 'string')
  assert.equal(typeof info.publicConsumer.secret, 'string')
  assert.match(info.publicConsumer.callbackUrl, /^http:\/\/127\.0\.0\.1:\d+\//)
  assert.ok(info.privateConsumer.key && info.privateConsumer.secret)
  assert.notEqual(info.privateConsumer.key, info.publicConsumer.key)
  assert.equal(info.user.nickname, 'alex-staff')
  assert.equal(info.workspace, 'pail-demo')
  assert.equal(info.repository.slug, 'handbook')
  assert.equal(info.repository.mainBranch, 'main')
  assert.equal(info.repository.cloneUrl, `${info.webUrl}/pail-demo/handbook.git`)
  assert.ok(info.repositoryAccessToken.length > 2500)
  assert.equal(info.dataDir, dataDir)

  const auth = { username: 'x-token-auth', password: info.repositoryAccessToken }
  const refs = await git(['ls-remote', info.repository.cloneUrl], { auth })
  assert.match(refs.stdout, /^[0-9a-f]{40}\trefs\/heads\/main$/m)
  assert.match(refs.stdout, /^[0-9a-f]{40}\tHEAD$/m)

  assert.equal(await stopCli(first.child), 0)

  const second = await startCli(t, dataDir)
  assert.equal(second.info.publicConsumer.key, info.publicConsumer.key)
  assert.equal(second.info.privateConsumer.key, info.privateConsumer.key)
  // Secrets are compared without handing them to assert, whose failure message would print them.
  assert.ok(second.info.publicConsumer.secret === info.publicConsumer.secret, 'same public consumer secret')
  assert.ok(second.info.repositoryAccessToken === info.repositoryAccessToken, 'same repository access token')
  assert.ok(second.info.apiToken.token === info.apiToken.token, 'same API token')
  // The same token still opens the same repository, at the same commit.
  const again = await git(['ls-remote', second.info.repository.cloneUrl], { auth })
  assert.equal(again.stdout.replace(/\s+$/, ''), refs.stdout.replace(/\s+$/, ''))
  assert.equal(await stopCli(second.child), 0)
})

test('a bad --port is a clear error with exit code 2 (through the npm script)', async () => {
  const result = await run('npm', ['run', '-s', 'emulator', '--', '--port', 'eighty'])
  assert.equal(result.code, 2)
  assert.match(result.stderr, /--port must be a port number, not "eighty"/)
  assert.equal(result.stdout, '')
})

test('an out-of-range port, a bad --api-port and an unknown --setting also exit with 2', async () => {
  const cli = (...args: string[]): Promise<{ code: number | null; stderr: string }> =>
    run(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', ...args])
  const high = await cli('--port', '70000')
  assert.equal(high.code, 2)
  assert.match(high.stderr, /--port must be a port number, not "70000"/)
  const api = await cli('--api-port=-1')
  assert.equal(api.code, 2)
  assert.match(api.stderr, /--api-port must be a port number/)
  const dataDir = await mkdtemp(join(tmpdir(), 'emu-cli-'))
  try {
    const setting = await cli('--port', '0', '--data', dataDir, '--setting', 'noSuchSetting=1')
    assert.equal(setting.code, 2)
    assert.match(setting.stderr, /Unknown emulator setting "noSuchSetting"/)
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})
