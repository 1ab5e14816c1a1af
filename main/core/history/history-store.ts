/**
 * Upload history (DESIGN.md §4): one entry per commit attempt, pair or manual, in an
 * append-mostly JSON-lines file `<pail home>/history.jsonl`. An attempt's later state (landed,
 * failed) is appended under the same id and the newest line wins, so writers only ever append and
 * readers can read while sync runs (a half-written last line is ignored). The file is compacted
 * to the newest `limit` entries once it holds twice that many lines.
 */
import { randomBytes } from 'node:crypto'
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

export type FileOperation = 'add' | 'change' | 'delete'

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

export class HistoryStore {
  private readonly file: string
  private queue: Promise<unknown> = Promise.resolve()
  private lines = -1

  constructor(
    home: string,
    private readonly limit = 1000,
  ) {
    this.file = join(home, 'history.jsonl')
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
  async finish(
    entry: HistoryEntry,
    outcome: Partial<Pick<HistoryEntry, 'status' | 'commit' | 'link' | 'error' | 'note' | 'files'>>,
  ): Promise<HistoryEntry> {
    const next = { ...entry, ...outcome }
    await this.append(next)
    return next
  }

  /** The newest entries first. */
  async list(limit = 50): Promise<HistoryEntry[]> {
    const byId = await this.readAll()
    return [...byId.values()].sort((a, b) => b.time - a.time).slice(0, limit)
  }

  private async readAll(): Promise<Map<string, HistoryEntry>> {
    let text = ''
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const byId = new Map<string, HistoryEntry>()
    for (const line of text.split('\n')) {
      if (!line) continue
      try {
        const entry = JSON.parse(line) as HistoryEntry
        byId.delete(entry.id)
        byId.set(entry.id, entry)
      } catch {
        // A line still being written by another process.
      }
    }
    return byId
  }

  private append(entry: HistoryEntry): Promise<void> {
    const run = this.queue.then(async () => {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 })
      await appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
      if (this.lines < 0) this.lines = (await readFile(this.file, 'utf8')).split('\n').length - 1
      else this.lines++
      if (this.lines >= this.limit * 2) await this.compact()
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  private async compact(): Promise<void> {
    const newest = [...(await this.readAll()).values()].sort((a, b) => a.time - b.time).slice(-this.limit)
    const tmp = `${this.file}.tmp`
    await writeFile(tmp, newest.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 })
    await rename(tmp, this.file)
    this.lines = newest.length
  }
}
