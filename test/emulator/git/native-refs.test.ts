/**
 * The native ref advertisement (the simulation's cost switch) answers byte for byte what
 * `git http-backend` answers, and leaves everything else to it: a real `git clone` still works.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { useEmulator, type RunningEmulator } from '../harness.js'

const run = promisify(execFile)

function pkt(text: string): string {
  return `${(Buffer.byteLength(text) + 5).toString(16).padStart(4, '0')}${text}\n`
}

async function exchange(
  emu: RunningEmulator,
  token: string,
  method: 'GET' | 'POST',
  body?: string,
): Promise<{ status: number; type: string | null; body: string; log: number }> {
  const before = emu.server.requestLog.length
  const url = `${emu.info.webUrl}/pail-demo/handbook.git/${method === 'GET' ? 'info/refs?service=git-upload-pack' : 'git-upload-pack'}`
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`x-token-auth:${token}`).toString('base64')}`,
      'git-protocol': 'version=2',
      ...(body ? { 'content-type': 'application/x-git-upload-pack-request' } : {}),
    },
    ...(body ? { body } : {}),
  })
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: await res.text(),
    log: emu.server.requestLog.length - before,
  }
}

test("native v2 advertisement and ls-refs are git http-backend's bytes; counted and authorised the same", async (t) => {
  const emu = await useEmulator(t)
  await emu.control('POST', '/commit', { files: { 'a.txt': 'a\n' } })
  const repo = emu.server.world.repository('pail-demo', 'handbook')!
  const gitDir = emu.server.git(repo).gitDir
  await run('git', ['--git-dir', gitDir, 'branch', 'main-old', 'HEAD~1'])
  await run('git', ['--git-dir', gitDir, 'pack-refs', '--all'])
  await emu.control('POST', '/commit', { files: { 'b.txt': 'b\n' } }) // a loose ref over the packed one
  const token = await emu.oauthToken(['repository'])
  const lsRefs = `${pkt('command=ls-refs')}0001${pkt('ref-prefix refs/heads/main')}${pkt('ref-prefix refs/heads/nothing')}0000`
  const real = [await exchange(emu, token, 'GET'), await exchange(emu, token, 'POST', lsRefs)]
  emu.server.nativeRefAdvertisement = true
  const native = [await exchange(emu, token, 'GET'), await exchange(emu, token, 'POST', lsRefs)]
  assert.deepEqual(native, real)
  assert.match(native[1]!.body, /refs\/heads\/main\n.*refs\/heads\/main-old\n0000$/s)
  assert.equal(emu.server.requestCounts().git.requests, 4)
  const stranger = await emu.oauthToken(['account'])
  assert.equal((await exchange(emu, stranger, 'GET')).status, 403, 'the scope check comes first')
})

test('with the native advertisement on, a real git clone (v2 fetch, ls-refs with symrefs) still works', async (t) => {
  const emu = await useEmulator(t, {}, { nativeRefAdvertisement: true })
  const token = await emu.oauthToken(['repository'])
  const dir = await mkdtemp(join(tmpdir(), 'native-clone-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const url = new URL(emu.info.repository.cloneUrl)
  url.username = 'x-token-auth'
  url.password = token
  await run('git', ['-c', 'protocol.version=2', 'clone', '--quiet', url.href, join(dir, 'clone')], {
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  })
  const { stdout } = await run('git', ['-C', join(dir, 'clone'), 'log', '--oneline'])
  assert.ok(stdout.trim().length > 0)
})
