/**
 * The oracle can fail: each check is shown a schedule Pail gets right (no failure), then the same
 * schedule with the one thing that check guards broken on purpose after the run (a leftover
 * temporary file, a lost version, a deletion or overwrite Pail's way, a leaked marker or secret,
 * a write outside the folder, a commit missing from the history, a pass that can never succeed).
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { git } from '../emulator/git/git-store.js'
import type { CheckName } from './oracle.js'
import { runSchedule, type RunOptions, type ScheduleResult, type TamperContext } from './schedule-run.js'
import { startSoakEmulator, type SoakEmulator } from './soak-emulator.js'
import type { Step } from './steps.js'

let emu: SoakEmulator
before(async () => {
  emu = await startSoakEmulator()
})
after(() => emu.stop())

let next = 9000
const BASE: Step[] = [
  {
    op: 'remote-commit',
    files: { 'b.txt': { tag: 'o.1', size: 100 }, 'docs/c.txt': { tag: 'o.2', size: 50 } },
    deletions: [],
  },
  { op: 'write', path: 'a.txt', content: { tag: 'o.3', size: 80 } },
  { op: 'link', path: 'elsewhere', kind: 'outside-file' },
  { op: 'pass', confirmIfHeld: false },
  { op: 'write', path: 'docs/d.txt', content: { tag: 'o.4', size: 60 } },
  { op: 'pass', confirmIfHeld: false },
]

function run(tamper?: RunOptions['tamper'], steps: Step[] = BASE): Promise<ScheduleResult> {
  const index = next++
  return runSchedule(emu, { index, seed: index * 3 + 1, steps }, tamper ? { tamper } : {})
}

/** A commit on the schedule's branch the harness does not register: to the oracle it is Pail's. */
async function unregisteredCommit(
  ctx: TamperContext,
  files: Record<string, string>,
  deletions: string[] = [],
): Promise<void> {
  await emu.control('POST', '/commit', {
    workspace: ctx.remote.workspace,
    repository: ctx.remote.repository,
    branch: ctx.remote.branch,
    files,
    deletions,
  })
}

function failed(result: ScheduleResult, check: CheckName, pattern: RegExp): void {
  const failure = result.failures.find((f) => f.check === check)
  assert.ok(
    failure,
    `the ${check} check failed (failures: ${result.failures.map((f) => f.check).join(', ') || 'none'})`,
  )
  assert.match(failure.detail, pattern)
}

test('a schedule Pail gets right passes every check; the outside link is a reported skip', async () => {
  const result = await run()
  assert.deepEqual(result.failures, [])
  assert.equal(result.figures.commits, 2)
})

test('tree: a leftover .pail-*.tmp in the folder is a difference', async () => {
  const result = await run({
    beforeOracle: (ctx) => writeFile(join(ctx.places.folder, 'docs', '.pail-0123456789ab.tmp'), 'half a download'),
  })
  failed(result, 'tree', /"docs\/\.pail-0123456789ab\.tmp": folder file [0-9a-f]+, branch absent/)
})

test('versions: a version a pass saw, gone from the folder and the history, is lost', async () => {
  const result = await run({
    beforeOracle: async (ctx) => {
      await git(ctx.remote.gitDir, ['update-ref', `refs/heads/${ctx.remote.branch}`, ctx.remote.startCommit])
      await writeFile(join(ctx.places.folder, 'a.txt'), 'overwritten')
    },
  })
  failed(result, 'versions', /"a\.txt" version [0-9a-f]+ \(seen by the pass of step 4\)/)
})

test('deletions: a commit deleting a file the person never deleted', async () => {
  const result = await run({ beforeOracle: (ctx) => unregisteredCommit(ctx, {}, ['a.txt']) })
  failed(result, 'deletions', /deleted "a\.txt", which neither the person nor another user deleted/)
})

test("overwrite: a commit replacing another user's version that never reached the folder", async () => {
  const result = await run({
    beforeOracle: async (ctx) => {
      await ctx.remote.commitAsOther({ 'b.txt': 'their newer version\n' }, [])
      await unregisteredCommit(ctx, { 'b.txt': 'written over it\n' })
    },
  })
  failed(result, 'overwrite', /replaced "b\.txt": version [0-9a-f]+ never reached the folder/)
})

test('leak: the marker from outside the folder, or an issued secret, in any object', async () => {
  const marker = await run({ beforeOracle: (ctx) => unregisteredCommit(ctx, { 'x.txt': `${ctx.marker}\n` }) })
  failed(marker, 'leak', /blob [0-9a-f]+ holds the marker from outside the folder/)
  let leaked = ''
  const secret = await run({
    beforeOracle: (ctx) => {
      leaked = ctx.remote.consumer.secret
      return unregisteredCommit(ctx, { 'y.txt': `token: ${leaked}\n` })
    },
  })
  failed(secret, 'leak', /blob [0-9a-f]+ holds a secret the emulator issued/)
  assert.ok(!JSON.stringify(secret).includes(leaked), 'the report never shows the secret itself')
})

test('outside: a file written outside the folder', async () => {
  const result = await run({ beforeOracle: (ctx) => writeFile(join(ctx.places.outside, 'dir', 'new.txt'), 'x') })
  failed(result, 'outside', /outside the folder, "dir\/new\.txt" created/)
})

test("history: a commit on the branch that Pail's history does not list", async () => {
  const result = await run({ beforeOracle: (ctx) => unregisteredCommit(ctx, { 'z.txt': 'z\n' }) })
  failed(result, 'history', /commit [0-9a-f]+ on the branch has no committed entry in Pail's history/)
})

test('quiescence: passes that can never succeed', async () => {
  let id = 0
  const result = await run({
    beforeQuiescence: async (ctx) => {
      ;({ id } = await emu.control<{ id: number }>('POST', '/faults', {
        kind: 'status',
        status: 503,
        count: -1,
        consumer: ctx.remote.consumer.key,
      }))
    },
  })
  await emu.control('DELETE', `/faults/${id}`)
  failed(result, 'quiescence', /no two quiet passes in a row after 3 passes; the last: error: /)
})
