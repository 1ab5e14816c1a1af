/**
 * A PairSyncer pass in a process of its own, as a launch of Pail is, and as git's peers run:
 * nothing of the index is in memory (it is read and parsed from disk), and the emulator in the
 * bench process has the other core to itself, as Bitbucket would. Used by case 1 (the burst's
 * pass) and case 3 (the cold start, the warm starts and the floor walks). pass-in-new-process.ts runs it.
 *
 * `pail`: one pass of the bench's pair, with its session from the stored sign-in; prints
 * `{"ms":…,"status":…,"uploaded":…,"deleted":…,"downloaded":…}`, timed from the pass's start
 * (process start and module loading, which `tsx` inflates, are left out). `floor`: the least any
 * Node program does to tell that nothing changed, a plain synchronous walk (readdir of every
 * folder, lstat of every file); prints `{"ms":…,"files":…,"threads":1}`. `floor-threads`: the
 * same walk shared among as many threads as the machine has cores, as git shares its stats.
 */
import { readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { JsonSettingsStore } from '../../main/core/settings/settings-store.js'
import { PairStore } from '../../main/core/sync/pairs/pair-store.js'
import { PairSyncer } from '../../main/core/sync/pass/pair-syncer.js'
import { pailAuthService } from './pail-home.js'

const { PAIL_BENCH_MODE: mode, PAIL_BENCH_HOME: home, PAIL_BENCH_PAIR: pairId, PAIL_BENCH_FOLDER: folder } = process.env
const say = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`)

const FLOOR_WALK = new URL('./floor-walk.mjs', import.meta.url)
// Imported by address, so untyped: its one export, as floor-walk.mjs defines it.
const { walk } = (await import(FLOOR_WALK.href)) as { walk: (dir: string) => number }

/**
 * The same walk shared among threads, as git shares its stats among threads: each walks some of
 * the folder's top-level entries (floor-walk.mjs, without tsx: their start is counted, and it
 * should be Node's own).
 */
async function walkInThreads(root: string, threads: number): Promise<number> {
  const names = readdirSync(root)
  const shares = Array.from({ length: threads }, (_, i) => names.filter((_, j) => j % threads === i))
  const counts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(FLOOR_WALK, { execArgv: [], workerData: { floorWalk: true, root, names: share } })
          worker.once('message', resolve)
          worker.once('error', reject)
        }),
    ),
  )
  return counts.reduce((a, b) => a + b, 0)
}

if (mode === 'floor' || mode === 'floor-threads') {
  if (!folder) throw new Error('missing PAIL_BENCH_FOLDER')
  const threads = availableParallelism()
  const started = performance.now()
  const files = mode === 'floor' ? walk(folder) : await walkInThreads(folder, threads)
  say({ ms: performance.now() - started, files, threads: mode === 'floor' ? 1 : threads })
} else {
  const { PAIL_BENCH_WEB_URL: webUrl, PAIL_BENCH_API_URL: apiUrl } = process.env
  if (!home || !pairId || !webUrl || !apiUrl) throw new Error('missing PAIL_BENCH_* environment')
  const session = await pailAuthService(home, { webUrl, apiUrl }).session()
  if (!session) throw new Error(`no signed-in account in ${home}`)
  const pair = (await new PairStore(new JsonSettingsStore(home), home).list()).find((p) => p.id === pairId)
  if (!pair) throw new Error(`no pair ${pairId} in ${home}`)
  const history = new HistoryStore(home)
  const started = performance.now()
  const outcome = await new PairSyncer(pair, {
    session,
    history,
    stateDir: join(home, 'pairs', pair.id),
    device: 'bench',
  }).syncOnce()
  const ms = performance.now() - started
  const committed = outcome.status === 'committed'
  say({
    ms,
    status: outcome.status,
    uploaded: committed ? outcome.uploaded : 0,
    deleted: committed ? outcome.deleted : 0,
    downloaded: 'downloaded' in outcome ? outcome.downloaded : null,
  })
}
