/**
 * The support helper's check that out/ is the current sources' build: a test that runs `pail`
 * against a missing or stale build fails with a sentence saying so, instead of testing old code.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { BUILD_OUTPUTS, BUILD_SOURCES, buildProblem } from '../support/pail-cli.js'

const HOUR = 3600

/** A checkout with every source file at `sourceTime` and, unless `built` is false, every output at `outputTime`. */
async function checkout(t: TestContext, sourceTime: number, outputTime: number, built = true): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'pail-freshness-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const sources = BUILD_SOURCES.map((path) => (path.includes('.') ? path : join(path, 'deep', 'file.ts')))
  for (const [files, time] of [
    [sources, sourceTime],
    [built ? BUILD_OUTPUTS : [], outputTime],
  ] as const) {
    for (const file of files) {
      await mkdir(dirname(join(root, file)), { recursive: true })
      await writeFile(join(root, file), '')
      await utimes(join(root, file), time, time)
    }
  }
  return root
}

const now = Math.floor(Date.now() / 1000)

test('a build newer than every source is current', async (t) => {
  assert.equal(await buildProblem(await checkout(t, now - HOUR, now)), null)
})

test('a missing build is named, with what to run', async (t) => {
  const problem = await buildProblem(await checkout(t, now - HOUR, now, false))
  assert.equal(problem, `Pail is not built (${BUILD_OUTPUTS.join(', ')} missing): run \`npm run build\`.`)
})

test('a source changed after the build makes it stale, and the sentence names the file', async (t) => {
  const root = await checkout(t, now - HOUR, now)
  await utimes(join(root, 'shared', 'deep', 'file.ts'), now + 60, now + 60)
  assert.equal(
    await buildProblem(root),
    'The build in out/ is older than the sources (shared/deep/file.ts changed since): run `npm run build`.',
  )
})

test('one output older than the sources is enough to make the build stale', async (t) => {
  const root = await checkout(t, now - HOUR, now)
  await utimes(join(root, 'out', 'main', 'cli.js'), now - 2 * HOUR, now - 2 * HOUR)
  assert.match(
    (await buildProblem(root)) ?? '',
    /^The build in out\/ is older than the sources \(.* and 4 more changed since\)/,
  )
})
