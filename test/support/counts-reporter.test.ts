/**
 * The counts reporter is run the way `npm test` runs it, on fixture test files in a child process,
 * and its totals are checked against the leaves the fixtures hold.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const reporter = fileURLToPath(new URL('./counts-reporter.mjs', import.meta.url))

// Leaves: 4 pass (leaf, two children and a grandchild), 3 fail (a leaf, a child, a parent's own
// failure), 4 skipped (skip, todo, t.skip(), a skipped child). The parents around them count
// nothing unless they failed on their own.
const pailFixture = `
import { test } from 'node:test'
test('leaf', () => {})
test('parent', async (t) => {
  await t.test('child', () => {})
  await t.test('middle', async (t) => { await t.test('grandchild', () => {}) })
})
test('fails', () => { throw new Error('expected by the fixture') })
test('parent of a failing child', async (t) => { await t.test('failing child', () => { throw new Error('expected') }) })
test('parent failing on its own', async (t) => {
  await t.test('passing child', () => {})
  throw new Error('expected by the fixture')
})
test('skipped', { skip: 'fixture' }, () => {})
test('todo', { todo: 'fixture' }, () => {})
test('skipped at run time', (t) => t.skip('fixture'))
test('parent of a skipped child', async (t) => { await t.test('skipped child', { skip: true }, () => {}) })
`

// Leaves: 3 pass (two in nested suites, one under a failing hook), 1 fail (the suite whose after hook
// throws), 2 skipped (a skipped suite counts once, a todo); the empty suite is no test.
const emulatorFixture = `
import { after, describe, it } from 'node:test'
describe('suite', () => {
  it('one', () => {})
  describe('inner', () => { it('two', () => {}) })
})
describe('after hook fails', () => {
  after(() => { throw new Error('expected by the fixture') })
  it('three', () => {})
})
describe.skip('skipped suite', () => { it('never runs', () => {}) })
describe('empty', () => {})
it.todo('todo')
`

test('the counts reporter counts leaf tests only, splits Pail from the emulator and ends with the totals', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pail-counts-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'test', 'emulator'), { recursive: true })
  await writeFile(join(dir, 'test', 'pail.test.mjs'), pailFixture)
  await writeFile(join(dir, 'test', 'emulator', 'emulator.test.mjs'), emulatorFixture)

  // This file itself runs under `node --test`, which marks its children with NODE_TEST_CONTEXT;
  // the fixture run must be a test runner of its own, not a child reporting to this one.
  const env = { ...process.env }
  delete env.NODE_TEST_CONTEXT
  const run = promisify(execFile)(
    process.execPath,
    ['--test', `--test-reporter=${reporter}`, 'test/pail.test.mjs', 'test/emulator/emulator.test.mjs'],
    { cwd: dir, env },
  )
  // The fixtures fail on purpose, so the run exits 1; its output is what is checked.
  const { stdout, code } = await run.then(
    (done) => ({ ...done, code: 0 }),
    (error: { stdout: string; code: number }) => error,
  )
  assert.equal(code, 1, 'the fixture run has failures, so it must exit 1')
  assert.deepEqual(stdout.trim().split('\n').slice(-2), [
    'Pail: 4 passed, 3 failed, 4 skipped · emulator: 3 passed, 1 failed, 2 skipped',
    '7 passed, 4 failed, 6 skipped',
  ])
})
