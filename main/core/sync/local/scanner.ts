/**
 * What a folder holds now (DESIGN.md §4): every file and link Pail would sync, by relative path.
 * Paths are '/'-separated and spelled exactly as the filesystem returns them (no Unicode
 * normalisation), so a name in NFC or NFD round-trips to Bitbucket unchanged.
 *
 * A scan never lets "could not look" read as "gone" (peer-apps.md §2: Syncthing's and Nextcloud's
 * mass deletes): a missing or unmounted folder is reported as such, and a folder that cannot be
 * listed or a file that cannot be stat'ed is in `skipped`, which the change set never turns into
 * a deletion. A file that can be stat'ed but not read stays an entry: whether it can be read
 * matters only when it must be hashed, and the change set reports it as skipped then (checking
 * every file here would double the system calls of a scan, measured ~2x on 20,000 files).
 *
 * Names Bitbucket cannot take — a line break in them, or bytes that are not UTF-8 (Linux allows
 * any; `readdir` turns them into U+FFFD, and the file would then look missing) — are skipped with
 * their reason, never read as deleted. Pail's own home is never entered nor listed, however the
 * walk reaches it (read-guard.ts): a root that is, or lies in, the home is refused as a whole.
 */
import { lstat as lstatCallback, lstatSync, type Dirent, type Stats } from 'node:fs'
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { join, sep } from 'node:path'
import pLimit, { type LimitFunction } from 'p-limit'
import { isUploadableName } from '../../../../shared/bitbucket/names.js'
import { isExecutableMode } from '../../fs/file-mode.js'
import { processReadGuard, type ReadGuard } from '../../fs/read-guard.js'
import { SyncWhileFast } from '../../fs/sync-while-fast.js'
import { IgnoreRules, RULES_FILE } from './ignore-rules.js'
import { skippedPath, type SkippedPath } from './skipped.js'
import type { LocalEntry } from '../types.js'

/**
 * Whether the folder itself could be looked at. Anything but 'ok' means "do not sync";
 * 'pail-home': the folder, links resolved, is Pail's own home or lies inside it.
 */
export type RootStatus = 'ok' | 'missing' | 'not-a-directory' | 'unreadable' | 'pail-home'

/** The outcome of a scan. */
export interface ScanResult {
  /** The folder, as given. */
  root: string
  rootStatus: RootStatus
  /** Files and links to sync, by relative path. Empty unless rootStatus is 'ok'. */
  entries: Map<string, LocalEntry>
  skipped: SkippedPath[]
  /**
   * Absent for a scan of the whole folder. For a scan of some paths (scanPaths): the paths that
   * were looked at; only index entries at or under them may be compared with this scan.
   */
  scope?: string[]
}

/** Options for a scan. */
export interface ScanOptions {
  /** Shared with the watcher so that both agree; nested `.pailignore` files are (re)read into it. */
  rules?: IgnoreRules
  /** How many filesystem calls run at once. */
  concurrency?: number
  /** Folders never entered (Pail's home); the process's guard when absent. */
  guard?: ReadGuard
}

const DEFAULT_CONCURRENCY = 16
/** Files of one folder stat'ed as one batch (one slot of the concurrency limit). */
const STAT_BATCH = 128
/** A batch of synchronous lstat calls slower than this (a network drive) sends the rest of the scan through the thread pool. */
const SYNC_BATCH_MS = 10
const GONE = new Set(['ENOENT', 'ENOTDIR'])
/** What readdir puts in place of bytes that are not UTF-8. */
const REPLACEMENT = '\uFFFD'
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
// macOS and Windows filesystems usually ignore case: a real path may differ from the walk's in case only.
const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32'

/** Scans the whole folder, skipping ignored paths (ignored folders are not entered). */
export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const guard = options.guard ?? (await processReadGuard())
  const start = await openRoot(root, guard)
  if (start.status !== 'ok') return emptyResult(root, start.status)
  const walker = new Walker(root, start.realRoot, guard, options)
  await walker.walk('')
  return walker.finish(undefined)
}

/**
 * Scans only the given paths (from watcher events): each one that exists is stat'ed, and each
 * folder among them is walked. A path is matched to the name its parent folder lists, also when
 * the two differ only in Unicode normalisation (macOS's file events may spell a name differently
 * from its folder listing), so the entry keeps the folder's own spelling.
 */
