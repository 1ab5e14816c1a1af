/**
 * Browser uploads under `pail serve`: files streamed into a staging folder in Pail's home (0700),
 * limits checked as the bytes arrive, the staged files handed to the commit once, and every
 * staging removed after its commit, when abandoned, when the server stops, or — left by a server
 * that died — when the next one starts.
 */
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import { stagedFileRoute, stagingRoute, STAGING_ROUTE } from '../../../shared/ipc/serve-routes.js'
import { StagingArea } from '../../../main/cli/serve/staging-area.js'
import { openSession, own, raw, startHarness, type Harness } from './serve-harness.js'

async function createStaging(h: Harness, cookie: string): Promise<string> {
  const answer = await raw(h, { method: 'POST', path: STAGING_ROUTE, headers: own(h, cookie) })
  assert.equal(answer.status, 200)
  return (JSON.parse(answer.body) as { value: { stagingId: string } }).value.stagingId
}

/** A body of `bytes` bytes sent in chunks without a Content-Length. */
function chunked(bytes: number, chunk = 256): Readable {
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < bytes; sent += chunk) yield Buffer.alloc(Math.min(chunk, bytes - sent), 'y')
    })(),
  )
}

/** Every file under `dir`, relative. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort()
}

test('files PUT into a staging land at their paths, in a 0700 folder, and are taken once', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const id = await createStaging(h, cookie)
  const put = (path: string, body: string) =>
    raw(h, { method: 'PUT', path: stagedFileRoute(id, path), headers: own(h, cookie), body })
  const first = await put('Report 2026.txt', 'quarterly\n')
  assert.equal(first.status, 200)
  assert.deepEqual(JSON.parse(first.body), { ok: true, value: { path: 'Report 2026.txt', bytes: 10 } })
  assert.equal((await put('photos/été #1.jpg', 'jpeg')).status, 200)

  const dir = join(h.staging.dir, id)
  for (const folder of [join(h.home, 'staging'), h.staging.dir, dir])
    assert.equal((await stat(folder)).mode & 0o777, 0o700, folder)
  const taken = await h.staging.take(id)
  assert.deepEqual(
    taken.files.map((f) => [f.path, f.bytes]),
    [
      ['Report 2026.txt', 10],
      ['photos/été #1.jpg', 4],
    ],
  )
  assert.deepEqual(taken.entries, [join(taken.root, 'Report 2026.txt'), join(taken.root, 'photos')])
  assert.equal(await readFile(taken.files[1]!.absolutePath, 'utf8'), 'jpeg')
  // Taken: it takes no more files and cannot be taken twice.
  assert.equal((await put('late.txt', 'x')).status, 409)
  await assert.rejects(h.staging.take(id), /already being uploaded/)
  await h.staging.discard(id)
  await assert.rejects(stat(dir), { code: 'ENOENT' })
})

test('a file larger than the limit is cut off as its bytes arrive, and nothing of it stays', async (t) => {
  const h = await startHarness(t, { limits: { maxFileBytes: 1000, maxTotalBytes: 1500 } })
  const cookie = await openSession(h)
  const id = await createStaging(h, cookie)
  const dir = join(h.staging.dir, id)
  const stream = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(id, 'big.bin'),
    headers: own(h, cookie),
    body: chunked(5000),
  })
  assert.equal(stream.status, 413)
  assert.match((JSON.parse(stream.body) as { error: { message: string } }).error.message, /larger than/)
  const declared = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(id, 'big.bin'),
    headers: own(h, cookie, { 'content-length': 1001 }),
    body: Buffer.alloc(1001),
  })
  assert.equal(declared.status, 413)
  assert.deepEqual(await filesUnder(dir), [], 'no part left behind')

  // Together: 800 + 800 passes 1500, so the second is refused and the first kept.
  const a = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(id, 'a.bin'),
    headers: own(h, cookie),
    body: chunked(800),
  })
  assert.equal(a.status, 200)
  const b = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(id, 'b.bin'),
    headers: own(h, cookie),
    body: chunked(800),
  })
  assert.equal(b.status, 413)
  assert.match((JSON.parse(b.body) as { error: { message: string } }).error.message, /together/)
  assert.deepEqual(await filesUnder(dir), ['files/a.bin'])
  // Sent again under the same path, a file replaces the first and counts once.
  const again = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(id, 'a.bin'),
    headers: own(h, cookie),
    body: chunked(900),
  })
  assert.equal(again.status, 200)
  assert.deepEqual(
    (await h.staging.take(id)).files.map((f) => f.bytes),
    [900],
  )
})

test('an unknown staging is 404, DELETE gives one up, and a staging needs files before it is taken', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const unknown = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute('f'.repeat(32), 'a.txt'),
    headers: own(h, cookie),
    body: 'a',
  })
  assert.equal(unknown.status, 404)
  const id = await createStaging(h, cookie)
  await assert.rejects(h.staging.take(id), /No files were sent/)
  const del = await raw(h, { method: 'DELETE', path: stagingRoute(id), headers: own(h, cookie) })
  assert.equal(del.status, 200)
  assert.equal(h.staging.openCount, 0)
  await assert.rejects(stat(join(h.staging.dir, id)), { code: 'ENOENT' })
  await assert.rejects(h.staging.take(id), /not on Pail’s side any more/)
})

test('a staging nothing arrives for is removed as abandoned, unless a commit took it', async (t) => {
  const h = await startHarness(t)
  let now = 1_000_000
  const area = await StagingArea.open(h.home, { limits: { idleMs: 60_000 }, now: () => now })
  t.after(() => area.close())
  const idle = await area.create()
  const busy = await area.create()
  await area.receive(busy, ['a.txt'], Readable.from([Buffer.from('a')]))
  await area.take(busy)
  now += 30_000
  await area.sweep()
  assert.equal(area.openCount, 2, 'not idle long enough yet')
  now += 31_000
  await area.sweep()
  assert.equal(area.openCount, 1)
  await assert.rejects(stat(join(area.dir, idle)), { code: 'ENOENT' })
  assert.ok((await stat(join(area.dir, busy))).isDirectory(), 'the taken one stays for its commit')
})

test('what a server that died left is removed when the next one starts; a running one’s is kept', async (t) => {
  const h = await startHarness(t)
  const dead = join(h.home, 'staging', '0123456789abcdef')
  await mkdir(join(dead, 'aaaa', 'files'), { recursive: true })
  await writeFile(join(dead, 'aaaa', 'files', 'left.txt'), 'left behind')
  const running = h.staging.dir
  const next = await StagingArea.open(h.home)
  t.after(() => next.close())
  await assert.rejects(stat(dead), { code: 'ENOENT' })
  assert.ok((await stat(running)).isDirectory(), 'the running server’s folder is kept')
  await next.close()
  await assert.rejects(stat(next.dir), { code: 'ENOENT' })
})

test('an upload cut off halfway leaves nothing behind, and the staging takes the next file', async (t) => {
  const h = await startHarness(t)
  const cookie = await openSession(h)
  const id = await createStaging(h, cookie)
  const dir = join(h.staging.dir, id)
  const request = httpRequest({
    host: '127.0.0.1',
    port: h.serve.port,
    method: 'PUT',
    path: stagedFileRoute(id, 'cut.bin'),
    headers: { host: h.host, ...own(h, cookie), 'content-length': 1_000_000 },
    setHost: false,
  })
  request.on('error', () => undefined)
  request.write(Buffer.alloc(64 * 1024))
  await until(async () => (await filesUnder(dir)).length === 1, 'the part to be written')
  request.destroy()
  await until(async () => (await filesUnder(dir)).length === 0, 'the part to be removed')
  const next = await raw(h, {
    method: 'PUT',
    path: stagedFileRoute(id, 'next.txt'),
    headers: own(h, cookie),
    body: 'n',
  })
  assert.equal(next.status, 200)
  assert.deepEqual(
    (await h.staging.take(id)).files.map((f) => f.path),
    ['next.txt'],
  )
})

/** Polls `condition` until it holds or 5 s pass. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
