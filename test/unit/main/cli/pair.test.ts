import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parseDuration } from '../../../../main/cli/commands/pair.js'
import { runCli } from '../../../../main/cli/pail.js'

test('pail pair add, list, pause --for, resume, remove; history starts empty', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'pail-cli-pair-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const folder = join(root, 'Team docs')
  await mkdir(folder)
  const env = { PAIL_HOME: join(root, 'home') }
  const run = async (...argv: string[]) => {
    let out = ''
    let err = ''
    const code = await runCli(argv, { out: (x) => (out += x), err: (x) => (err += x) }, env)
    return { code, out, err }
  }
  assert.match((await run('pair', 'list')).out, /No folders are paired yet/)
  const added = await run('pair', 'add', folder, '--repo', 'pail-demo/handbook', '--path', 'notes')
  assert.equal(added.code, 0, added.err)
  assert.match(added.out, /Paired .*Team docs with pail-demo\/handbook \(branch main, folder \/notes\)/)
  const [pair] = JSON.parse((await run('pair', 'list', '--json')).out) as { id: string }[]
  assert.match((await run('pair', 'pause', pair!.id, '--for', '2h')).out, /paused until/)
  assert.match((await run('pair', 'resume', folder)).out, /\(syncing\)/)
  const again = await run('pair', 'add', folder, '--repo', 'pail-demo/handbook')
  assert.equal(again.code, 1)
  assert.match(again.err, /overlaps the folder of another pair/)
  assert.match((await run('pair', 'remove', pair!.id)).out, /no longer synced\. Its files stay where they are/)
  assert.match((await run('history')).out, /Nothing has been uploaded yet/)
  assert.equal((await run('pair', 'add', folder)).code, 2)
})

test('durations read like people write them', () => {
  assert.equal(parseDuration('2h'), 7_200_000)
  assert.equal(parseDuration('30m'), 1_800_000)
  assert.equal(parseDuration('1d'), 86_400_000)
  assert.throws(() => parseDuration('soon'), /write it like 30m, 2h or 1d/)
})
