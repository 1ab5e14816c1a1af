/**
 * Case 1 of issue #11: a burst of small files (1,000 by default) appears in a synced folder. Pail
 * makes one PairSyncer pass (one commit); a naive client commits each file with its own
 * `POST /src` (in this process, through undici); git does `add`, `commit` and `push` over smart
 * HTTP. All three run against the same emulator with the same files, each into its own
 * repository, timed from the last write to the commit landed, and each branch is checked file by
 * file. Targets: ≤ 3 API requests, wall time ≤ 1.0× git push's.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createCommit } from '../../main/core/bitbucket/src-commit.js'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { JsonSettingsStore } from '../../main/core/settings/settings-store.js'
import { PairStore } from '../../main/core/sync/pairs/pair-store.js'
import { PairSyncer } from '../../main/core/sync/pass/pair-syncer.js'
import { passInNewProcess } from './pass-in-new-process.js'
import { formatRatio, formatValue, perItem, target, type Section } from './report.js'
import {
  assertTree,
  blobSha,
  commitCount,
  createRepo,
  requestsSince,
  timedGit,
  timedGitSteps,
  type BenchContext,
  type RequestCount,
} from './support.js'

/** One small file of the burst. */
interface SmallFile {
  path: string
  content: Buffer
}

/** What one contender did: wall time, of it the emulator's, requests and commits added to main. */
interface Outcome {
  ms: number
  emulatorMs: number
  requests: RequestCount
  commits: number
}

/** Runs `work`, timing it whole and the emulator's share of it. */
async function measure(
  ctx: BenchContext,
  work: () => Promise<unknown>,
): Promise<{ ms: number; emulatorMs: number; requests: RequestCount }> {
  const mark = ctx.server.requestLog.length
  const emulatorBefore = ctx.emulatorMs()
  const started = performance.now()
  await work()
  const ms = performance.now() - started
  return { ms, emulatorMs: ctx.emulatorMs() - emulatorBefore, requests: requestsSince(ctx, mark) }
}

/** `count` files of 0.5–4 KiB of random text under `burst/`, spread over ten folders. */
function makeFiles(count: number): SmallFile[] {
  return Array.from({ length: count }, (_, i) => {
    const size = 512 + Math.floor(Math.random() * 3584)
    const text = randomBytes(Math.ceil(size * 0.75))
      .toString('base64')
      .slice(0, size - 1)
    return { path: `burst/d${i % 10}/file-${String(i).padStart(4, '0')}.txt`, content: Buffer.from(`${text}\n`) }
  })
}

async function writeFiles(folder: string, files: readonly SmallFile[]): Promise<void> {
  for (let d = 0; d < 10; d++) await mkdir(join(folder, 'burst', `d${d}`), { recursive: true })
  for (let i = 0; i < files.length; i += 50)
    await Promise.all(files.slice(i, i + 50).map((f) => writeFile(join(folder, f.path), f.content)))
}

/** Pail: the folder is paired and synced once (README.md comes down), then the burst lands and one pass runs. */
async function pailPass(
  ctx: BenchContext,
  dir: string,
  files: readonly SmallFile[],
  expected: Map<string, string>,
): Promise<Outcome> {
  const repo = await createRepo(ctx, 'bench-burst-pail')
  const folder = join(dir, 'pail')
  await mkdir(folder)
  const pair = await new PairStore(new JsonSettingsStore(ctx.home), ctx.home).add({
    folder,
    workspace: 'pail-demo',
    repository: repo.slug,
    branch: 'main',
  })
  const first = await new PairSyncer(pair, {
    session: ctx.session,
    history: new HistoryStore(ctx.home),
    stateDir: join(ctx.home, 'pairs', pair.id),
    device: 'bench',
  }).syncOnce()
  if (first.status !== 'up-to-date' || first.downloaded !== 1)
    throw new Error(`Pail: the first sync should bring README.md down, got ${JSON.stringify(first)}`)
  await writeFiles(folder, files)
  const before = await commitCount(repo.gitDir)
  // The burst's pass runs in a process of its own, as Pail does beside Bitbucket (and git beside
  // the emulator): sharing this process's one thread with the emulator would time both as one.
  const mark = ctx.server.requestLog.length
  const emulatorBefore = ctx.emulatorMs()
  const outcome = await passInNewProcess(ctx, ctx.home, pair.id)
  const run = { ms: outcome.ms, emulatorMs: ctx.emulatorMs() - emulatorBefore, requests: requestsSince(ctx, mark) }
  if (outcome.status !== 'committed' || outcome.uploaded !== files.length || outcome.deleted !== 0)
    throw new Error(`Pail: expected one commit of ${files.length} files, got ${JSON.stringify(outcome)}`)
  await assertTree(repo.gitDir, expected, 'Pail')
  return { ...run, commits: (await commitCount(repo.gitDir)) - before }
}

/** A naive client: one `POST /src` per file, one after another, each on top of whatever the tip is. */
async function naivePass(
  ctx: BenchContext,
  dir: string,
  files: readonly SmallFile[],
  expected: Map<string, string>,
): Promise<Outcome> {
  const repo = await createRepo(ctx, 'bench-burst-naive')
  const folder = join(dir, 'naive')
  await writeFiles(folder, files)
  const before = await commitCount(repo.gitDir)
  const run = await measure(ctx, async () => {
    for (const file of files) {
      const upload = { repoPath: file.path, absolutePath: join(folder, file.path), mode: 'file' as const }
      await createCommit(ctx.session, {
        workspace: 'pail-demo',
        repository: repo.slug,
        branch: 'main',
        parents: null,
        message: `Add ${file.path}`,
        uploads: [upload],
        deletions: [],
      })
    }
  })
  await assertTree(repo.gitDir, expected, 'naive client')
  return { ...run, commits: (await commitCount(repo.gitDir)) - before }
}

