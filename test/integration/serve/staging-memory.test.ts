/**
 * A 1 GiB file streams from the browser into a staging folder without being held in memory: the
 * server runs in a child process (staging-memory-child.ts) whose peak RSS stays far below the
 * file's size while a sparse 1 GiB file (no disk needed to make it) is PUT to it.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { stagedFileRoute, STAGING_ROUTE } from '../../../shared/ipc/serve-routes.js'
import { raw } from './serve-harness.js'

const MiB = 1024 * 1024
const SIZE = 1024 * MiB
const child = fileURLToPath(new URL('./staging-memory-child.ts', import.meta.url))

test('a 1 GiB upload is staged with the server’s peak RSS far below the file size', { timeout: 300_000 }, async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'pail-serve-memory-'))
  t.after(() => rm(scratch, { recursive: true, force: true }))
  const home = join(scratch, 'home')
  await mkdir(home, { mode: 0o700 })
  const file = join(scratch, 'large.bin')
  const handle = await open(file, 'w')
  await handle.truncate(SIZE)
  await handle.close()

  const server = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, PAIL_TEST_HOME: home },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  t.after(() => server.kill())
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]()
  const started = JSON.parse((await lines.next()).value as string) as { url: string; port: number; stagingDir: string }
  const url = new URL(started.url)
  const h = { serve: { port: started.port }, host: url.host }
  const opened = await raw(h, { path: url.pathname + url.search })
  const cookie = opened.headers['set-cookie']![0]!.split(';')[0]!
  const headers = { cookie, origin: url.origin }
  const created = await raw(h, { method: 'POST', path: STAGING_ROUTE, headers })
  const { stagingId } = (JSON.parse(created.body) as { value: { stagingId: string } }).value

  const began = Date.now()
  const put = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(stagingId, 'videos/large.bin'),
    headers: { ...headers, 'content-length': SIZE },
    body: createReadStream(file, { highWaterMark: MiB }),
  })
  const ms = Date.now() - began
  assert.equal(put.status, 200, put.body)
  assert.deepEqual(JSON.parse(put.body), { ok: true, value: { path: 'videos/large.bin', bytes: SIZE } })
  assert.equal((await stat(join(started.stagingDir, stagingId, 'files', 'videos', 'large.bin'))).size, SIZE)

  server.stdin.end()
  const report = JSON.parse((await lines.next()).value as string) as { baselineRssBytes: number; maxRssBytes: number }
  const mib = (n: number): string => `${Math.round(n / MiB)} MiB`
  const growth = report.maxRssBytes - report.baselineRssBytes
  t.diagnostic(
    `1 GiB staged in ${ms} ms: server peak RSS ${mib(report.maxRssBytes)} (${mib(report.baselineRssBytes)} before, so ${mib(growth)} for it)`,
  )
  // Holding the file would add 1 GiB; streaming adds what is in flight and buffers not yet collected.
  assert.ok(growth < SIZE / 8, `RSS grew by ${mib(growth)} for a ${mib(SIZE)} upload`)
  assert.ok(report.maxRssBytes < SIZE / 3, `peak RSS ${mib(report.maxRssBytes)} for a ${mib(SIZE)} upload`)
})
