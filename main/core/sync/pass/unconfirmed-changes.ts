/**
 * Commits a crash left unconfirmed: sent, and not on the branch when the next start looked. A
 * request that reached Bitbucket whole may still land after the process that sent it died — after
 * the restart has looked. So such a change is remembered here (`<state>/unconfirmed.json`) for a
 * day, and when a later pass meets a commit carrying its `Pail-Change` trailer (walking the
 * branch's new commits anyway), the attempt's history entry is corrected to "committed".
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { Logger } from '../../log/logger.js'
import { JsonStore } from '../../store/json-store.js'

/** How long an unconfirmed change is watched for. */
export const UNCONFIRMED_FOR_MS = 24 * 60 * 60 * 1000

export interface UnconfirmedChange {
  changeId: string
  /** The attempt's history entry. */
  historyId: string
  at: number
}

interface UnconfirmedFile {
  version: 1
  changes: UnconfirmedChange[]
}

const fileSchema = z.object({
  version: z.literal(1),
  changes: z.array(z.object({ changeId: z.string(), historyId: z.string(), at: z.number() })),
}) satisfies z.ZodType<UnconfirmedFile>

export class UnconfirmedChanges {
  private readonly store: JsonStore<UnconfirmedFile>

  constructor(stateDir: string, logger?: Logger) {
    this.store = new JsonStore<UnconfirmedFile>({
      file: join(stateDir, 'unconfirmed.json'),
      schema: fileSchema,
      empty: () => ({ version: 1, changes: [] }),
      // Damage forgets them: a late commit's entry then keeps saying "interrupted"; nothing else.
      damage: { kind: 'rebuild' },
      ...(logger ? { logger } : {}),
    })
  }

  /** The changes still watched for at `now`. */
  async list(now: number): Promise<UnconfirmedChange[]> {
    return (await this.store.read()).changes.filter((c) => c.at > now - UNCONFIRMED_FOR_MS)
  }

  async add(change: UnconfirmedChange): Promise<void> {
    await this.store.update((file) => {
      file.changes = [...file.changes.filter((c) => c.at > change.at - UNCONFIRMED_FOR_MS), change]
    })
  }

  /** Stops watching for `changeIds` (found, or too old). */
  async settle(changeIds: readonly string[]): Promise<void> {
    if (changeIds.length === 0) return
    const gone = new Set(changeIds)
    await this.store.update((file) => {
      file.changes = file.changes.filter((c) => !gone.has(c.changeId))
    })
  }
}
