/**
 * The intent of a commit, written before it is sent and removed once the index has moved
 * (DESIGN.md §4). If Pail dies between Bitbucket's 201 and the index write, the next start finds
 * the journal, looks for the commit by its change id among the commits since the base, and
 * adopts it instead of committing the same change twice.
 */
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../../store/json-file.js'
import type { IndexEntry } from '../types.js'

export interface JournalEntry {
  /** Written into the commit message as `Pail-Change: <id>`. */
  changeId: string
  /** The commit the change was built on (sent as `parents`). */
  parent: string | null
  /** What the index will say of each uploaded path (folder-relative) once the commit landed. */
  uploads: Record<string, IndexEntry>
  /** Folder-relative paths deleted by the commit. */
  deletions: string[]
  startedAt: number
}

export const CHANGE_TRAILER = 'Pail-Change'

export function newChangeId(): string {
  return randomBytes(8).toString('hex')
}

/** The trailer line that marks a commit as carrying `changeId`. */
export function changeTrailer(changeId: string): string {
  return `${CHANGE_TRAILER}: ${changeId}`
}

export class Journal {
  private readonly file: string

  constructor(stateDir: string) {
    this.file = join(stateDir, 'journal.json')
  }

  read(): Promise<JournalEntry | null> {
    return readJsonFile<JournalEntry | null>(this.file, null)
  }

  write(entry: JournalEntry): Promise<void> {
    return writeJsonFile(this.file, entry)
  }

  clear(): Promise<void> {
    return rm(this.file, { force: true })
  }
}
