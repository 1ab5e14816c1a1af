/**
 * Upload history (DESIGN.md §4): one entry per commit attempt, pair or manual, in an
 * append-mostly JSON-lines file `<pail home>/history.jsonl`. An attempt's later state (landed,
 * failed) is appended under the same id and the newest line wins, so writers only ever append and
 * readers can read while sync runs. Appends and the occasional compaction (to the newest `limit`
 * entries once the file holds twice that many lines) take the home's `history` lock, because the
 * app, `pail sync` and `pail upload` may all write at once.
 *
 * A line cut off by a crash is skipped when read, and the next append first ends it with a line
 * break, so it never swallows the line after it. Lines that are not entries are skipped too: the
 * history is a record for people, never a reason to upload or delete anything.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../fs/atomic-write.js'
import { HomeLocks } from '../store/home-locks.js'

/** What a commit did to a file; the schema and the fast check (filesOf) both read this list. */
const FILE_OPERATIONS = ['add', 'change', 'delete'] as const
export type FileOperation = (typeof FILE_OPERATIONS)[number]

export interface HistoryFile {
  path: string
  operation: FileOperation
  bytes: number
}

export interface HistoryEntry {
  id: string
  /** Epoch ms of the attempt's start. */
  time: number
  source: { kind: 'pair'; pairId: string; folder: string } | { kind: 'manual' }
  workspace: string
  repository: string
  branch: string
  files: HistoryFile[]
  status: 'uploading' | 'committed' | 'failed' | 'held' | 'conflict'
  commit: string | null
  /** Web link to the commit, for people. */
  link: string | null
  /** What went wrong, in plain words. */
  error: string | null
  /** Extra facts for people (e.g. the name of a conflict copy). */
  note: string | null
}

/** What one line of history.jsonl may hold. */
export const historyEntrySchema = z.object({
  id: z.string().min(1),
  time: z.number(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pair'), pairId: z.string(), folder: z.string() }),
    z.object({ kind: z.literal('manual') }),
  ]),
  workspace: z.string(),
  repository: z.string(),
  branch: z.string(),
  files: z.array(z.object({ path: z.string(), operation: z.enum(FILE_OPERATIONS), bytes: z.number() })),
  status: z.enum(['uploading', 'committed', 'failed', 'held', 'conflict']),
  commit: z.string().nullable(),
  link: z.string().nullable(),
  error: z.string().nullable(),
  note: z.string().nullable(),
}) satisfies z.ZodType<HistoryEntry>

/** What `finish` may change. */
export type HistoryOutcome = Partial<Pick<HistoryEntry, 'status' | 'commit' | 'link' | 'error' | 'note' | 'files'>>

const NEWLINE = 0x0a

export class HistoryStore {
  private readonly file: string
  private readonly locks: HomeLocks
  private lines = -1
  /**
   * The file as last parsed, and what identified it: every pass asks for unfinished attempts, and
   * parsing up to 2 × `limit` checked lines each time was most of an idle poll's cost. An append
   * changes the size, a compaction the inode (atomic rename), so an unchanged identity is an
   * unchanged file.
   */
  private parsed: { identity: string; byId: ReadonlyMap<string, HistoryEntry> } | null = null

  constructor(
    home: string,
    private readonly limit = 1000,
    locks?: HomeLocks,
  ) {
    this.file = join(home, 'history.jsonl')
    this.locks = locks ?? HomeLocks.for(home)
  }

  /** Records a new attempt and returns it with its id. */
  async start(
    entry: Omit<HistoryEntry, 'id' | 'status' | 'commit' | 'link' | 'error' | 'note'> &
      Partial<Pick<HistoryEntry, 'status' | 'note'>>,
  ): Promise<HistoryEntry> {
    const full: HistoryEntry = {
      commit: null,
      link: null,
      error: null,
      note: null,
      status: 'uploading',
      ...entry,
      id: randomBytes(6).toString('hex'),
    }
    await this.append(full)
    return full
  }

  /** Records the outcome of an attempt. */
  async finish(entry: HistoryEntry, outcome: HistoryOutcome): Promise<HistoryEntry> {
    const next = { ...entry, ...outcome }
    await this.append(next)
    return next
  }

