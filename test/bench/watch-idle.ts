/**
 * Case 4 of issue #11: a Pail process watching a synced folder of many files (100,000 at full
 * size) while nothing happens. The process is a SyncService in a child (watch-idle-child.ts, as
 * `pail sync --watch` runs it: chokidar on the folder, the branch polled every 60 s); once its
 * watcher is ready and its first pass has found nothing to do, its CPU time and resident memory
 * are read from /proc/<pid>/stat and /proc/<pid>/status over the idle window. The peer is a bare
 * chokidar watcher on the same folder in the same kind of child (Node, tsx): what Pail watched
 * with before its one-watch-per-folder watcher on Linux (directory-watch.ts), and still does on
 * other systems. Targets: idle CPU < 1 %, RSS < 200 MB. Linux only (/proc).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { formatValue, target, type Section } from './report.js'
import { pairFolder, syncedFolders, writeManyFiles, type BenchPair } from './many-files.js'
import type { BenchContext } from './support.js'
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'

const CHILD = fileURLToPath(new URL('./watch-idle-child.ts', import.meta.url))
const MAX_CPU_PERCENT = 1
const MAX_RSS_BYTES = 200 * 1000 * 1000
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100
/** How long to wait for the child to be watching (and done with its first pass). */
const START_DEADLINE_MS = 15 * 60 * 1000

/** CPU seconds (user + system) a process used so far, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ
}

/** VmRSS and VmHWM (peak) of a process in bytes, from /proc/<pid>/status. */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kib('VmRSS'), peak: kib('VmHWM') }
}

interface Idle {
  cpuPercent: number
  rssBytes: number
  maxRssBytes: number
  startMs: number
  passes: string[]
}

/**
 * Starts a child, waits until it is watching (and, for Pail, its first pass ended), lets it
 * settle for `settleSeconds`, then samples it for `seconds`.
 */
async function idleChild(
  env: Record<string, string>,
  seconds: number,
  waitForPass: boolean,
  settleSeconds = 0,
): Promise<Idle> {
  const started = performance.now()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
  const passes: string[] = []
  let watching = false
  let buffered = ''
  child.stdout!.on('data', (c: Buffer) => {
    buffered += c.toString('utf8')
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, nl)) as { watching?: boolean; pass?: string; error?: string | null }
      buffered = buffered.slice(nl + 1)
      if (line.watching) watching = true
      if (line.pass) passes.push(line.error ? `${line.pass}: ${line.error}` : line.pass)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  try {
    const pid = child.pid!
    const deadline = performance.now() + START_DEADLINE_MS
    while (!(watching && (!waitForPass || passes.length > 0))) {
      if (child.exitCode !== null) throw new Error(`the watching child exited ${child.exitCode}: ${stderr.trim()}`)
      if (performance.now() > deadline) throw new Error('the watching child did not get ready in time')
      await new Promise((r) => setTimeout(r, 100))
    }
    if (passes.some((p) => p !== 'up-to-date'))
      throw new Error(`the first pass should find nothing to do: ${passes.join(', ')}`)
    const startMs = performance.now() - started
    // Idle is after the poll cadence has slowed down: a start counts as activity (pair-scheduler.ts).
    await new Promise((r) => setTimeout(r, settleSeconds * 1000))
    const cpu0 = await cpuSeconds(pid)
    const t0 = performance.now()
    let maxRss = 0
    let rss = 0
    for (let s = 0; s < seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000))
      rss = (await memory(pid)).rss
      maxRss = Math.max(maxRss, rss)
    }
    const cpuPercent = (((await cpuSeconds(pid)) - cpu0) / ((performance.now() - t0) / 1000)) * 100
    return { cpuPercent, rssBytes: rss, maxRssBytes: maxRss, startMs, passes }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

/** The folder case 3 synced with `count` files, or one synced here. */
async function syncedFolder(ctx: BenchContext, count: number): Promise<BenchPair> {
  const known = syncedFolders.get(count)
  if (known) return known
  const folder = join(ctx.root, `watch-idle-${count}`)
  await mkdir(folder)
  await writeManyFiles([folder], count)
  const paired = await pairFolder(ctx, folder, `bench-watch-${count}`)
  const first = await paired.syncOnce()
  if (first.status !== 'committed') throw new Error(`watch: the first sync did not commit: ${JSON.stringify(first)}`)
  syncedFolders.set(count, paired)
  return paired
}

/**
 * Runs case 4 on `count` files for `seconds` of idle, after `settleSeconds` for Pail's poll
 * cadence to reach its idle pace, and returns its section of the table.
 */
export async function watchIdleBench(
  ctx: BenchContext,
  count: number,
  seconds: number,
  settleSeconds = 0,
): Promise<Section> {
  const paired = await syncedFolder(ctx, count)
  const pail = await idleChild(
    {
      PAIL_BENCH_MODE: 'pail',
      PAIL_BENCH_HOME: ctx.home,
      PAIL_BENCH_PAIR: paired.pair.id,
      PAIL_BENCH_WEB_URL: ctx.info.webUrl,
      PAIL_BENCH_API_URL: ctx.info.apiUrl,
    },
    seconds,
    true,
    settleSeconds,
  )
  const chokidar = await idleChild({ PAIL_BENCH_MODE: 'chokidar', PAIL_BENCH_FOLDER: paired.folder }, seconds, false)
  const n = count.toLocaleString('en-US')
  const percent = (p: number): string => `${p.toFixed(2)} %`
  return {
    title: `4. Watching ${n} files, idle for ${seconds} s`,
    peers: ['bare chokidar'],
    rows: [
      {
        label: `CPU time used in the ${seconds} s idle window`,
        unit: 'ms',
        pail: pail.cpuPercent * seconds * 10,
        peers: [chokidar.cpuPercent * seconds * 10],
      },
      { label: 'RSS at the end', unit: 'bytes', pail: pail.rssBytes, peers: [chokidar.rssBytes] },
      { label: 'RSS, highest sample', unit: 'bytes', pail: pail.maxRssBytes, peers: [chokidar.maxRssBytes] },
      {
        label: 'start → watching (Pail: and first pass done)',
        unit: 'ms',
        pail: pail.startMs,
        peers: [chokidar.startMs],
      },
    ],
    targets: [
      target(
        `idle CPU < ${MAX_CPU_PERCENT} %`,
        pail.cpuPercent < MAX_CPU_PERCENT,
        `${percent(pail.cpuPercent)} (bare chokidar ${percent(chokidar.cpuPercent)})`,
      ),
      target(
        `RSS < ${MAX_RSS_BYTES / 1e6} MB`,
        pail.maxRssBytes < MAX_RSS_BYTES,
        `${(pail.maxRssBytes / 1e6).toFixed(0)} MB highest (bare chokidar ${(chokidar.maxRssBytes / 1e6).toFixed(0)} MB)`,
      ),
    ],
    notes: [
      `Pail: a SyncService in a child process (Node + tsx), watching the pair (one inotify watch per folder) and polling the branch at the default cadence (every 15 s for 3 min after a start or a change here, then 30 s, then 60 s), measured after ${settleSeconds} s of settling; passes: ${pail.passes.join(', ')}.`,
      `CPU from /proc/<pid>/stat (utime + stime) over ${seconds} s once the child was ready and had settled; RSS sampled each second in that window from /proc/<pid>/status. Both children load tsx, which is part of both figures.`,
    ],
    summary: `watching ${n} files: ${percent(pail.cpuPercent)} CPU, ${formatValue(pail.maxRssBytes, 'bytes')} RSS idle`,
  }
}
