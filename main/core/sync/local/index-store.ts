/**
 * A pair's index (DESIGN.md §4): what was last synced and the commit it was synced to. It moves
 * only after a commit landed, and every change of it is on disk before the save returns.
 *
 * On disk it is a snapshot (`index.json`, replaced atomically: temporary file, fsync, rename)
 * and a journal beside it (`index.journal`, one JSON line per save, appended and fsynced). A save
 * appends what changed since the last save (the entries set, the paths removed, the base), so
 * recording a one-file commit writes one line, not the whole folder's index. Once the journal
 * outgrows a fraction of the snapshot, the next save writes a new snapshot instead and removes
 * the journal (compaction).
 *
 * Each snapshot has a random generation, and each journal line names the generation it follows.
 * Reading applies the lines of the snapshot's generation, in order, and leaves out lines of an
 * older one (left by a crash between a compaction's rename and the journal's removal: the new
 * snapshot already holds them). An unfinished last line (a crash mid-append) is the save that
 * did not happen; that save never returned, so the commit's journal (journal.ts) still names it
 * and the next start adopts the commit. Any irregularity makes the next save a compaction, so
 * nothing is ever appended after a torn line.
 *
 * A missing snapshot is a pair that never synced. Damage (a snapshot or a complete journal line
 * that is not valid JSON or not the schema, a journal without its snapshot) is an error, never
 * an empty index: an empty index would make every file look new, and, worse, an index that
 * silently lost entries would stop protecting the paths it no longer lists.
 */
