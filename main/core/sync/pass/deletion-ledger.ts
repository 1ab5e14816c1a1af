/**
 * The deletions this pair sent to Bitbucket recently (issue #7, point 4). A folder emptied a few
 * files at a time — each pass under the mass-delete threshold — would otherwise empty the
 * repository without a single question. So every commit that deletes files adds a record here
 * (`<pail home>/pairs/<id>/deletions.json`), and the safety check judges the window's deletions
 * together with the pass's own.
 *
 * A record says how many files the index held just before it; the oldest unconfirmed record in the
 * window therefore says how many files the pair had when the deleting began, which is what the
 * window's total is measured against. Deletions the person confirmed are recorded as such and do
 * not count again; confirming a hold confirms the window's earlier deletions too, since the
 * question was about all of them.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { Logger } from '../../log/logger.js'
import { JsonStore } from '../../store/json-store.js'

/** Default length of the window: a day. */
export const DEFAULT_DELETION_WINDOW_MS = 24 * 60 * 60 * 1000

interface DeletionRecord {
  at: number
  /** Folder paths deleted from Bitbucket by one commit (moves are not deletions and are not here). */
  paths: string[]
  /** How many files the index held just before that commit. */
  indexedBefore: number
  confirmed: boolean
}

interface LedgerFile {
  version: 1
  records: DeletionRecord[]
}

const ledgerSchema = z.object({
  version: z.literal(1),
  records: z.array(
    z.object({
      at: z.number(),
      paths: z.array(z.string()),
      indexedBefore: z.number().int().nonnegative(),
      confirmed: z.boolean(),
    }),
  ),
}) satisfies z.ZodType<LedgerFile>

/** What the window holds now. */
export interface RecentDeletions {
  /** Unconfirmed deletions in the window. */
  count: number
  /** Files the pair had when the window's unconfirmed deletions began; null when there are none. */
  filesAtStart: number | null
  windowMs: number
}

export class DeletionLedger {
  private readonly store: JsonStore<LedgerFile>

  constructor(
    stateDir: string,
    private readonly windowMs: number = DEFAULT_DELETION_WINDOW_MS,
    logger?: Logger,
  ) {
    this.store = new JsonStore<LedgerFile>({
      file: join(stateDir, 'deletions.json'),
      schema: ledgerSchema,
      empty: () => ({ version: 1, records: [] }),
      // Damage forgets the window: the per-pass threshold still applies, and the log says so.
      damage: { kind: 'rebuild' },
      ...(logger ? { logger } : {}),
    })
  }

  /** The unconfirmed deletions within the window ending at `now`. */
  async recent(now: number): Promise<RecentDeletions> {
    const open = (await this.store.read()).records.filter((r) => !r.confirmed && r.at > now - this.windowMs)
    open.sort((a, b) => a.at - b.at)
    return {
      count: open.reduce((sum, r) => sum + r.paths.length, 0),
      filesAtStart: open[0]?.indexedBefore ?? null,
      windowMs: this.windowMs,
    }
  }

  /** Records one commit's deletions; records older than the window are dropped on the way. */
  async record(
    entry: { paths: readonly string[]; indexedBefore: number; confirmed: boolean },
    now: number,
  ): Promise<void> {
    if (entry.paths.length === 0) return
    await this.store.update((file) => {
      file.records = file.records.filter((r) => r.at > now - this.windowMs)
      file.records.push({
        at: now,
        paths: [...entry.paths],
        indexedBefore: entry.indexedBefore,
        confirmed: entry.confirmed,
      })
    })
  }

  /** Marks every deletion in the window as confirmed (the person answered a hold about them). */
  async confirmAll(now: number): Promise<void> {
    await this.store.update((file) => {
      file.records = file.records.filter((r) => r.at > now - this.windowMs)
      for (const record of file.records) record.confirmed = true
    })
  }
}
