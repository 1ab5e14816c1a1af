/**
 * Case 3 of issue #11: a folder of many small files (100,000 in 2,000 folders at full size).
 * Cold start: Pail's first sync of the folder into an empty repository, in a new process (scan,
 * hash, the first commits), next to git's `add -A`, `commit` and `push` over smart HTTP to the
 * same emulator. Warm start, nothing changed: a PairSyncer pass in a new process (pass-child.ts;
 * what every Pail start does: read and parse the index, ask for the branch tip, scan the folder
 * against the index, find nothing to do), next to `git status`, and beside them the same pass in
 * this process (the index already in memory, as in a running Pail) and the floor of any Node
 * program (a plain walk: readdir and lstat of everything), in one thread and shared among one
 * thread per core as git shares its stats. Targets: cold ≤ 1.0× git, warm ≤ 1.0× git status.
 * Both branches are checked file by file. The folder stays for case 4 (many-files.ts).
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { formatRatio, formatValue, perItem, target, type Section } from './report.js'
import { foldersFor, pairFolder, syncedFolders, writeManyFiles } from './many-files.js'
import { passInNewProcess, runPassChild } from './pass-in-new-process.js'
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
  // In a process of its own, as git's add, commit and push are: the emulator keeps this one.
  const cold = await passInNewProcess(ctx, ctx.home, paired.pair.id)
  const coldEmulatorMs = ctx.emulatorMs() - emulatorBefore
  const coldRequests = requestsSince(ctx, mark)
  if (cold.status !== 'committed' || cold.uploaded !== count)
    throw new Error(`Pail, cold start: expected ${count} files uploaded, got ${JSON.stringify(cold)}`)
  await assertTree(paired.repo.gitDir, expected, 'Pail, cold start')

  // Pail, warm: nothing changed since. A launch (a new process), then a pass of a running Pail.
  const launches: number[] = []
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await passInNewProcess(ctx, ctx.home, paired.pair.id)
    if (run.status !== 'up-to-date' || run.downloaded !== 0)
      throw new Error(`Pail, warm start: expected nothing to do, got ${JSON.stringify(run)}`)
    launches.push(run.ms)
  }
  const warm: number[] = []
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await timed(() => paired.syncOnce())
    if (run.value.status !== 'up-to-date' || run.value.downloaded !== 0)
      throw new Error(`Pail, warm pass in this process: expected nothing to do, got ${JSON.stringify(run.value)}`)
    warm.push(run.ms)
  }
  /** The plain walk in a new process, WARM_RUNS times: in one thread (`floor`) or in one per core (`floor-threads`). */
  const walks = async (mode: 'floor' | 'floor-threads'): Promise<{ ms: number[]; threads: number }> => {
    const ms: number[] = []
    let threads = 1
    for (let i = 0; i < WARM_RUNS; i++) {
      const run = await runPassChild<{ ms: number; files: number; threads: number }>({
        PAIL_BENCH_MODE: mode,
        PAIL_BENCH_FOLDER: folder,
      })
      // The files written, and the README.md the new repository brought down.
      if (run.files !== count + 1)
        throw new Error(`the plain walk (${mode}) found ${run.files} files, not ${count + 1}`)
      ms.push(run.ms)
      threads = run.threads
    }
    return { ms, threads }
  }
  const floors = (await walks('floor')).ms
  const threaded = await walks('floor-threads')

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

  const launchMs = median(launches)
  const warmMs = median(warm)
  const floorMs = median(floors)
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
        label: `warm start, nothing changed: a new process (git: status), median of ${WARM_RUNS}`,
        unit: 'ms',
        pail: launchMs,
        peers: [statusMs],
      },
      { label: '  the same pass in a running Pail (index in memory)', unit: 'ms', pail: warmMs, peers: [statusMs] },
      { label: '  floor: plain Node readdir + lstat of every file', unit: 'ms', pail: floorMs, peers: [statusMs] },
      {
        label: `  the same walk shared among ${threaded.threads} threads`,
        unit: 'ms',
        pail: median(threaded.ms),
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
        launchMs <= statusMs,
        `${formatValue(launchMs, 'ms')} vs ${formatValue(statusMs, 'ms')}, ${formatRatio(launchMs, statusMs)} (${perItem(launchMs, count, 'file')} vs ${perItem(statusMs, count, 'file')}; Node's floor alone ${formatRatio(floorMs, statusMs)}, in ${threaded.threads} threads ${formatRatio(median(threaded.ms), statusMs)})`,
      ),
    ],
    notes: [
      `Pail, cold: one PairSyncer pass in a new process, timed from its start (${coldRequests.described}). Warm, a new process each time, timed from the pass's start (reading and parsing the index from disk, the branch tip, the walk): ${launches.map((ms) => formatValue(ms, 'ms')).join(', ')}; in this process: ${warm.map((ms) => formatValue(ms, 'ms')).join(', ')}; the plain walk: ${floors.map((ms) => formatValue(ms, 'ms')).join(', ')}; in ${threaded.threads} threads (each walks some of the top-level folders; their start counted): ${threaded.ms.map((ms) => formatValue(ms, 'ms')).join(', ')}.`,
      `git: ${steps}; status runs ${statuses.map((s) => formatValue(s.ms, 'ms')).join(', ')} (a whole process, threads for lstat: core.preloadIndex). All in this machine's page cache.`,
      'Both branches checked: every file is there with its blob sha, nothing else was added.',
    ],
    summary: `${n} files: cold ${formatValue(cold.ms, 'ms')} (git ${formatValue(gitCold.ms, 'ms')}), warm ${formatValue(launchMs, 'ms')} (git status ${formatValue(statusMs, 'ms')})`,
  }
}