export async function scanPaths(root: string, paths: Iterable<string>, options: ScanOptions = {}): Promise<ScanResult> {
  const wanted = [...new Set(paths)]
  if (wanted.includes('')) return scanFolder(root, options)
  const guard = options.guard ?? (await processReadGuard())
  const start = await openRoot(root, guard)
  if (start.status !== 'ok') return emptyResult(root, start.status)
  const walker = new Walker(root, start.realRoot, guard, options)
  const byParent = new Map<string, string[]>()
  for (const path of wanted) {
    const parent = parentOf(path)
    byParent.set(parent, [...(byParent.get(parent) ?? []), path])
  }
  const scope = new Set<string>()
  await Promise.all([...byParent].map(([parent, names]) => walker.visitNamed(parent, names, scope)))
  return walker.finish([...scope])
}

async function openRoot(root: string, guard: ReadGuard): Promise<{ status: RootStatus; realRoot: string }> {
  try {
    const info = await stat(root)
    if (!info.isDirectory()) return { status: 'not-a-directory', realRoot: '' }
    const realRoot = await realpath(root)
    if (guard.covers(realRoot)) return { status: 'pail-home', realRoot: '' }
    return { status: 'ok', realRoot }
  } catch (error) {
    return { status: GONE.has(errorCode(error)) ? 'missing' : 'unreadable', realRoot: '' }
  }
}

function emptyResult(root: string, rootStatus: RootStatus): ScanResult {
  return { root, rootStatus, entries: new Map(), skipped: [] }
}

/** Walks folders, collecting entries and skipped paths. */
class Walker {
  private readonly entries = new Map<string, LocalEntry>()
  private readonly skipped: SkippedPath[] = []
  private readonly rules: IgnoreRules
  private readonly limit: LimitFunction
  private rootUnreadable = false
  /** Whether plain files are stat'ed synchronously (see lstatEachNow); off for the rest of the scan once batches were slow (sync-while-fast.ts). */
  private readonly statNow = new SyncWhileFast(SYNC_BATCH_MS, Infinity)

