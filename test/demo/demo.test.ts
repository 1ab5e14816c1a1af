/**
 * The newcomer's first command works: `npm run demo -- --once` syncs a fresh folder and says so.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'

test('npm run demo -- --once signs in, pairs a fresh folder, commits it and shows the history', async () => {
  const root = new URL('../../', import.meta.url).pathname
  const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', 'demo', '--', '--once'], {
    cwd: root,
    timeout: 120_000,
  })
  assert.match(stdout, /Signed in as Alex Staff\./)
  assert.match(stdout, /Paired .*My Team Folder with pail-demo\/handbook/)
  assert.match(stdout, /committed [0-9a-f]{12} \(1 uploaded, 0 deleted, 1 brought in\)/)
  assert.match(stdout, /committed {2}pail-demo\/handbook@main {2}\+ Welcome\.txt/)
  assert.doesNotMatch(stderr, /typed on the command line/, 'the demo passes no secret as an argument')
})
