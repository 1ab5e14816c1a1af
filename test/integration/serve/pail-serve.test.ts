/**
 * `pail serve` as a person runs it (bin/pail.js, the built CLI): it prints its address alone on a
 * line, serves the built window and the real core through it, pushes events, opens the browser
 * with --open, refuses a bad or taken --port with a sentence, and stops cleanly on Ctrl+C.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { builtRendererDir } from '../../../main/core/build-output.js'
import { assertBuildIsCurrent, PAIL_BIN } from '../../support/pail-cli.js'
import { raw } from './serve-harness.js'

const ADDRESS = /^http:\/\/127\.0\.0\.1:(\d+)\/\?s=[A-Za-z0-9_-]{43}$/

/** Polls `condition` until it answers something truthy or `ms` pass. */
async function until<T>(condition: () => T | Promise<T>, what: string, ms = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await condition()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

interface Running {
  child: ChildProcessWithoutNullStreams
  home: string
  stdout(): string
  stderr(): string
  exited: Promise<number | null>
}

async function startPailServe(t: TestContext, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  await assertBuildIsCurrent()
  const scratch = await mkdtemp(join(tmpdir(), 'pail-serve-cli-'))
  const home = join(scratch, 'home')
  const child = spawn(process.execPath, [PAIL_BIN, 'serve', ...args], {
    env: { ...process.env, PAIL_HOME: home, PAIL_NO_BROWSER: '1', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL')
    await rm(scratch, { recursive: true, force: true })
  })
  return { child, home, stdout: () => stdout, stderr: () => stderr, exited }
}

/** The printed address: the whole of one line of standard output. */
function printedAddress(running: Running): string | undefined {
  return running
    .stdout()
    .split('\n')
    .find((line) => ADDRESS.test(line))
}

test(
  'pail serve prints its address alone on a line and serves the built window and the core',
  { timeout: 60_000 },
  async (t) => {
    const running = await startPailServe(t)
    const address = await until(() => printedAddress(running), 'the address')
    const url = new URL(address)
    const h = { serve: { port: Number(url.port) }, host: url.host }
    const opened = await raw(h, { path: url.pathname + url.search })
    assert.equal(opened.status, 303)
    const cookie = opened.headers['set-cookie']![0]!.split(';')[0]!

    const page = await raw(h, { path: '/', headers: { cookie } })
    assert.equal(page.status, 200)
    assert.equal(page.body, await readFile(join(builtRendererDir(), 'index.html'), 'utf8'))
    const info = await raw(h, {
      method: 'POST',
      path: '/api/invoke/app:get-info',
      headers: { cookie, origin: url.origin },
    })
    const answer = JSON.parse(info.body) as { ok: boolean; value: { shell: string; name: string } }
    assert.equal(answer.ok, true, info.body)
    assert.equal(answer.value.shell, 'headless')
    const auth = await raw(h, {
      method: 'POST',
      path: '/api/invoke/auth:get-state',
      headers: { cookie, origin: url.origin },
    })
    assert.equal((JSON.parse(auth.body) as { value: { status: string } }).value.status, 'signed-out')
    const events = await raw(h, {
      path: '/api/events',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      untilHeaders: true,
    })
    assert.equal(events.status, 200)
    // Nothing of the secret anywhere but its own line (the log included).
    const secret = url.searchParams.get('s')!
    assert.equal(running.stdout().split(secret).length, 2)
    assert.ok(!running.stderr().includes(secret))
    const log = await readFile(join(running.home, 'logs', 'pail.log'), 'utf8').catch(() => '')
    assert.ok(!log.includes(secret), 'the secret is not logged')
  },
)

test('Ctrl+C stops the server and the core cleanly, and the staging folder goes', { timeout: 60_000 }, async (t) => {
  const running = await startPailServe(t)
  const address = await until(() => printedAddress(running), 'the address')
  const url = new URL(address)
  const staged = await until(
    async () => (await readdir(join(running.home, 'staging')).catch(() => [])).length === 1,
    'the staging folder',
  )
  assert.ok(staged)
  running.child.kill('SIGINT')
  const code = await Promise.race([
    running.exited,
    new Promise((resolve) => setTimeout(resolve, 20_000, 'still running')),
  ])
  assert.equal(code, 0, running.stderr())
  assert.match(running.stderr(), /Stopping/)
  assert.deepEqual(await readdir(join(running.home, 'staging')), [])
  const after = await raw({ serve: { port: Number(url.port) }, host: url.host }, { path: '/' }).then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  )
  assert.equal(after, 'ECONNREFUSED')
})

test(
  '--port serves on that port; a taken port or a bad one is refused with a sentence',
  { timeout: 60_000 },
  async (t) => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    t.after(() => blocker.close())
    const taken = (blocker.address() as { port: number }).port
    const refused = await startPailServe(t, ['--port', String(taken)])
    assert.equal(await refused.exited, 1)
    assert.match(refused.stderr(), new RegExp(`Port ${taken} is already in use.*--port`))

    const bad = await startPailServe(t, ['--port', 'eighty'])
    assert.equal(await bad.exited, 2)
    assert.match(bad.stderr(), /"eighty" is not a port/)

    blocker.close()
    await new Promise((resolve) => setTimeout(resolve, 0))
    const chosen = await startPailServe(t, ['--port', String(taken)])
    const address = await until(() => printedAddress(chosen), 'the address')
    assert.equal(new URL(address).port, String(taken))
    chosen.child.kill('SIGINT')
    assert.equal(await chosen.exited, 0)
  },
)

test('--open opens the printed address with the desktop’s opener', { timeout: 60_000 }, async (t) => {
  const bin = await mkdtemp(join(tmpdir(), 'pail-serve-opener-'))
  t.after(() => rm(bin, { recursive: true, force: true }))
  const record = join(bin, 'opened.txt')
  await mkdir(bin, { recursive: true })
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`)
  await chmod(join(bin, 'xdg-open'), 0o755)
  const running = await startPailServe(t, ['--open'], {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    DISPLAY: ':99',
    PAIL_NO_BROWSER: '0',
  })
  const address = await until(() => printedAddress(running), 'the address')
  const opened = await until(() => readFile(record, 'utf8').catch(() => ''), 'the opener to run')
  assert.equal(opened, address)
  running.child.kill('SIGINT')
  assert.equal(await running.exited, 0)
})
