import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { temporaryNameFor, writeFileAtomic } from '../../../../../main/core/fs/atomic-write.js'

async function folder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-atomic-'))
  t.after(async () => {
    await chmod(dir, 0o700).catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  })
  return dir
}

test('a write replaces the file whole, creates its folder private, and leaves no temporary file', async (t) => {
  const dir = await folder(t)
  const file = join(dir, 'sub', 'settings.json')
  await writeFileAtomic(file, 'first')
  await writeFileAtomic(file, 'second')
  assert.equal(await readFile(file, 'utf8'), 'second')
  assert.deepEqual(await readdir(join(dir, 'sub')), ['settings.json'])
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  assert.equal((await stat(join(dir, 'sub'))).mode & 0o777, 0o700)
})

test('many writes of one file in the same millisecond never share a temporary file', async (t) => {
  const dir = await folder(t)
  const file = join(dir, 'status.json')
  const names = new Set(Array.from({ length: 200 }, () => temporaryNameFor(file)))
  assert.equal(names.size, 200)
  const values = Array.from({ length: 50 }, (_, i) => `value ${i}`)
  await Promise.all(values.map((v) => writeFileAtomic(file, v)))
  assert.ok(values.includes(await readFile(file, 'utf8')), 'the file holds one whole value')
  assert.deepEqual(await readdir(dir), ['status.json'])
})

test('a write that fails keeps the old content and removes its temporary file', async (t) => {
  if (process.getuid?.() === 0) {
    // root writes into read-only folders; make the rename fail instead: the target is a folder.
    const dir = await folder(t)
    const file = join(dir, 'accounts.json')
    await mkdir(file)
    await writeFile(join(file, 'keep'), 'x')
    await assert.rejects(writeFileAtomic(file, 'new'))
    assert.deepEqual(await readdir(dir), ['accounts.json'], 'no temporary file is left beside it')
    assert.deepEqual(await readdir(file), ['keep'])
    return
  }
  const dir = await folder(t)
  const file = join(dir, 'accounts.json')
  await writeFileAtomic(file, 'old')
  await chmod(dir, 0o500)
  await assert.rejects(writeFileAtomic(file, 'new'))
  await chmod(dir, 0o700)
  assert.equal(await readFile(file, 'utf8'), 'old')
  assert.deepEqual(await readdir(dir), ['accounts.json'])
})
