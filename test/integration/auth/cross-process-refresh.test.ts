/**
 * Several Pail processes on one home (the app, a running `pail sync`, `git-credential` calls)
 * whose access token expired at once: exactly one of them renews it, under the home's lock, and
 * the others take the renewed token from the stores — Bitbucket rotates refresh tokens, so every
 * extra renewal would spend one (bitbucket-api.md §8.3.2).
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { useEmulator } from '../../emulator/harness.js'
import { consentRobot } from '../../support/consent-robot.js'
import { freePort } from '../../support/net.js'
import { pailAuth } from '../../support/pail-auth.js'

const worker = fileURLToPath(new URL('./fixtures/refresh-worker.ts', import.meta.url))

function lines(child: ChildProcess): AsyncIterableIterator<string> {
  let buffer = ''
  const queue: string[] = []
  let wake: (() => void) | null = null
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let at: number
    while ((at = buffer.indexOf('\n')) >= 0) {
      queue.push(buffer.slice(0, at))
      buffer = buffer.slice(at + 1)
    }
    wake?.()
  })
  return (async function* () {
    for (;;) {
      if (queue.length > 0) yield queue.shift()!
      else await new Promise<void>((resolve) => (wake = resolve))
    }
  })()
}

test('three processes whose token expired together renew it once between them, and no call fails', async (t) => {
  const port = await freePort()
  const emu = await useEmulator(t, {}, { callbackUrl: `http://127.0.0.1:${port}/pail/callback` })
  const pail = await pailAuth(t, emu, consentRobot('grant'), port)
  await pail.auth.signInWithBrowser({ timeoutMs: 20_000 })
  await emu.control('POST', '/tokens/expire', {})
  const env = {
    ...process.env,
    PAIL_HOME: pail.home,
    PAIL_WEB_URL: emu.info.webUrl,
    PAIL_API_URL: emu.info.apiUrl,
    CALLS: '20',
  }
  const children = [1, 2, 3].map(() =>
    spawn(process.execPath, ['--import', 'tsx', worker], { env, stdio: ['pipe', 'pipe', 'inherit'] }),
  )
  t.after(() => children.forEach((c) => c.kill('SIGKILL')))
  const outputs = children.map(lines)
  for (const out of outputs) assert.equal((await out.next()).value, 'ready')
  const tokenCalls = (): number =>
    emu.server.requestLog.filter((r) => r.method === 'POST' && r.path.startsWith('/site/oauth2/access_token')).length
  const before = tokenCalls()
  for (const child of children) child.stdin!.write('go\n')
  const reports = await Promise.all(
    outputs.map(
      async (out) =>
        JSON.parse((await out.next()).value as string) as { failed: number; refreshes: number; errors: string[] },
    ),
  )
  t.diagnostic(JSON.stringify(reports))
  assert.deepEqual(
    reports.map((r) => r.failed),
    [0, 0, 0],
    reports.flatMap((r) => r.errors).join('; '),
  )
  assert.equal(tokenCalls() - before, 1, 'one token request in all')
  assert.equal(
    reports.reduce((sum, r) => sum + r.refreshes, 0),
    1,
    'one process renewed; the others took its token',
  )
})
