/**
 * Benchmark 1: one large file (1 GiB of random bytes by default), one commit. Pail uploads it
 * with createCommit from a child process whose peak RSS the kernel records; the peer is
 * `git add`, `git commit` and `git push` over smart HTTP to the same emulator, under GNU time.
 * Both results are checked: the branch must hold the file with the blob sha `git hash-object`
 * gives it.
 */
import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { link, mkdir, open, rm, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SentFile } from '../../main/core/bitbucket/src-commit.js'
import { scrub } from '../emulator/git/git-cli.js'
import { formatRatio, formatValue, type Section } from './report.js'
import {
  assertTree,
  bareRev,
  createRepo,
  gitHashObject,
  requestsSince,
  timedGit,
  timedGitSteps,
  type BenchContext,
} from './support.js'

const MiB = 1024 * 1024
const CHILD = fileURLToPath(new URL('./large-file-child.ts', import.meta.url))

interface ChildReport {
  commit: string
  sent: SentFile[]
  baselineRssBytes: number
  maxRssBytes: number
  ms: number
}

/** Writes `bytes` of fresh random content in 8 MiB chunks (never more than one chunk in memory). */
async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(8 * MiB)
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < bytes;) {
      const n = Math.min(chunk.length, bytes - written)
      randomFillSync(chunk, 0, n)
      await handle.write(chunk, 0, n)
      written += n
    }
  } finally {
    await handle.close()
  }
}

/** Fails before writing anything when the disk cannot hold the file, both repositories and git's clone. */
async function assertRoom(dir: string, bytes: number): Promise<void> {
  const fs = await statfs(dir)
  const free = fs.bavail * fs.bsize
  const needed = bytes * 4 + 512 * MiB
  if (free < needed)
    throw new Error(
      `large file: ${formatValue(needed, 'bytes')} of free disk needed under ${dir}, ${formatValue(free, 'bytes')} free (PAIL_BENCH_LARGE_MB shrinks the file)`,
    )
}

/** Runs the child process and returns its report; a failure carries its (scrubbed) stderr. */
function runChild(ctx: BenchContext, env: Record<string, string>): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', reject)
    child.on('close', (code) => {
      const stderr = scrub(Buffer.concat(err).toString('utf8'), ctx.server.issuedSecrets).trim()
      if (code !== 0) return reject(new Error(`Pail's upload process exited ${code}: ${stderr}`))
      const last = Buffer.concat(out).toString('utf8').trim().split('\n').at(-1) ?? ''
      try {
        resolve(JSON.parse(last) as ChildReport)
      } catch {
        reject(new Error(`Pail's upload process printed no report: ${stderr}`))
      }
    })
  })
}

/** Runs benchmark 1 with a file of `bytes` and returns its section of the table. */
export async function largeFileBench(ctx: BenchContext, bytes: number): Promise<Section> {
  const dir = join(ctx.root, 'large')
  await mkdir(dir)
  await assertRoom(dir, bytes)
  const file = join(dir, 'large.bin')
  try {
    await writeRandomFile(file, bytes)
    const expected = await gitHashObject(file)
    const expectedTree = new Map([['large.bin', expected]])

    // Pail: one POST /src from a second Pail process.
    const pailRepo = await createRepo(ctx, 'bench-large-pail')
    const pailMark = ctx.server.requestLog.length
    const pail = await runChild(ctx, {
      PAIL_BENCH_HOME: ctx.home,
      PAIL_BENCH_WEB_URL: ctx.info.webUrl,
      PAIL_BENCH_API_URL: ctx.info.apiUrl,
      PAIL_BENCH_FILE: file,
      PAIL_BENCH_REPOSITORY: pailRepo.slug,
      PAIL_BENCH_PARENT: pailRepo.tip,
    })
    const pailRequests = requestsSince(ctx, pailMark)
    const sent = pail.sent[0]
    if (pail.sent.length !== 1 || sent?.sha !== expected || sent.size !== bytes)
      throw new Error(
        `Pail: createCommit reports ${JSON.stringify(pail.sent)}, expected large.bin ${expected} (${bytes} bytes)`,
      )
    if ((await bareRev(pailRepo.gitDir, 'main')) !== pail.commit)
      throw new Error(`Pail: main is not at the commit createCommit reported (${pail.commit})`)
    await assertTree(pailRepo.gitDir, expectedTree, 'Pail')

    // Peer: git add, commit and push over smart HTTP. The clone is set-up, not measured.
    const token = await ctx.session.tokens.token()
    const gitRepo = await createRepo(ctx, 'bench-large-git')
    const clone = join(dir, 'clone')
    await timedGit(['clone', '--quiet', gitRepo.cloneUrl, clone], { cwd: dir, token })
    // A hard link: git reads the very bytes Pail read, without another 1 GiB on disk.
    await link(file, join(clone, 'large.bin'))
    const gitMark = ctx.server.requestLog.length
    const peer = await timedGitSteps(
      [
        ['add', 'large.bin'],
        ['commit', '--quiet', '-m', 'Add large.bin'],
        ['push', '--quiet', 'origin', 'main'],
      ],
      { cwd: clone, token },
    )
    const gitRequests = requestsSince(ctx, gitMark)
    await assertTree(gitRepo.gitDir, expectedTree, 'git push')

    const growth = pail.maxRssBytes - pail.baselineRssBytes
    const mbps = (ms: number): string => `${Math.round(bytes / MiB / (ms / 1000))} MiB/s`
    return {
      title: `1. Large file: ${formatValue(bytes, 'bytes')} of random bytes, one commit`,
      peers: ['git push'],
      rows: [
        { label: 'wall time', unit: 'ms', pail: pail.ms, peers: [peer.ms] },
        { label: 'peak RSS', unit: 'bytes', pail: pail.maxRssBytes, peers: [peer.maxRssBytes] },
        { label: 'RSS growth over idle baseline', unit: 'bytes', pail: growth, peers: [null] },
        { label: 'HTTP requests', unit: 'count', pail: pailRequests.all, peers: [gitRequests.all] },
      ],
      targets: [],
      notes: [
        `Pail: createCommit in its own process (${mbps(pail.ms)}), hashing while it streams; idle baseline ${formatValue(pail.baselineRssBytes, 'bytes')} (Node, tsx, Pail's modules, a session).`,
        `git: ${peer.steps.map((s) => `${s.name} ${formatValue(s.ms, 'ms')} / ${formatValue(s.maxRssBytes, 'bytes')}`).join(', ')} (${mbps(peer.ms)}); a step's peak RSS is the largest of git and the processes it waited for (remote-http, pack-objects), file pages it maps included.`,
        `Both branches checked: large.bin is blob ${expected.slice(0, 12)}…, as git hash-object gives it.`,
      ],
      summary: `${formatValue(bytes, 'bytes')} upload: Pail peak RSS ${formatValue(pail.maxRssBytes, 'bytes')} (+${formatValue(growth, 'bytes')}) vs git ${formatValue(peer.maxRssBytes, 'bytes')}, time ${formatRatio(pail.ms, peer.ms)} git's`,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
