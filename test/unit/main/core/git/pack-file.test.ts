/**
 * PackFile against packs real git writes: every object's id and content as git has them, through
 * both kinds of delta (offset and ref) and chains of them, a blob past the one-call limit streamed,
 * and a damaged or cut-off pack refused.
 */
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, symlink, writeFile, chmod, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { promisify } from 'node:util'
import { GitObjectError } from '../../../../../main/core/git/git-objects.js'
import { applyDelta, PackFile } from '../../../../../main/core/git/pack-file.js'

const run = promisify(execFile)
const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 })).stdout
}

/** `git pack-objects` of every object in the repository, to `out`. */
function packAll(cwd: string, out: string, offsetDeltas: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const lister = spawn('sh', ['-c', 'git rev-list --objects --all | cut -d" " -f1'], { cwd, env: ENV })
    const packer = spawn(
      'sh',
      ['-c', `git pack-objects --stdout --window=50 ${offsetDeltas ? '--delta-base-offset' : ''} > "${out}"`],
      { cwd, env: ENV },
    )
    lister.stdout.pipe(packer.stdin)
    packer.on('error', reject)
    packer.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pack-objects exited ${code}`))))
  })
}

/** A repository with history that git deltifies: one text file edited in many commits, and more. */
async function repository(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-pack-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await git(dir, 'init', '--quiet', '-b', 'main')
  await git(dir, 'config', 'user.email', 'sam@example.com')
  await git(dir, 'config', 'user.name', 'Sam')
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} of the handbook, with words enough to deltify`)
  await mkdir(join(dir, 'docs'))
  for (let n = 0; n < 6; n++) {
    lines[n * 300] = `edited in commit ${n}`
    await writeFile(join(dir, 'docs', 'handbook.txt'), lines.join('\n'))
    await writeFile(join(dir, `note-${n}.txt`), `note ${n}\n`)
    await git(dir, 'add', '-A')
    await git(dir, 'commit', '--quiet', '-m', `commit ${n}`)
  }
  await writeFile(join(dir, 'large.bin'), randomBytes(5 * 1024 * 1024 + 17))
  await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho hi\n')
  await chmod(join(dir, 'run.sh'), 0o755)
  await symlink('docs/handbook.txt', join(dir, 'link'))
  await writeFile(join(dir, 'empty'), '')
  await git(dir, 'add', '-A')
  await git(dir, 'commit', '--quiet', '-m', 'large, executable, link, empty')
  return dir
}

/** Every object git has: id → type. */
async function objectsOf(dir: string): Promise<Map<string, string>> {
  const listed = await git(dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)')
  return new Map(
    listed
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  )
}

for (const offsetDeltas of [true, false]) {
  test(`every object of a real pack, ${offsetDeltas ? 'offset' : 'ref'} deltas: the id and content git has`, async (t) => {
    const dir = await repository(t)
    const path = join(dir, 'all.pack')
    await packAll(dir, path, offsetDeltas)
    // The pack really holds deltas of the kind named (verify-pack lists a base for each delta).
    await git(dir, 'index-pack', path)
    const verified = await git(dir, 'verify-pack', '-v', path)
    const deltas = verified.split('\n').filter((l) => /^[0-9a-f]{40} \w+ +\d+ \d+ \d+ \d+ [0-9a-f]{40}/.test(l))
    assert.ok(deltas.length >= 5, `the pack has deltas (${deltas.length})`)
    const pack = await PackFile.open(path)
    t.after(() => pack.close())
    const expected = await objectsOf(dir)
    assert.deepEqual(new Set(pack.objects.keys()), new Set(expected.keys()))
    for (const [oid, type] of expected) {
      const { type: read, content } = await pack.read(oid)
      assert.equal(read, type, `type of ${oid}`)
      const want = (
        await run('git', ['cat-file', type, oid], { cwd: dir, env: ENV, encoding: 'buffer', maxBuffer: 64 << 20 })
      ).stdout
      assert.ok(content.equals(want), `content of ${type} ${oid}`)
    }
  })
}

test('a blob past the one-call limit is streamed in chunks, whole and exact', async (t) => {
  const dir = await repository(t)
  const path = join(dir, 'all.pack')
  await packAll(dir, path, true)
  const pack = await PackFile.open(path)
  t.after(() => pack.close())
  const oid = (await git(dir, 'rev-parse', 'HEAD:large.bin')).trim()
  const chunks: Buffer[] = []
  await pack.streamBlob(oid, async (chunk) => void chunks.push(chunk))
  assert.ok(chunks.length > 1, 'more than one chunk')
  assert.ok(Buffer.concat(chunks).equals(await readFile(join(dir, 'large.bin'))))
  assert.equal(pack.objects.get(oid)?.size, 5 * 1024 * 1024 + 17)
})

test('a damaged or cut-off pack is refused, not read', async (t) => {
  const dir = await repository(t)
  const path = join(dir, 'all.pack')
  await packAll(dir, path, true)
  const bytes = await readFile(path)
  const flipped = Buffer.from(bytes)
  flipped[Math.floor(bytes.length / 3)]! ^= 0xff
  for (const [name, damaged] of [
    ['a flipped byte', flipped],
    ['cut short', bytes.subarray(0, bytes.length - 1000)],
    ['not a pack', Buffer.from('<html>proxy says no</html>'.padEnd(64))],
  ] as const) {
    await writeFile(path, damaged)
    await assert.rejects(PackFile.open(path), GitObjectError, name)
  }
})

test('a delta that does not fit its base, or copies from outside it, is refused', () => {
  const base = Buffer.from('hello world')
  // source size 11, target size 5, copy offset 0 size 5
  assert.equal(applyDelta(base, Buffer.from([11, 5, 0x91, 0, 5])).toString(), 'hello')
  assert.throws(() => applyDelta(base, Buffer.from([12, 5, 0x91, 0, 5])), GitObjectError)
  assert.throws(() => applyDelta(base, Buffer.from([11, 5, 0x91, 9, 5])), GitObjectError)
  assert.throws(() => applyDelta(base, Buffer.from([11, 6, 0x91, 0, 5])), GitObjectError)
})
