/**
 * A pair's hold and the person's answer to it (issue #7, point 20), per pair: a pass that would
 * delete too much, finds its folder missing or empty, or finds its branch deleted on Bitbucket
 * stops and writes a hold here; the person answers it (in the window, or `pail sync --confirm`),
 * and the next pass applies exactly that answer to exactly what was held.
 *
 * The file lives in the pair's state folder (`<pail home>/pairs/<id>/hold.json`) and every change
 * is a read-modify-write under a cross-process lock, so the CLI can record an answer while the app
 * runs the sync, and neither loses the other's write.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { silentLogger, type Logger } from '../../log/logger.js'
import { HomeLocks } from '../../store/home-locks.js'
import { JsonStore } from '../../store/json-store.js'

export type HoldReason = 'missing-folder' | 'empty-folder' | 'mass-delete' | 'branch-deleted'

/** delete: delete the held files from Bitbucket too; restore: put them back from Bitbucket;
 *  recreate-branch: create the deleted branch again from this folder. */
export type HoldResolution = 'delete' | 'restore' | 'recreate-branch'

export interface Hold {
  reason: HoldReason
  message: string
  deletions: string[] /* folder paths */
  heldAt: number
  resolution: HoldResolution | null
  resolvedAt: number | null
}

/** An answer that cannot be recorded; the message is for people. */
export class HoldError extends Error {
  readonly code = 'hold.invalid'
}

/** The answers that make sense for a reason (missing-folder: none — reconnect the drive). */
export function resolutionsFor(reason: HoldReason): HoldResolution[] {
  switch (reason) {
    case 'missing-folder':
      return []
    case 'empty-folder':
    case 'mass-delete':
      return ['delete', 'restore']
    case 'branch-deleted':
      return ['recreate-branch']
  }
}

const holdSchema = z.object({
  reason: z.enum(['missing-folder', 'empty-folder', 'mass-delete', 'branch-deleted']),
  message: z.string(),
  deletions: z.array(z.string()),
  heldAt: z.number(),
  resolution: z.enum(['delete', 'restore', 'recreate-branch']).nullable(),
  resolvedAt: z.number().nullable(),
}) satisfies z.ZodType<Hold>

interface HoldFile {
  version: 1
  hold: Hold | null
}

const holdFileSchema = z.object({ version: z.literal(1), hold: holdSchema.nullable() }) satisfies z.ZodType<HoldFile>

/** What a pass holds: the reason, the message for people and the deletions it holds back. */
export type HoldRequest = Pick<Hold, 'reason' | 'message' | 'deletions'>

function sameHold(a: Hold, b: HoldRequest): boolean {
  if (a.reason !== b.reason || a.deletions.length !== b.deletions.length) return false
  const held = new Set(a.deletions)
  return b.deletions.every((path) => held.has(path))
}

function sentenceFor(resolution: HoldResolution): string {
  switch (resolution) {
    case 'delete':
      return 'delete the files from Bitbucket too'
    case 'restore':
      return 'put the files back from Bitbucket'
    case 'recreate-branch':
      return 'create the branch again'
  }
}

export class HoldStore {
  private readonly store: JsonStore<HoldFile>

  constructor(stateDir: string, logger?: Logger) {
    const log = logger ?? silentLogger
    this.store = new JsonStore<HoldFile>({
      file: join(stateDir, 'hold.json'),
      schema: holdFileSchema,
      empty: () => ({ version: 1, hold: null }),
      // A damaged hold reads as none: the next pass judges the folder afresh and holds again if it must.
      damage: { kind: 'rebuild' },
      locks: HomeLocks.for(stateDir, log),
      lockName: 'hold',
      logger: log,
    })
  }

  read(): Promise<Hold | null> {
    return this.store.read().then((file) => file.hold)
  }

  /** Records the person's answer; throws HoldError (plain words) if there is no hold or the answer does not fit it. */
  async resolve(resolution: HoldResolution): Promise<Hold> {
    const file = await this.store.update((file) => {
      const hold = file.hold
      if (!hold) throw new HoldError('This folder is not paused, so there is nothing to answer.')
      const fitting = resolutionsFor(hold.reason)
      if (!fitting.includes(resolution))
        throw new HoldError(
          fitting.length === 0
            ? `Pail cannot ${sentenceFor(resolution)} for this folder: it is paused because the folder is missing. Connect its drive (or put the folder back) and Pail carries on by itself.`
            : `Pail cannot ${sentenceFor(resolution)} for this folder: it is paused for another reason. What you can do: ${fitting.map(sentenceFor).join(', or ')}.`,
        )
      hold.resolution = resolution
      hold.resolvedAt = Date.now()
    })
    return file.hold!
  }

  /**
   * Writes the hold a pass found (the engine's side). The same hold (reason and deletions) already
   * recorded is kept as it is, with its time and any answer; a different one replaces it, answer
   * and all: the person answered another question.
   */
  async hold(request: HoldRequest, now: number = Date.now()): Promise<Hold> {
    const file = await this.store.update((file) => {
      if (file.hold && sameHold(file.hold, request)) {
        file.hold.message = request.message
      } else {
        file.hold = {
          reason: request.reason,
          message: request.message,
          deletions: [...request.deletions].sort(),
          heldAt: now,
          resolution: null,
          resolvedAt: null,
        }
      }
    })
    return file.hold!
  }

  /**
   * Removes the hold once a pass went through (or applied the answer): only `seen`, the hold the
   * pass read, so a new hold written meanwhile by another process stays.
   */
  async release(seen: Hold): Promise<void> {
    await this.store.update((file) => {
      if (file.hold && file.hold.heldAt === seen.heldAt && file.hold.reason === seen.reason) file.hold = null
    })
  }
}
