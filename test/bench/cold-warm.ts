/**
 * Case 3 of issue #11: a folder of many small files (100,000 in 2,000 folders at full size).
 * Cold start: Pail's first sync of the folder into an empty repository (scan, hash, the first
 * commits), next to git's `add -A`, `commit` and `push` over smart HTTP to the same emulator.
 * Warm start, nothing changed: a new PairSyncer pass (what every Pail start does: read the index,
 * ask for the branch tip, scan the folder against the index, find nothing to do), next to
 * `git status`. Targets: cold ≤ 1.0× git, warm ≤ 1.0× git status. Both branches are checked file
 * by file. The folder stays for case 4 (many-files.ts).
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { formatRatio, formatValue, perItem, target, type Section } from './report.js'
import { foldersFor, pairFolder, syncedFolders, writeManyFiles } from './many-files.js'
import {
  assertTree,
  createRepo,
  requestsSince,
  timedGit,
  timedGitSteps,
  type BenchContext,
  type Measured,
} from './support.js'

/** Warm starts are short and noisy: the median of this many. */
const WARM_RUNS = 5

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await work()
  return { ms: performance.now() - started, value }
}

/** Runs case 3 with `count` files and returns its section of the table. */
export async function coldWarmBench(ctx: BenchContext, count: number): Promise<Section> {
  const dir = join(ctx.root, `cold-warm-${count}`)
  const folder = join(dir, 'pail')
  const clone = join(dir, 'git')
  await mkdir(folder, { recursive: true })
  const gitRepo = await createRepo(ctx, `bench-cold-git-${count}`)
  const token = await ctx.session.tokens.token()
  await timedGit(['clone', '--quiet', gitRepo.cloneUrl, clone], { cwd: dir, token })
  // No automatic gc in the background after the commit: it would run beside the next measurements.
  await timedGit(['config', 'gc.auto', '0'], { cwd: clone, token: '' })
  await timedGit(['config', 'maintenance.auto', 'false'], { cwd: clone, token: '' })
  const expected = await writeManyFiles([folder, clone], count)
  const paired = await pairFolder(ctx, folder, `bench-cold-pail-${count}`)

  // Pail, cold: the first sync of a folder full of files (README.md comes down, everything goes up).
  const mark = ctx.server.requestLog.length
  const emulatorBefore = ctx.emulatorMs()
  const cold = await timed(() => paired.syncOnce())
  const coldEmulatorMs = ctx.emulatorMs() - emulatorBefore
  const coldRequests = requestsSince(ctx, mark)
  if (cold.value.status !== 'committed' || cold.value.uploaded !== count)
    throw new Error(`Pail, cold start: expected ${count} files uploaded, got ${JSON.stringify(cold.value)}`)
  await assertTree(paired.repo.gitDir, expected, 'Pail, cold start')

  // Pail, warm: nothing changed since.
  const warm: number[] = []
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await timed(() => paired.syncOnce())
    if (run.value.status !== 'up-to-date' || run.value.downloaded !== 0)
      throw new Error(`Pail, warm start: expected nothing to do, got ${JSON.stringify(run.value)}`)
    warm.push(run.ms)
  }

  // git, cold: add, commit, push of the same files into a clone of an equally new repository.
  const gitMark = ctx.server.requestLog.length
  const gitEmulatorBefore = ctx.emulatorMs()
  const gitCold = await timedGitSteps(
    [
      ['add', '-A'],
      ['commit', '--quiet', '-m', `Add ${count} files`],
      ['push', '--quiet', 'origin', 'main'],
    ],
    { cwd: clone, token },
  )
  const gitEmulatorMs = ctx.emulatorMs() - gitEmulatorBefore
  const gitRequests = requestsSince(ctx, gitMark)
  await assertTree(gitRepo.gitDir, expected, 'git push')
  const statuses: Measured[] = []
  for (let i = 0; i < WARM_RUNS; i++) {
    const status = await timedGit(['status', '--porcelain'], { cwd: clone, token: '' })
    if (status.stdout.trim() !== '') throw new Error('git status: the clone is not clean after the push')
    statuses.push(status)
  }
  await rm(clone, { recursive: true, force: true, maxRetries: 5 })
  syncedFolders.set(count, paired)

  const warmMs = median(warm)
  const statusMs = median(statuses.map((s) => s.ms))
  const n = count.toLocaleString('en-US')
  const steps = gitCold.steps.map((s) => `${s.name} ${formatValue(s.ms, 'ms')}`).join(', ')
  return {
    title: `3. Folder of ${n} small files (0.5–4 KiB) in ${foldersFor(count).toLocaleString('en-US')} folders`,
    peers: ['git'],
    rows: [
      { label: 'cold start (git: add + commit + push)', unit: 'ms', pail: cold.ms, peers: [gitCold.ms] },
      { label: '  of which in the emulator', unit: 'ms', pail: coldEmulatorMs, peers: [gitEmulatorMs] },
      {
        label: '  client side (wall − emulator)',
        unit: 'ms',
        pail: cold.ms - coldEmulatorMs,
        peers: [gitCold.ms - gitEmulatorMs],
      },
      { label: 'HTTP requests, cold', unit: 'count', pail: coldRequests.all, peers: [gitRequests.all] },
      {
        label: `warm start, nothing changed (git: status), median of ${WARM_RUNS}`,
        unit: 'ms',
        pail: warmMs,
        peers: [statusMs],
      },
    ],
    targets: [
      target(
        'cold start ≤ 1.0× git',
        cold.ms <= gitCold.ms,
        `${formatValue(cold.ms, 'ms')} vs ${formatValue(gitCold.ms, 'ms')}, ${formatRatio(cold.ms, gitCold.ms)}`,
      ),
      target(
        'warm start ≤ 1.0× git status',
        warmMs <= statusMs,
        `${formatValue(warmMs, 'ms')} vs ${formatValue(statusMs, 'ms')}, ${formatRatio(warmMs, statusMs)} (${perItem(warmMs, count, 'file')} vs ${perItem(statusMs, count, 'file')})`,
      ),
    ],
    notes: [
      `Pail, cold: one PairSyncer pass (${coldRequests.described}); warm: a new PairSyncer each time, reading the index from disk, runs ${warm.map((ms) => formatValue(ms, 'ms')).join(', ')}.`,
      `git: ${steps}; status runs ${statuses.map((s) => formatValue(s.ms, 'ms')).join(', ')}. Both run in this machine's page cache; git status is a process start, Pail's warm start a pass in the bench process.`,
      'Both branches checked: every file is there with its blob sha, nothing else was added.',
    ],
    summary: `${n} files: cold ${formatValue(cold.ms, 'ms')} (git ${formatValue(gitCold.ms, 'ms')}), warm ${formatValue(warmMs, 'ms')} (git status ${formatValue(statusMs, 'ms')})`,
  }
}