import { randomBytes } from 'node:crypto'
import { rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import pLimit from 'p-limit'
import { appendFileDurably, syncFolder, writeFileAtomic } from '../../fs/atomic-write.js'
import {
  check,
  checked,
  FORMAT,
  IndexCorruptError,
  journalLineSchema,
  parseSnapshot,
  readText,
  type JournalLine,
} from './index-format.js'
import type { IndexEntry, PairIndex } from '../types.js'

/** The index of a pair that has never synced. */
export function emptyIndex(branch: string): PairIndex {
  return { version: 1, base: null, branch, files: {} }
}

/** Reads an index; a missing file is `emptyIndex(branch)`, a damaged one IndexCorruptError. */
export function loadIndex(file: string, branch: string): Promise<PairIndex> {
  return new IndexStore(file, branch).load()
}

/** Writes the whole index as a new snapshot (no journal), atomically. */
export function saveIndex(file: string, index: PairIndex): Promise<void> {
  return new IndexStore(file, index.branch).compact(index)
}

/** When a save writes a new snapshot rather than a journal line. */
export interface CompactionPolicy {
  /** The journal may grow to this fraction of the snapshot's size (default 0.25). */
  fraction: number
  /** …and in any case to this many bytes (default 64 KiB), so a small index is not rewritten at every save. */
  minBytes: number
}

const DEFAULT_POLICY: CompactionPolicy = { fraction: 0.25, minBytes: 64 * 1024 }

/**
 * What this store knows is on disk, as it last read or wrote it. Never changed in place (a save
 * makes a new one), so stores of the same file and the process's cache (lastRead) share it.
 */
interface OnDisk {
  generation: string
  base: string | null
  branch: string
  /** The entries on disk, frozen: a save writes those that differ from them. */
  entries: ReadonlyMap<string, IndexEntry>
  snapshotBytes: number
  /** Identity of the snapshot file, to notice another writer. */
  snapshotStamp: string
  journalBytes: number
}

/** What the last save wrote (for benchmarks and support). */
export interface SaveReport {
  kind: 'unchanged' | 'journal' | 'snapshot'
  bytes: number
}

/**
 * What each file held when this process last read or saved it, with the identity of the files
 * then. A watching process runs a pass at every change and branch poll, each with a new store:
 * while the files are as they were, a pass gets its index from this record instead of parsing
 * the whole folder's index again (measured on 100,000 files: ~0.4 s of CPU, and its garbage),
 * and a poll tells that nothing moved without reading the index at all (IndexStore.settled).
 * Entries are frozen and shared; each reader gets its own record of them.
 */
const lastRead = new Map<string, { key: string; disk: OnDisk }>()

/** One pair's index: snapshot plus journal, with saves run one at a time and in order. */
export class IndexStore {
  private readonly serial = pLimit(1)
  readonly journalFile: string
  /** null: unknown, or irregular (torn line, old lines, another writer): the next save compacts. */
  private disk: OnDisk | null = null
  private readonly policy: CompactionPolicy
  /** What the last save wrote. */
  lastSave: SaveReport | null = null

  constructor(
    readonly file: string,
    private readonly branch: string,
    policy: Partial<CompactionPolicy> = {},
  ) {
    this.journalFile = join(dirname(file), `${basename(file).replace(/\.json$/, '')}.journal`)
    this.policy = { ...DEFAULT_POLICY, ...policy }
  }

  /** The index as last saved: the snapshot with its journal applied. */
  load(): Promise<PairIndex> {
    return this.serial(() => this.read())
  }

  /** Saves after any save already under way: what changed as a journal line, or a new snapshot. */
  save(index: PairIndex): Promise<void> {
    return this.serial(() => this.write(index))
  }

  /** Writes a new snapshot of `index` and removes the journal. */
  compact(index: PairIndex): Promise<void> {
    return this.serial(() => this.writeSnapshot(checked(index)))
  }

  /**
   * The index's base and branch without reading it: known when this process last read or saved
   * the files and they are still as it left them (two stats), null otherwise (then `load`).
   */
  settled(): Promise<{ base: string | null; branch: string } | null> {
    return this.serial(async () => {
      const known = lastRead.get(this.file)
      if (!known || known.key !== (await this.filesKey())) return null
      return { base: known.disk.base, branch: known.disk.branch }
    })
  }

  private async read(): Promise<PairIndex> {
    this.disk = null
    const key = await this.filesKey()
    const known = key === null ? undefined : lastRead.get(this.file)
    if (known && known.key === key) {
      this.disk = known.disk
      // A Map copies faster than a record of 100,000 keys; the record is built once, here.
      return {
        version: 1,
        base: known.disk.base,
        branch: known.disk.branch,
        files: Object.fromEntries(known.disk.entries),
      }
    }
    lastRead.delete(this.file)
    const snapshot = await readText(this.file)
    const journal = await readText(this.journalFile)
    if (snapshot === null) {
      if (journal !== null && journal.trim() !== '')
        throw new IndexCorruptError(this.file, 'it is missing, but its journal of later changes is there')
      return emptyIndex(this.branch)
    }
    const loaded = parseSnapshot(this.file, snapshot)
    const index: PairIndex = { version: 1, base: loaded.base, branch: loaded.branch, files: loaded.files }
    if (loaded.generation === null) return index
    const replayed = journal === null ? { bytes: 0, regular: true } : this.replay(journal, loaded.generation, index)
    const stamp = await this.stamp()
    if (replayed.regular && stamp !== null) {
      const disk: OnDisk = {
        generation: loaded.generation,
        base: index.base,
        branch: index.branch,
        entries: frozenEntries(index.files),
        snapshotBytes: Buffer.byteLength(snapshot),
        snapshotStamp: stamp,
        journalBytes: replayed.bytes,
      }
      this.disk = disk
      // Only if nothing changed while it was read; a key taken before the read would be too old.
      if (key !== null && key === (await this.filesKey())) lastRead.set(this.file, { key, disk })
    }
    return index
  }

  /** Identity of the snapshot and journal as they are now; null when the snapshot is missing. */
  private async filesKey(): Promise<string | null> {
    const snapshot = await this.stamp()
    if (snapshot === null) return null
    const journal = await stat(this.journalFile).then(
      (info) => `${info.ino}:${info.size}:${info.mtimeMs}`,
      () => 'none',
    )
    return `${snapshot}|${journal}`
  }

  /** Applies the journal's lines of `generation` to `index`; `regular` is false after a torn or older line. */
  private replay(text: string, generation: string, index: PairIndex): { bytes: number; regular: boolean } {
    const end = text.lastIndexOf('\n') + 1
    // After the last line break: a line a crash cut short, never a save that returned.
    let regular = end === text.length
    const lines = text.slice(0, end).split('\n')
    lines.pop()
    lines.forEach((line, i) => {
      const where = `line ${i + 1} of the journal`
      let json: unknown
      try {
        json = JSON.parse(line)
      } catch {
        throw new IndexCorruptError(this.journalFile, `${where} is not valid JSON`)
      }
      const found = check(journalLineSchema, json, 'set')
      if ('problem' in found) throw new IndexCorruptError(this.journalFile, `${where}: ${found.problem}`)
      const entry: JournalLine = found.ok
      if (entry.generation !== generation) {
        regular = false
        return
      }
      index.base = entry.base
      index.branch = entry.branch
      for (const path of entry.delete) Reflect.deleteProperty(index.files, path)
      Object.assign(index.files, entry.set)
    })
    return { bytes: Buffer.byteLength(text), regular }
  }

  private async write(index: PairIndex): Promise<void> {
    const disk = this.disk
    if (!disk) return this.writeSnapshot(checked(index))
    const set: Record<string, IndexEntry> = {}
    let changed = 0
    for (const path in index.files) {
      const entry = index.files[path]!
      const before = disk.entries.get(path)
      if (before === entry) continue
      if (
        !before ||
        before.size !== entry.size ||
        before.mtimeMs !== entry.mtimeMs ||
        before.sha !== entry.sha ||
        before.mode !== entry.mode
      ) {
        set[path] = entry
        changed++
      }
    }
    const removed: string[] = []
    for (const path of disk.entries.keys()) if (!Object.hasOwn(index.files, path)) removed.push(path)
    if (changed === 0 && removed.length === 0 && index.base === disk.base && index.branch === disk.branch) {
      this.lastSave = { kind: 'unchanged', bytes: 0 }
      return
    }
    const line: JournalLine = {
      generation: disk.generation,
      base: index.base,
      branch: index.branch,
      set,
      delete: removed.sort(),
    }
    // Entries on disk were checked when they were read or written; what is new is checked now.
    const found = check(journalLineSchema, line, 'set')
    if ('problem' in found) throw new Error(`Pail refused to save an index it could not read back: ${found.problem}`)
    const text = `${JSON.stringify(line)}\n`
    const bytes = Buffer.byteLength(text)
    const limit = Math.max(this.policy.minBytes, this.policy.fraction * disk.snapshotBytes)
    if (disk.journalBytes + bytes > limit || !(await this.untouched(disk))) return this.writeSnapshot(checked(index))
    // Whatever happens from here, only a compaction may follow until this append is known whole.
    this.disk = null
    lastRead.delete(this.file)
    await appendFileDurably(this.journalFile, text)
    const entries = new Map(disk.entries)
    for (const path of removed) entries.delete(path)
    for (const path in set) entries.set(path, Object.freeze({ ...set[path]! }))
    const after: OnDisk = {
      ...disk,
      entries,
      base: index.base,
      branch: index.branch,
      journalBytes: disk.journalBytes + bytes,
    }
    this.disk = after
    this.lastSave = { kind: 'journal', bytes }
    await this.remember(after)
  }

  /** Whether the files are still as this store left them (no other writer came in between). */
  private async untouched(disk: OnDisk): Promise<boolean> {
    const journalBytes = await stat(this.journalFile).then(
      (info) => info.size,
      (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? 0 : -1),
    )
    return journalBytes === disk.journalBytes && (await this.stamp()) === disk.snapshotStamp
  }

  private async writeSnapshot(index: PairIndex): Promise<void> {
    lastRead.delete(this.file)
    this.disk = null
    const id = randomBytes(8).toString('hex')
    const paths = Object.keys(index.files).sort()
    const lines = paths.map((path) => {
      const { size, mtimeMs, sha, mode } = index.files[path]!
      return `${JSON.stringify(path)}:${JSON.stringify({ size, mtimeMs, sha, mode })}`
    })
    const header = JSON.stringify({ version: FORMAT, generation: id, base: index.base, branch: index.branch })
    // One entry per line, in path order, so that diffs of the file stay readable.
    const text = `${header.slice(0, -1)},"files":{\n${lines.join(',\n')}\n}}\n`
    await writeFileAtomic(this.file, text)
    // The new snapshot holds everything the journal did; lines left by a crash here are of the old generation.
    const hadJournal = (await readText(this.journalFile)) !== null
    await rm(this.journalFile, { force: true })
    if (hadJournal) await syncFolder(dirname(this.journalFile))
    const stamp = await this.stamp()
    if (stamp !== null) {
      this.disk = {
        generation: id,
        base: index.base,
        branch: index.branch,
        entries: frozenCopies(index.files),
        snapshotBytes: Buffer.byteLength(text),
        snapshotStamp: stamp,
        journalBytes: 0,
      }
      await this.remember(this.disk)
    }
    this.lastSave = { kind: 'snapshot', bytes: Buffer.byteLength(text) }
  }

  /** Records what this save left on disk for the next pass, if the files are still as it wrote them. */
  private async remember(disk: OnDisk): Promise<void> {
    const key = await this.filesKey()
    // Another writer since this save would have moved the snapshot or the journal's size.
    if (key !== null && (await this.untouched(disk))) lastRead.set(this.file, { key, disk })
  }

  private async stamp(): Promise<string | null> {
    try {
      const info = await stat(this.file)
      return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`
    } catch {
      return null
    }
  }
}

/**
 * The entries as read, frozen, as the store's record of what is on disk: an entry still the same
 * object is unchanged (a save compares the others field by field), and code that changed one in
 * place instead of replacing it would fail loudly rather than go unsaved.
 */
function frozenEntries(files: Record<string, IndexEntry>): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>()
  for (const path in files) entries.set(path, Object.freeze(files[path]!))
  return entries
}

/** Frozen copies of the entries (the caller's own stay as they are). */
function frozenCopies(files: Record<string, IndexEntry>): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>()
  for (const path in files) {
    const { size, mtimeMs, sha, mode } = files[path]!
    entries.set(path, Object.freeze({ size, mtimeMs, sha, mode }))
  }
  return entries
}
