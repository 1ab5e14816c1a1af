/**
 * What the CLI says about a pair's state: paused, held (and why), or its last recorded state,
 * read from the pair's state folder `<pail home>/pairs/<id>` so any process can show it.
 */
import { join } from 'node:path'
import { isPaused, type SyncPair } from '../core/sync/pairs/sync-pair.js'
import { statusStore, type PairStatus } from '../core/sync/service/status-store.js'
import type { CliContext } from './cli-context.js'

/** A pair's state folder. */
export function pairStateDir(ctx: Pick<CliContext, 'home'>, pair: SyncPair): string {
  return join(ctx.home, 'pairs', pair.id)
}

/** The pair's last recorded status, or null when there is none (or it cannot be read: it is a cache). */
export async function savedStatus(ctx: CliContext, pair: SyncPair): Promise<PairStatus | null> {
  try {
    return await statusStore(pairStateDir(ctx, pair), ctx.logger).read()
  } catch {
    return null
  }
}

/** One short phrase for `pail pair list`: "paused until …", "held — why", "error — why", "syncing". */
export function stateLabel(pair: SyncPair, status: PairStatus | null, now: number): string {
  if (isPaused(pair, now))
    return pair.paused?.until ? `paused until ${new Date(pair.paused.until).toLocaleString()}` : 'paused'
  if (status?.state === 'held') return `held — ${status.message}`
  if (status?.state === 'error') return `error — ${status.message}`
  return 'syncing'
}