  /** Records the outcome of the attempt `id` (after a restart, when only its id is known); null if it is gone. */
  async finishById(id: string, outcome: HistoryOutcome): Promise<HistoryEntry | null> {
    const entry = (await this.readAll()).get(id)
    return entry ? this.finish(entry, outcome) : null
  }

  /** Attempts of a pair still marked uploading: after a restart, those that never learnt their outcome. */
  async unfinished(pairId: string): Promise<HistoryEntry[]> {
    return [...(await this.readAll()).values()].filter(
      (e) => e.status === 'uploading' && e.source.kind === 'pair' && e.source.pairId === pairId,
    )
  }

  /** The newest entries first. */
  async list(limit = 50): Promise<HistoryEntry[]> {
    const byId = await this.readAll()
    return [...byId.values()].sort((a, b) => b.time - a.time).slice(0, limit)
  }

  private async readAll(): Promise<Map<string, HistoryEntry>> {
    let identity = 'absent'
    try {
      const info = await stat(this.file, { bigint: true })
      identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    // A copy: callers may change their map; the entries themselves are never changed in place.
    if (this.parsed?.identity === identity) return new Map(this.parsed.byId)
    let text = ''
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const byId = new Map<string, HistoryEntry>()
    for (const line of text.split('\n')) {
      if (!line) continue
      const entry = parseLine(line)
      if (!entry) continue
      byId.delete(entry.id)
      byId.set(entry.id, Object.freeze(entry))
    }
    this.parsed = { identity, byId }
    return new Map(byId)
  }

  private append(entry: HistoryEntry): Promise<void> {
    const line = `${JSON.stringify(historyEntrySchema.parse(entry))}\n`
    return this.locks.withLock('history', async () => {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 })
      const handle = await open(this.file, 'a+', 0o600)
      try {
        const { size } = await handle.stat()
        let cutOff = false
        if (size > 0) {
          const last = Buffer.alloc(1)
          await handle.read(last, 0, 1, size - 1)
          cutOff = last[0] !== NEWLINE
        }
        // One write: a reader never sees half of this line, whatever else is appending.
        await handle.appendFile(cutOff ? `\n${line}` : line)
        await handle.sync()
      } finally {
        await handle.close()
      }
      if (this.lines < 0) this.lines = (await readFile(this.file, 'utf8')).split('\n').length - 1
      else this.lines++
      if (this.lines >= this.limit * 2) await this.compact()
    })
  }

  /** Keeps the newest `limit` entries (called under the history lock). */
  private async compact(): Promise<void> {
    const newest = [...(await this.readAll()).values()].sort((a, b) => a.time - b.time).slice(-this.limit)
    await writeFileAtomic(this.file, newest.map((e) => `${JSON.stringify(e)}\n`).join(''))
    this.lines = newest.length
  }
}

/** An entry's fields but its files, which the fast check below reads. */
const entryHeadSchema = historyEntrySchema.extend({ files: z.array(z.never()).length(0) })
const OPERATIONS: ReadonlySet<string> = new Set(FILE_OPERATIONS)

/**
 * The files of an entry, checked by hand as historyEntrySchema would (and, as zod does, without
 * keys it does not know); null if any is not a file. A first sync's entries list thousands of
 * files, and zod's check of them was most of reading the history at a launch (measured: 100 ms
 * of a 1.2 s warm start of 100,000 files).
 */
function filesOf(value: unknown): HistoryFile[] | null {
  if (!Array.isArray(value)) return null
  const files: HistoryFile[] = new Array(value.length)
  for (let i = 0; i < value.length; i++) {
    const file = value[i] as Partial<Record<keyof HistoryFile, unknown>> | null
    if (typeof file !== 'object' || file === null) return null
    const { path, operation, bytes } = file
    if (typeof path !== 'string' || typeof operation !== 'string' || !OPERATIONS.has(operation)) return null
    if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return null
    files[i] = { path, operation: operation as FileOperation, bytes }
  }
  return files
}

function parseLine(line: string): HistoryEntry | null {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    // A line cut off by a crash, or still being written by another process.
    return null
  }
  if (typeof json !== 'object' || json === null) return null
  const files = filesOf((json as { files?: unknown }).files)
  if (files === null) return null
  const head = entryHeadSchema.safeParse({ ...json, files: [] })
  return head.success ? { ...head.data, files } : null
}
