/**
 * A pair's last state, `<pail home>/pairs/<id>/status.json`, so any process (`pail status`, the
 * window of another process) can show it. A cache: a damaged file is moved aside and the next
 * pass writes it afresh.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { Logger } from '../../log/logger.js'
import { JsonStore } from '../../store/json-store.js'
import { skippedPathSchema, type SkippedPath } from '../local/skipped.js'

export type PairState = 'up-to-date' | 'syncing' | 'paused' | 'held' | 'error'

export interface PairStatus {
  pairId: string
  state: PairState
  /** For people: what happened last, or what needs doing. */
  message: string
  lastSyncAt: number | null
  lastCommit: string | null
  /** Paths the last pass did not sync, with the reason and what to do (the first MAX_LISTED_SKIPS). */
  skipped: SkippedPath[]
  /** How many paths were skipped in all (may exceed `skipped.length`). */
  skippedCount: number
  /** After a failure: when Pail tries again (epoch ms; the message says it in words). Null otherwise. */
  nextAttemptAt: number | null
}

/** How many skipped paths a status lists; the count says how many more there are. */
export const MAX_LISTED_SKIPS = 200

export const pairStatusSchema = z.object({
  pairId: z.string(),
  state: z.enum(['up-to-date', 'syncing', 'paused', 'held', 'error']),
  message: z.string(),
  lastSyncAt: z.number().nullable(),
  lastCommit: z.string().nullable(),
  skipped: z.array(skippedPathSchema).default([]),
  skippedCount: z.number().int().nonnegative().default(0),
  nextAttemptAt: z.number().nullable().default(null),
}) satisfies z.ZodType<PairStatus>

/** The status file of the pair whose state folder is `stateDir`. */
export function statusStore(stateDir: string, logger?: Logger): JsonStore<PairStatus | null> {
  return new JsonStore<PairStatus | null>({
    file: join(stateDir, 'status.json'),
    schema: pairStatusSchema.nullable(),
    empty: () => null,
    damage: { kind: 'rebuild' },
    ...(logger ? { logger } : {}),
  })
}