/** git: a clone (set-up, not measured), the burst written into it, then add, commit, push. */
async function gitPass(
  ctx: BenchContext,
  dir: string,
  files: readonly SmallFile[],
  expected: Map<string, string>,
): Promise<Outcome & { steps: string }> {
  const repo = await createRepo(ctx, 'bench-burst-git')
  const token = await ctx.session.tokens.token()
  const clone = join(dir, 'git')
  await timedGit(['clone', '--quiet', repo.cloneUrl, clone], { cwd: dir, token })
  await writeFiles(clone, files)
  const before = await commitCount(repo.gitDir)
  let steps = ''
  const run = await measure(ctx, async () => {
    const timed = await timedGitSteps(
      [
        ['add', '-A'],
        ['commit', '--quiet', '-m', `Add ${files.length} files`],
        ['push', '--quiet', 'origin', 'main'],
      ],
      { cwd: clone, token },
    )
    steps = timed.steps.map((s) => `${s.name} ${formatValue(s.ms, 'ms')}`).join(', ')
  })
  await assertTree(repo.gitDir, expected, 'git push')
  return { ...run, commits: (await commitCount(repo.gitDir)) - before, steps }
}

/** The targets of issue #11 for the burst. */
const MAX_REQUESTS = 3
const MAX_TIME_VS_GIT = 1.0

/** Runs case 1 with `count` files and returns its section of the table. */
export async function burstBench(ctx: BenchContext, count: number): Promise<Section> {
  const dir = join(ctx.root, 'burst')
  await mkdir(dir)
  try {
    const files = makeFiles(count)
    const expected = new Map(files.map((f) => [f.path, blobSha(f.content)]))
    const pail = await pailPass(ctx, dir, files, expected)
    const naive = await naivePass(ctx, dir, files, expected)
    const git = await gitPass(ctx, dir, files, expected)
    const commits = { Pail: [pail.commits, 1], 'naive client': [naive.commits, count], 'git push': [git.commits, 1] }
    for (const [who, [made, meant]] of Object.entries(commits))
      if (made !== meant) throw new Error(`${who}: ${made} commits on main, expected ${meant}`)
    const n = count.toLocaleString('en-US')
    return {
      title: `1. Burst: ${n} small files (0.5–4 KiB) appear in the folder`,
      peers: ['naive 1 POST/file', 'git push'],
      rows: [
        { label: 'API requests', unit: 'count', pail: pail.requests.api, peers: [naive.requests.api, null] },
        {
          label: 'HTTP requests (API + git)',
          unit: 'count',
          pail: pail.requests.all,
          peers: [naive.requests.all, git.requests.all],
        },
        { label: 'last write → commit landed', unit: 'ms', pail: pail.ms, peers: [naive.ms, git.ms] },
        {
          label: '  of which in the emulator',
          unit: 'ms',
          pail: pail.emulatorMs,
          peers: [naive.emulatorMs, git.emulatorMs],
        },
        {
          label: '  client side (wall − emulator)',
          unit: 'ms',
          pail: pail.ms - pail.emulatorMs,
          peers: [naive.ms - naive.emulatorMs, git.ms - git.emulatorMs],
        },
        { label: 'commits created', unit: 'count', pail: pail.commits, peers: [naive.commits, git.commits] },
      ],
      targets: [
        // Judged on every request to Bitbucket, git's included (the branch check may go over git).
        target(
          `≤ ${MAX_REQUESTS} requests (API + git)`,
          pail.requests.all <= MAX_REQUESTS,
          `${pail.requests.all} (${pail.requests.described})`,
        ),
        target(
          `wall time ≤ ${MAX_TIME_VS_GIT.toFixed(1)}× git push`,
          pail.ms <= git.ms * MAX_TIME_VS_GIT,
          `${formatValue(pail.ms, 'ms')} vs ${formatValue(git.ms, 'ms')}, ${formatRatio(pail.ms, git.ms)} (client side ${formatValue(pail.ms - pail.emulatorMs, 'ms')} vs ${formatValue(git.ms - git.emulatorMs, 'ms')})`,
        ),
      ],
      notes: [
        `Pail: one PairSyncer pass in a new process (pass-child.ts), timed from the pass's start, ${perItem(pail.ms, count, 'file')}: ${pail.requests.described}.`,
        `naive: createCommit with one file, ${n} times in a row, ${perItem(naive.ms, count, 'file')}: ${naive.requests.described}.`,
        `git: ${git.steps} (the clone before is set-up, not counted): ${git.requests.described}.`,
        "The emulator writes each commit with four git processes (for-each-ref; one fast-import for blobs, trees and commit; update-ref with count-objects beside it), so a naive client's one commit per file costs it most; real Bitbucket costs differ.",
        `All three branches checked: every file is there with its blob sha, nothing else was added.`,
        `The emulator's hourly budget per OAuth consumer is off for the bench; on Bitbucket (1,000 requests an hour) the naive client's ${naive.requests.api.toLocaleString('en-US')} requests would ${naive.requests.api >= 1000 ? 'use up the whole hour' : `use ${Math.round(naive.requests.api / 10)} % of the hour`}.`,
      ],
      summary: `${n}-file burst: Pail ${pail.commits} commit in ${pail.requests.all} requests (${pail.requests.api} API) and ${formatValue(pail.ms, 'ms')} vs naive ${naive.commits.toLocaleString('en-US')} commits, ${naive.requests.api.toLocaleString('en-US')} requests, ${formatValue(naive.ms, 'ms')} (time ${formatRatio(pail.ms, naive.ms)}); git push ${formatValue(git.ms, 'ms')} (${formatRatio(pail.ms, git.ms)})`,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
