/**
 * Watches one pair's folder with chokidar and turns its events into flushes of "where to look"
 * (DESIGN.md §4: events only say where to look; the scan and the index decide what changed).
 *
 * Ignored paths are filtered with the same IgnoreRules the scanner uses and links are not followed.
 * Files still being written are not waited for here: every write is an event, so the tracker's
 * quiet period already waits until they stop, and a pass never takes a file that changes while
 * it is read (FileChangedError) nor trusts a timestamp too recent to tell (the racy-timestamp
 * rule). chokidar's `awaitWriteFinish` (2 s of stable size, polled) came on top of the quiet
 * period and made every save wait both; it stays an option. When a `.pailignore` changes,
 * the rules are re-read, chokidar is restarted (it decides at discovery time which folders to
 * enter, so a folder un-ignored now would otherwise never be watched) and a rescan is requested.
 */
import type { Stats } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import { watch, type FSWatcher } from 'chokidar'
import pLimit from 'p-limit'
import { silentLogger, type Logger } from '../../log/logger.js'
import { DirectoryTreeWatch } from './directory-watch.js'
import { DirtyTracker, type DirtyTrackerOptions, type FlushRequest } from './dirty-tracker.js'
import { IgnoreRules } from './ignore-rules.js'

/** Options for FolderWatcher.start. */
export interface FolderWatcherOptions {
  root: string
  /** The folder's rules, shared with the scanner (which loads nested `.pailignore` files into it). */
  rules: IgnoreRules
  onFlush: (request: FlushRequest) => void
  /** Debounce timing (see DirtyTracker). */
  tracker?: Partial<Omit<DirtyTrackerOptions, 'logger'>>
  /** How long a file's size must hold still before its event counts, on top of the quiet period (default: not waited for). */
  awaitWriteFinish?: { stabilityThreshold: number; pollInterval: number }
  /** Poll instead of using OS events (network shares that send none). */
  usePolling?: boolean
  logger?: Logger
}

/** A running watcher of one folder. */
export class FolderWatcher {
  private watcher: FSWatcher | DirectoryTreeWatch | null = null
  private readonly tracker: DirtyTracker
  private readonly logger: Logger
  private closed = false
  /** Rules reloads and restarts run one at a time, in order. */
  private readonly queue = pLimit(1)

  private constructor(
    private readonly options: FolderWatcherOptions,
    private readonly root: string,
  ) {
    this.logger = options.logger ?? silentLogger
    this.tracker = new DirtyTracker(options.onFlush, { ...options.tracker, logger: this.logger })
  }

  /** Starts watching; resolves once chokidar has read the folder and is ready to report changes. */
  static async start(options: FolderWatcherOptions): Promise<FolderWatcher> {
    // The real path: chokidar, not following links, would see a root that is a link as a file.
    const root = await realpath(options.root).catch(() => resolve(options.root))
    const watcher = new FolderWatcher(options, root)
    watcher.watcher = await watcher.open()
    return watcher
  }

  /** Hands over whatever is pending now instead of after the quiet period (SyncService.syncNow). */
  flushNow(): void {
    this.tracker.flush()
  }

  /** Stops watching and drops pending paths (the next start's full scan finds them again). */
  async close(): Promise<void> {
    this.closed = true
    this.tracker.dispose()
    // Let a reload under way finish (it may open a watcher), then close whatever is open.
    await this.queue(() => undefined)
    await this.watcher?.close()
    this.watcher = null
  }

  /**
   * On Linux, one inotify watch per folder (directory-watch.ts: chokidar also watches every file,
   * 650 MiB for 100,000 files); chokidar elsewhere, and for polling or write-finish waits.
   */
  private async open(): Promise<FSWatcher | DirectoryTreeWatch> {
    if (process.platform === 'linux' && !this.options.usePolling && !this.options.awaitWriteFinish)
      return DirectoryTreeWatch.start(this.root, {
        ignored: (path, isDirectory) => {
          const rel = this.relative(path)
          return rel !== null && rel !== '' && this.options.rules.isIgnored(rel, isDirectory)
        },
        onEvent: (path) => this.onEvent(path),
        onError: (error) => {
          this.logger.warn('watch.error', { root: this.root, error: error.message })
          this.tracker.rescan()
        },
      })
    const watcher = watch(this.root, {
      ignoreInitial: true,
      followSymlinks: false,
      awaitWriteFinish: this.options.awaitWriteFinish ?? false,
      usePolling: this.options.usePolling ?? false,
      ignored: (path: string, stats?: Stats) => {
        const rel = this.relative(path)
        // Without stats chokidar does not yet know the kind; it asks again with stats before
        // entering a folder, so folder-only rules ("build/") still keep it out.
        return rel !== null && rel !== '' && this.options.rules.isIgnored(rel, stats?.isDirectory() ?? false)
      },
    })
    watcher.on('all', (_event, path) => this.onEvent(path))
    watcher.on('error', (error) => {
      // Events may have been lost (e.g. the OS watch limit): look at everything to be sure.
      this.logger.warn('watch.error', { root: this.root, error: (error as Error).message })
      this.tracker.rescan()
    })
    await new Promise<void>((ready) => watcher.once('ready', ready))
    return watcher
  }

  private onEvent(path: string): void {
    if (this.closed) return
    const rel = this.relative(path)
    if (rel === null) return
    if (rel === '') return this.tracker.rescan()
    if (IgnoreRules.isRulesFile(rel)) {
      this.enqueue(() => this.rulesChanged(rel))
      return
    }
    // chokidar leaves ignored paths out itself; the folder watch reports every name.
    if (this.options.rules.isIgnored(rel, false)) return
    this.tracker.add(rel)
  }

  private async rulesChanged(rulesFile: string): Promise<void> {
    const slash = rulesFile.lastIndexOf('/')
    const changed = await this.options.rules.refresh(slash < 0 ? '' : rulesFile.slice(0, slash))
    // The rules file is synced like any file; a rescan looks at it and at what its rules now cover.
    if (!changed) {
      this.tracker.add(rulesFile)
      return
    }
    if (this.closed) return
    // Start the new watcher before closing the old one, so no event falls in between.
    const old = this.watcher
    this.watcher = await this.open()
    await old?.close()
    this.tracker.rescan()
  }

  private enqueue(task: () => Promise<void>): void {
    void this.queue(task).catch((error: unknown) => {
      this.logger.error('watch.rules-reload-failed', { root: this.root, error: (error as Error).message })
      this.tracker.rescan()
    })
  }

  /** The '/'-separated path relative to the folder, or null for a path outside it. */
  private relative(path: string): string | null {
    const rel = relative(this.root, path)
    if (rel === '') return ''
    if (rel === '..' || rel.startsWith(`..${sep}`)) return null
    return sep === '/' ? rel : rel.split(sep).join('/')
  }
}