  constructor(
    private readonly root: string,
    private readonly realRoot: string,
    private readonly guard: ReadGuard,
    options: ScanOptions,
  ) {
    this.rules = options.rules ?? new IgnoreRules(root)
    this.limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY)
  }

  /** The result; the root is checked again, so a drive unplugged mid-scan reads as missing. */
  async finish(scope: string[] | undefined): Promise<ScanResult> {
    const after = await openRoot(this.root, this.guard)
    if (after.status !== 'ok') return emptyResult(this.root, after.status)
    if (this.rootUnreadable) return emptyResult(this.root, 'unreadable')
    const result: ScanResult = { root: this.root, rootStatus: 'ok', entries: this.entries, skipped: this.skipped }
    if (scope) result.scope = scope
    return result
  }

  /**
   * Walks one folder and everything under it. Its plain files, the bulk of any folder, are
   * stat'ed in batches (statFiles); folders, links and anything else go through visit.
   */
  async walk(dir: string): Promise<void> {
    const dirents = await this.list(dir)
    if (typeof dirents === 'string') return
    const base = this.absolute(dir)
    const files: string[] = []
    const absolutes: string[] = []
    const others: Promise<void>[] = []
    for (const dirent of dirents) {
      const path = join2(dir, dirent.name)
      if (!dirent.isFile()) others.push(this.visit(path, dirent))
      else if (!this.rules.isIgnored(path, false)) {
        files.push(path)
        absolutes.push(base.endsWith(sep) ? base + dirent.name : base + sep + dirent.name)
      }
    }
    const batches: Promise<void>[] = []
    for (let i = 0; i < files.length; i += STAT_BATCH)
      batches.push(this.statFiles(files.slice(i, i + STAT_BATCH), absolutes.slice(i, i + STAT_BATCH)))
    await Promise.all([...batches, ...others])
  }

  /**
   * The files of one folder that its listing called plain files, stat'ed together: at once after
   * a turn of the event loop (lstatEachNow), or on a slow filesystem one slot of the limit for
   * the batch (lstatEach). What is no longer a plain file is looked at again as what it is now,
   * as file() does.
   */
  private async statFiles(paths: string[], absolutes: string[]): Promise<void> {
    let results: (Stats | NodeJS.ErrnoException)[]
    if (this.statNow.on) {
      await nextTurn()
      results = this.statNow.time(() => lstatEachNow(absolutes))
    } else results = await this.limit(() => lstatEach(absolutes))
    const again: Promise<void>[] = []
    results.forEach((result, i) => {
      const path = paths[i]!
      if (result instanceof Error) {
        // Deleted between the listing and now: it is simply not there.
        if (!GONE.has(errorCode(result))) this.skipped.push(skippedPath(path, 'unreadable', errorCode(result)))
      } else if (result.isFile()) this.addFile(path, result)
      else again.push(this.replaced(path, result))
    })
    await Promise.all(again)
  }

  /** Looks at some names in one folder (scanPaths), adding what it looked at to `scope`. */
  async visitNamed(parent: string, paths: string[], scope: Set<string>): Promise<void> {
    if (parent !== '' && this.rules.isIgnored(parent, true)) return
    if (parent !== '' && this.guard.covers(join(this.realRoot, ...parent.split('/')))) {
      this.skipped.push(skippedPath(parent, 'pail-home'))
      return
    }
    const dirents = await this.list(parent)
    if (dirents === 'unreadable') return
    // By NFC spelling: one pass over the folder however many of its names are dirty.
    const byName = new Map<string, Dirent[]>()
    for (const dirent of dirents === 'gone' ? [] : dirents) {
      const key = dirent.name.normalize('NFC')
      byName.set(key, [...(byName.get(key) ?? []), dirent])
    }
    for (const path of paths) {
      const name = path.slice(parent === '' ? 0 : parent.length + 1)
      const matches = byName.get(name.normalize('NFC')) ?? []
      if (matches.length === 0) {
        // Nothing there any more: index entries at or under this path are compared (and deleted).
        if (!this.rules.isIgnored(path, false)) scope.add(path)
        continue
      }
      await Promise.all(
        matches.map((dirent) => {
          const real = join2(parent, dirent.name)
          if (this.rules.isIgnored(real, dirent.isDirectory())) return undefined
          scope.add(real)
          return this.visit(real, dirent)
        }),
      )
    }
  }

  /**
   * Lists a folder, refreshing its rules file first so its rules apply to what it holds. Names
   * Bitbucket cannot take are left out of the listing and recorded as skipped; a folder that is
   * no longer where the walk found it (a link swapped in) is not listed at all.
   */
  private async list(dir: string): Promise<Dirent[] | 'gone' | 'unreadable'> {
    let dirents: Dirent[]
    try {
      if (dir !== '' && !(await this.stillInPlace(dir))) return 'unreadable'
      dirents = await this.limit(() => readdir(this.absolute(dir), { withFileTypes: true }))
    } catch (error) {
      if (dir === '') {
        // finish() tells a folder that vanished from one that cannot be read.
        this.rootUnreadable = true
        return 'unreadable'
      }
      if (GONE.has(errorCode(error))) return 'gone'
      // Its contents are unknown: listing it as skipped keeps every indexed path below it.
      this.skipped.push(skippedPath(dir, 'unreadable', errorCode(error)))
      return 'unreadable'
    }
    if (dirents.some((d) => d.name === RULES_FILE) || this.rules.hasRulesFor(dir)) await this.rules.refresh(dir)
    return this.withoutBadNames(dir, dirents)
  }

  /**
   * Whether `dir` is still the folder the walk found (its real path is the root's plus its own
   * path). If a link was swapped in since its parent was listed, it is skipped: as Pail's home
   * when that is where it leads, else as changing (the next scan sees the link itself).
   */
  private async stillInPlace(dir: string): Promise<boolean> {
    const expected = join(this.realRoot, ...dir.split('/'))
    const real = await this.limit(() => realpath(this.absolute(dir)))
    if (real === expected || (caseInsensitive && real.toLowerCase() === expected.toLowerCase())) return true
    this.skipped.push(skippedPath(dir, this.guard.covers(real) ? 'pail-home' : 'changing'))
    return false
  }

  /**
   * The listing without the names Bitbucket cannot take, which are recorded as skipped (unless
   * ignored). Names that are not UTF-8 show as U+FFFD; only a folder with such a character in a
   * name is listed again as bytes, to tell them from names that really hold U+FFFD.
   */
  private async withoutBadNames(dir: string, dirents: Dirent[]): Promise<Dirent[]> {
    const notUtf8 = dirents.some((d) => d.name.includes(REPLACEMENT)) ? await this.namesNotUtf8(dir) : new Set<string>()
    if (notUtf8.size === 0 && dirents.every((d) => isUploadableName(d.name))) return dirents
    const kept: Dirent[] = []
    const reported = new Set<string>()
    for (const dirent of dirents) {
      const reason = notUtf8.has(dirent.name) ? 'not-utf8' : isUploadableName(dirent.name) ? null : 'bad-name'
      if (reason === null) {
        kept.push(dirent)
        continue
      }
      const path = join2(dir, dirent.name)
      if (reported.has(path) || this.rules.isIgnored(path, dirent.isDirectory())) continue
      reported.add(path)
      this.skipped.push(skippedPath(path, reason))
    }
    return kept
  }

  /** The names (as readdir spells them, with U+FFFD) of the entries of `dir` whose bytes are not UTF-8. */
  private async namesNotUtf8(dir: string): Promise<Set<string>> {
    const raw = await this.limit(() => readdir(this.absolute(dir), { encoding: 'buffer' })).catch(() => [])
    const bad = new Set<string>()
    for (const name of raw) {
      try {
        strictUtf8.decode(name)
      } catch {
        bad.add(name.toString('utf8'))
      }
    }
    return bad
  }

  private async visit(path: string, dirent: Dirent): Promise<void> {
    if (dirent.isDirectory()) return this.folder(path)

    if (this.rules.isIgnored(path, false)) return
    if (dirent.isSymbolicLink()) return this.link(path)
    if (dirent.isFile()) return this.file(path)
    this.skipped.push(skippedPath(path, 'special'))
  }

  /** A folder inside the root: walked unless ignored or Pail's home (whose contents stay unlisted). */
  private async folder(path: string): Promise<void> {
    if (this.rules.isIgnored(path, true)) return
    if (this.guard.covers(join(this.realRoot, ...path.split('/')))) {
      this.skipped.push(skippedPath(path, 'pail-home'))
      return
    }
    await this.walk(path)
  }

  private async file(path: string): Promise<void> {
    const absolute = this.absolute(path)
    try {
      const info = await this.limit(() => lstat(absolute))
      if (info.isFile()) this.addFile(path, info)
      else await this.replaced(path, info)
    } catch (error) {
      // Deleted between the listing and now: it is simply not there.
      if (!GONE.has(errorCode(error))) this.skipped.push(skippedPath(path, 'unreadable', errorCode(error)))
    }
  }

  private addFile(path: string, info: Stats): void {
    const mode = isExecutableMode(info.mode) ? 'executable' : 'file'
    this.entries.set(path, { path, size: info.size, mtimeMs: info.mtimeMs, mode })
  }

  /** Listed as a file, but something else by the time it was stat'ed: looked at as what it is now. */
  private async replaced(path: string, info: Stats): Promise<void> {
    if (info.isDirectory()) return this.folder(path)
    if (info.isSymbolicLink()) return this.link(path)
    this.skipped.push(skippedPath(path, 'special'))
  }

  /**
   * A link is synced as a link (git mode 120000, content = the target text, never followed) only
   * when its target resolves inside the folder; one pointing outside, or nowhere, would be broken
   * or meaningless on another computer, and following it could upload files from outside.
   */
  private async link(path: string): Promise<void> {
    const absolute = this.absolute(path)
    let target: string
    let mtimeMs: number
    try {
      const [text, info] = await this.limit(() => Promise.all([readlink(absolute), lstat(absolute)]))
      target = text
      mtimeMs = info.mtimeMs
    } catch (error) {
      if (!GONE.has(errorCode(error))) this.skipped.push(skippedPath(path, 'unreadable', errorCode(error)))
      return
    }
    let resolved: string
    try {
      resolved = await this.limit(() => realpath(absolute))
    } catch (error) {
      const code = errorCode(error)
      const dangling = GONE.has(code) || code === 'ELOOP'
      this.skipped.push(dangling ? skippedPath(path, 'link-dangling') : skippedPath(path, 'unreadable', code))
      return
    }
    if (
      resolved !== this.realRoot &&
      !resolved.startsWith(this.realRoot.endsWith(sep) ? this.realRoot : this.realRoot + sep)
    ) {
      this.skipped.push(skippedPath(path, 'link-outside'))
      return
    }
    this.entries.set(path, { path, size: Buffer.byteLength(target), mtimeMs, mode: 'link', linkTarget: target })
  }

  private absolute(path: string): string {
    return path === '' ? this.root : join(this.root, ...path.split('/'))
  }
}

/**
 * lstat of every path, at once, through the callback API (a callback per file rather than a
 * promise: the promise API's per-call cost and garbage were most of a scan's time).
 */
function lstatEach(paths: readonly string[]): Promise<(Stats | NodeJS.ErrnoException)[]> {
  return new Promise((resolve) => {
    const results: (Stats | NodeJS.ErrnoException)[] = new Array(paths.length)
    let left = paths.length
    if (left === 0) return resolve(results)
    paths.forEach((path, i) =>
      lstatCallback(path, (error, stats) => {
        results[i] = error ?? stats
        if (--left === 0) resolve(results)
      }),
    )
  })
}

/**
 * lstat of every path, synchronously; each result is the Stats or the error. On a local disk a
 * batch (STAT_BATCH files) takes well under a millisecond of the event loop, and the scan is
 * faster: measured on 100,000 files in 2,000 folders, 330–420 ms against ~1 s through the
 * callback API (the thread pool's hand-offs cost more than the calls).
 */
function lstatEachNow(paths: readonly string[]): (Stats | NodeJS.ErrnoException)[] {
  return paths.map((path) => {
    try {
      return lstatSync(path)
    } catch (error) {
      return error as NodeJS.ErrnoException
    }
  })
}

function join2(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error'
}
