/**
 * Child process of case 4 (watch-idle.ts). `pail`: a SyncService watching one pair of the
 * bench's Pail home, as `pail sync --watch` runs it (its session from the stored sign-in, the
 * default poll and quiet period); it prints `{"watching":true}` once the folder's watcher is ready
 * and one JSON line per pass. `chokidar`: a bare chokidar watcher on the same folder with the
 * options Pail gives it, the reference. Both stop on SIGTERM.
 */
import { watch } from 'chokidar'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { JsonSettingsStore } from '../../main/core/settings/settings-store.js'
import { FolderWatcher } from '../../main/core/sync/local/folder-watcher.js'
import { IgnoreRules } from '../../main/core/sync/local/ignore-rules.js'
import { PairStore } from '../../main/core/sync/pairs/pair-store.js'
import type { SyncPair } from '../../main/core/sync/pairs/sync-pair.js'
import { SyncService } from '../../main/core/sync/service/sync-service.js'
import { pailAuthService } from './pail-home.js'

const { PAIL_BENCH_MODE: mode, PAIL_BENCH_HOME: home, PAIL_BENCH_PAIR: pairId, PAIL_BENCH_FOLDER: folder } = process.env
const say = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`)
const stop = new AbortController()
process.once('SIGTERM', () => stop.abort())

if (mode === 'chokidar') {
  if (!folder) throw new Error('missing PAIL_BENCH_FOLDER')
  const watcher = watch(folder, { ignoreInitial: true, followSymlinks: false })
  await new Promise<void>((ready) => watcher.once('ready', ready))
  say({ watching: true })
  await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }))
  await watcher.close()
} else {
  const { PAIL_BENCH_WEB_URL: webUrl, PAIL_BENCH_API_URL: apiUrl } = process.env
  if (!home || !pairId || !webUrl || !apiUrl) throw new Error('missing PAIL_BENCH_* environment')
  const session = await pailAuthService(home, { webUrl, apiUrl }).session()
  if (!session) throw new Error(`no signed-in account in ${home}`)
  /** Only the benchmark's pair: the home holds the other benchmarks' pairs too. */
  class OnePair extends PairStore {
    override async list(): Promise<SyncPair[]> {
      return (await super.list()).filter((p) => p.id === pairId)
    }
  }
  const service = new SyncService({
    home,
    pairs: new OnePair(new JsonSettingsStore(home), home),
    history: new HistoryStore(home),
    session,
    runner: 'the watch benchmark',
    // As SyncService's own, plus the line that says the watcher is ready.
    startWatcher: async (pair, onFlush) => {
      const watcher = await FolderWatcher.start({
        root: pair.folder,
        rules: await IgnoreRules.load(pair.folder),
        onFlush,
      })
      say({ watching: true })
      return watcher
    },
  })
  await service.watch(stop.signal, (result) =>
    say({ pass: result.outcome?.status ?? 'error', error: result.error ? String(result.error) : null }),
  )
}
