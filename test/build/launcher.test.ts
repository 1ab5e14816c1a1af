/**
 * bin/pail.js, the `pail` command: it runs the built JavaScript with only the runtime dependencies
 * a packaged app has (no tsx, no sources), and without a build it says what to do.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { before, test, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { assertBuildIsCurrent, PAIL_BIN } from '../support/pail-cli.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

before(assertBuildIsCurrent)

async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pail-launcher-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function runPail(bin: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PAIL_HOME: dirname(bin) },
  })
}

test('pail runs from bin/ and out/ alone, with only the runtime dependencies installed', async (t) => {
  const app = await scratch(t)
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    version: string
    dependencies: Record<string, string>
  }
  await cp(join(ROOT, 'package.json'), join(app, 'package.json'))
  await cp(PAIL_BIN, join(app, 'bin', 'pail.js'), { recursive: true })
  await cp(join(ROOT, 'out'), join(app, 'out'), { recursive: true })
  // What electron-builder packs: the dependencies, not the development ones (tsx, vite, …).
  for (const name of Object.keys(manifest.dependencies)) {
    await mkdir(dirname(join(app, 'node_modules', name)), { recursive: true })
    await symlink(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir')
  }
  const version = runPail(join(app, 'bin', 'pail.js'), 'version')
  assert.equal(version.stderr, '')
  assert.equal(version.stdout.trim(), `pail ${manifest.version}`)
  const help = runPail(join(app, 'bin', 'pail.js'), 'help')
  assert.equal(help.status, 0, help.stderr)
  assert.match(help.stdout, /^Usage: pail <command>/)
})

test('without a build, pail says in one sentence to run npm run build', async (t) => {
  const app = await scratch(t)
  await cp(PAIL_BIN, join(app, 'bin', 'pail.js'))
  await writeFile(join(app, 'package.json'), JSON.stringify({ type: 'module' }))
  const run = runPail(join(app, 'bin', 'pail.js'), 'version')
  assert.equal(run.status, 1)
  assert.equal(run.stdout, '')
  assert.match(run.stderr, /^Pail is not built yet [^\n]*: run `npm run build` in [^\n]+\.\n$/)
})
