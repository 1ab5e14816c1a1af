/**
 * The intent of a commit, written before it is sent and removed once the index has moved
 * (DESIGN.md §4). If Pail dies between Bitbucket's 201 and the index write, the next start finds
 * the journal, looks for the commit by its change id among the commits since the base, and
 * adopts it instead of committing the same change twice. A damaged journal is moved aside and
 * read as none: the next pass then compares the folder with the branch, which finds a landed
 * commit's files already there, so nothing is lost or sent twice.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { JsonStore } from '../../store/json-store.js'
import type { Logger } from '../../log/logger.js'
import { indexEntrySchema } from '../local/index-format.js'
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
  /** The upload-history entry of this attempt, finished by whoever learns the outcome. */
  historyId: string | null
  startedAt: number
}

const journalSchema = z.object({
  changeId: z.string().regex(/^[0-9a-f]{16}$/),
  parent: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .nullable(),
  uploads: z.record(z.string(), indexEntrySchema),
  deletions: z.array(z.string()),
  historyId: z.string().nullable(),
  startedAt: z.number(),
}) satisfies z.ZodType<JournalEntry>

export const CHANGE_TRAILER = 'Pail-Change'

export function newChangeId(): string {
  return randomBytes(8).toString('hex')
}

/** The trailer line that marks a commit as carrying `changeId`. */
export function changeTrailer(changeId: string): string {
  return `${CHANGE_TRAILER}: ${changeId}`
}

export class Journal {
  private readonly store: JsonStore<JournalEntry | null>

  constructor(stateDir: string, logger?: Logger) {
    this.store = new JsonStore<JournalEntry | null>({
      file: join(stateDir, 'journal.json'),
      schema: journalSchema.nullable(),
      empty: () => null,
      damage: { kind: 'rebuild' },
      ...(logger ? { logger } : {}),
    })
  }

  read(): Promise<JournalEntry | null> {
    return this.store.read()
  }

  write(entry: JournalEntry): Promise<void> {
    return this.store.replace(entry)
  }

  clear(): Promise<void> {
    return this.store.remove()
  }
}
