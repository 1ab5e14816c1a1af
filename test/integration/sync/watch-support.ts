/**
 * For the watch-mode tests: a watching SyncService over a fixture's pair, and waiting for a
 * condition with a deadline (never a sleep standing in for it).
 */
import type { TestContext } from 'node:test'
import { JsonSettingsStore } from '../../../main/core/settings/settings-store.js'
import { PairStore } from '../../../main/core/sync/pairs/pair-store.js'
import { SyncService, type PairResult, type SyncServiceDeps } from '../../../main/core/sync/service/sync-service.js'
import type { SyncFixture } from '../../support/sync-fixture.js'

/** Polls `check` until it holds, or throws naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Longer than any test here runs: what lands in time was not brought by the poll or the hourly rescan. */
export const NEVER_MS = 10 * 60_000

/** A running watch and what it reported. */
export interface Watching {
  service: SyncService
  results: PairResult[]
  stop(): Promise<void>
}

/**
 * Starts `watch` over the pairs of the fixture's home (quiet period 300 ms, no poll or rescan
 * within the test unless `deps` says so), stops it when the test ends, and waits for its first pass.
 */
export async function watching(t: TestContext, f: SyncFixture, deps: Partial<SyncServiceDeps> = {}): Promise<Watching> {
  const service = new SyncService({
    home: f.home,
    pairs: new PairStore(new JsonSettingsStore(f.home), f.home),
    history: f.history,
    session: f.session,
    quietMs: 300,
    pollMs: NEVER_MS,
    fullScanMs: NEVER_MS,
    ...deps,
  })
  const controller = new AbortController()
  const results: PairResult[] = []
  const done = service.watch(controller.signal, (r) => results.push(r))
  let stopped: Promise<void> | null = null
  const stop = (): Promise<void> => {
    controller.abort()
    return (stopped ??= done)
  }
  t.after(stop)
  await Promise.race([until(() => results.length > 0, 'the first pass ran'), done])
  return { service, results, stop }
}
