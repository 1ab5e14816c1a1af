import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { runCli } from '../../../../main/cli/pail.js'

const version = (
  JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) })
  return { code, out, err }
}

test('pail version prints the package version', async () => {
  const result = await run('version')
  assert.equal(result.code, 0)
  assert.equal(result.out, `pail ${version}\n`)
})

test('an unknown command exits 2 with one plain sentence', async () => {
  const result = await run('frobnicate')
  assert.equal(result.code, 2)
  assert.match(result.err, /"frobnicate" is not a pail command/)
})

test('npx pail runs the CLI from the project root', () => {
  const root = new URL('../../../../', import.meta.url).pathname
  const result = spawnSync('npx', ['--no-install', 'pail', '--version'], { cwd: root, encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  assert.equal(result.stdout, `pail ${version}\n`)
})
