/**
 * `npm run demo` (without --once) ends by serving Pail's window: it prints the address alone on a
 * line, and the window it serves sees the demo's sign-in and paired folder through the real core;
 * Ctrl+C stops it all.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { assertBuildIsCurrent } from '../../support/pail-cli.js'
import { raw } from './serve-harness.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const ADDRESS = /^http:\/\/127\.0\.0\.1:\d+\/\?s=[A-Za-z0-9_-]{43}$/m

test('npm run demo serves the window and prints its address', { timeout: 120_000 }, async (t) => {
  await assertBuildIsCurrent()
  const demo = spawn(process.execPath, ['--import', 'tsx', 'test/demo/run-demo.ts'], { cwd: ROOT })
  let stdout = ''
  let stderr = ''
  demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)))
  t.after(() => {
    if (demo.exitCode === null) demo.kill('SIGKILL')
  })
  const deadline = Date.now() + 90_000
  while (!ADDRESS.test(stdout)) {
    if (demo.exitCode !== null || Date.now() > deadline) assert.fail(`no address printed:\n${stdout}\n${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = new URL(stdout.match(ADDRESS)![0])
  const h = { serve: { port: Number(url.port) }, host: url.host }
  const opened = await raw(h, { path: url.pathname + url.search })
  const cookie = opened.headers['set-cookie']![0]!.split(';')[0]!
  const ask = async (channel: string): Promise<unknown> => {
    const answer = await raw(h, {
      method: 'POST',
      path: `/api/invoke/${channel}`,
      headers: { cookie, origin: url.origin },
    })
    const result = JSON.parse(answer.body) as { ok: boolean; value: unknown }
    assert.equal(result.ok, true, answer.body)
    return result.value
  }
  const auth = (await ask('auth:get-state')) as { status: string; account?: { displayName: string } }
  assert.equal(auth.status, 'signed-in')
  assert.equal(auth.account?.displayName, 'Alex Staff')
  const folders = (await ask('folders:list')) as { workspace: string; repository: string; folder: string }[]
  assert.deepEqual(
    folders.map((f) => `${f.workspace}/${f.repository}`),
    ['pail-demo/handbook'],
  )
  assert.equal((await raw(h, { path: '/', headers: { cookie } })).status, 200)
  demo.kill('SIGINT')
  assert.equal(await exited, 0, stderr)
})
