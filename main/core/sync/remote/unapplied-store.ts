/**
 * Branch changes that could not be brought into the folder yet, kept so that the base can move on
 * without forgetting them. The base is the commit the folder was last synced to; moving it past a
 * change that never reached the folder would make the folder's older copy look like the latest,
 * and the next edit here would be uploaded over the other person's version with no conflict copy.
 *
 * A path lands here when its change was refused: the place is not safely inside the folder (a
 * linked subfolder), or the file kept changing here while Pail tried. Each pass adds these paths to
 * the branch's changes since the base, so they are compared again, until one pass settles them.
 */
import { join } from 'node:path'
import { z } from 'zod'
import type { Logger } from '../../log/logger.js'
import { JsonStore } from '../../store/json-store.js'
import type { RemoteChange } from '../pass/reconcile.js'

interface UnappliedFile {
  version: 1
  /** By repository path: how the branch changed it since the folder last had it. */
  paths: Record<string, RemoteChange>
}

const unappliedSchema = z.object({
  version: z.literal(1),
  paths: z.record(z.string(), z.enum(['added', 'modified', 'removed'])),
}) satisfies z.ZodType<UnappliedFile>

/** The pair's unapplied branch changes (`<state>/unapplied.json`). */
export class UnappliedStore {
  private readonly store: JsonStore<UnappliedFile>

  constructor(stateDir: string, logger?: Logger) {
    this.store = new JsonStore<UnappliedFile>({
      file: join(stateDir, 'unapplied.json'),
      schema: unappliedSchema,
      empty: () => ({ version: 1, paths: {} }),
      // A damaged file is rebuilt empty: those paths are then compared as the index says, which
      // may upload an older copy, but never deletes anything. The log says it happened.
      damage: { kind: 'rebuild' },
      ...(logger ? { logger } : {}),
    })
  }

  async read(): Promise<Map<string, RemoteChange>> {
    return new Map(Object.entries((await this.store.read()).paths))
  }

  /** Replaces the list (an empty one removes the file). */
  async replace(paths: ReadonlyMap<string, RemoteChange>): Promise<void> {
    if (paths.size === 0) return this.store.remove()
    await this.store.replace({ version: 1, paths: Object.fromEntries([...paths].sort(([a], [b]) => (a < b ? -1 : 1))) })
  }
}
