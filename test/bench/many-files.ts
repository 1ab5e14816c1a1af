/**
 * The large folder of cases 3 and 4 (issue #11): `count` files of 0.5–4 KiB in `folders` folders,
 * written into one or more roots with the same bytes, and a Pail pair synced to it. Case 4 reuses
 * the folder case 3 synced when both run with the same size, so the 100,000 files are uploaded once.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { HistoryStore } from '../../main/core/history/history-store.js'
import { JsonSettingsStore } from '../../main/core/settings/settings-store.js'
import { RACY_WINDOW_MS } from '../../main/core/sync/pass/change-set.js'
import { PairStore } from '../../main/core/sync/pairs/pair-store.js'
import type { SyncPair } from '../../main/core/sync/pairs/sync-pair.js'
import { PairSyncer } from '../../main/core/sync/pass/pair-syncer.js'
import type { SyncOutcome } from '../../main/core/sync/pass/pass-run.js'
import { blobSha, createRepo, type BenchContext, type BenchRepo } from './support.js'

/** Folders for `count` files: 50 files a folder, as 100,000 files in 2,000 folders. */
export function foldersFor(count: number): number {
  return Math.max(1, Math.ceil(count / 50))
}

/**
 * Writes the files into every root (same path, same bytes) and returns path → blob sha. Resolves
 * once the newest file is older than Pail's racy window, as files on a disk for a while are: a
 * file hashed moments after it was written is hashed again at the next scan (RACY_WINDOW_MS).
 */
export async function writeManyFiles(roots: readonly string[], count: number): Promise<Map<string, string>> {
  const folders = foldersFor(count)
  const perFolder = Math.ceil(count / folders)
  const expected = new Map<string, string>()
  for (let f = 0; f * perFolder < count; f++) {
    const folder = `d${String(f).padStart(4, '0')}`
    await Promise.all(roots.map((root) => mkdir(join(root, folder), { recursive: true })))
    const writes: Promise<void>[] = []
    for (let i = f * perFolder; i < Math.min(count, (f + 1) * perFolder); i++) {
      const content = randomBytes(512 + Math.floor(Math.random() * 3584))
      const path = `${folder}/f${i}.bin`
      expected.set(path, blobSha(content))
      for (const root of roots) writes.push(writeFile(join(root, path), content))
    }
    await Promise.all(writes)
  }
  const written = Date.now()
  while (Date.now() - written <= RACY_WINDOW_MS) await new Promise((r) => setTimeout(r, 100))
  return expected
}

/** A folder paired with a repository of its own, and a way to run one pass as a new Pail start does. */
export interface BenchPair {
  pair: SyncPair
  repo: BenchRepo
  folder: string
  /** One pass by a new PairSyncer: it reads the index from disk, as Pail does at every start. */
  syncOnce(): Promise<SyncOutcome>
}

/** Pairs `folder` with a new repository `slug` in the bench's Pail home. */
export async function pairFolder(ctx: BenchContext, folder: string, slug: string): Promise<BenchPair> {
  const repo = await createRepo(ctx, slug)
  const pair = await new PairStore(new JsonSettingsStore(ctx.home), ctx.home).add({
    folder,
    workspace: 'pail-demo',
    repository: repo.slug,
    branch: 'main',
  })
  const history = new HistoryStore(ctx.home)
  const syncOnce = (): Promise<SyncOutcome> =>
    new PairSyncer(pair, {
      session: ctx.session,
      history,
      stateDir: join(ctx.home, 'pairs', pair.id),
      device: 'bench',
    }).syncOnce()
  return { pair, repo, folder, syncOnce }
}

/** Folders synced in this run by size (case 3 leaves its folder here for case 4). */
export const syncedFolders = new Map<number, BenchPair>()
