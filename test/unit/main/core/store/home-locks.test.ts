import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { HomeLocks, LockHeldError } from '../../../../../main/core/store/home-locks.js'

const worker = fileURLToPath(new URL('./fixtures/lock-worker.ts', import.meta.url))

async function home(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-locks-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes(text)) resolve()
    })
    child.once('exit', () => reject(new Error(`the worker exited before printing "${text}"`)))
  })
}

test('three processes incrementing one file under the lock lose no increment', async (t) => {
  const dir = await home(t)
  const children = [1, 2, 3].map(() => start(['count', dir, '25']))
  const codes = await Promise.all(children.map(exited))
  assert.deepEqual(codes, [0, 0, 0])
  assert.equal(await readFile(join(dir, 'counter'), 'utf8'), '75')
})

test('sections of one process run one at a time, in order', async (t) => {
  const locks = new HomeLocks(await home(t))
  const events: string[] = []
  await Promise.all(
    [1, 2, 3].map((n) =>
      locks.withLock('settings', async () => {
        events.push(`start ${n}`)
        await new Promise((resolve) => setImmediate(resolve))
        events.push(`end ${n}`)
      }),
    ),
  )
  assert.deepEqual(events, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'])
})

test('a held lock refuses a second holder at once and says who holds it; a dead holder’s lock is taken over at once', async (t) => {
  const dir = await home(t)
  // Every process of a home judges staleness alike; short here, so the takeover comes soon.
  const holder = start(['hold', dir, '-', '2000'])
  t.after(() => holder.kill('SIGKILL'))
  await printed(holder, 'held')
  const locks = new HomeLocks(dir, undefined, 2000)
  const refused = await locks
    .hold('sync', { pid: process.pid, what: 'the test', startedAt: Date.now() })
    .catch((e: unknown) => e)
  assert.ok(refused instanceof LockHeldError, String(refused))
  assert.equal(refused.owner?.pid, holder.pid)
  assert.match(refused.message, new RegExp(`a test worker \\(process ${holder.pid}, since `))
  holder.kill('SIGKILL')
  await exited(holder)
  // No waiting for the lock to go stale: its owner card names a process that no longer runs.
  const slow = new HomeLocks(dir, undefined, 60_000)
  const held = await slow.hold('sync', { pid: process.pid, what: 'the test', startedAt: Date.now() })
  await held.release()
})
