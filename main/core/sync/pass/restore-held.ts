/**
 * The `restore` answer to a hold (issue #7, point 20): each held file comes back into the folder
 * from the last synced commit — where nothing has been put in its place meanwhile — through
 * InsideFolder, so that nothing lands outside the folder. The index keeps its entry (with the
 * restored file's new time), so the next comparison finds nothing deleted.
 */
import { lstat } from 'node:fs/promises'
import type { ApiClient } from '../../bitbucket/api-client.js'
import { OutsideFolderError, type InsideFolder } from '../../fs/inside-folder.js'
import type { Logger } from '../../log/logger.js'
import { toRepoPath } from '../../../../shared/bitbucket/repo-path.js'
import type { IndexStore } from '../local/index-store.js'
import type { SyncPair } from '../pairs/sync-pair.js'
import { LocalChangedError, placeDownload, RemoteLinkOutsideError, stageDownload } from '../remote/remote-download.js'
import type { RepoRef } from '../remote/remote-tree.js'
import type { StagingRecord } from '../remote/staging-record.js'
import type { PairIndex } from '../types.js'
import type { Hold } from './hold-store.js'

export interface RestoreDeps {
  api: ApiClient
  ref: RepoRef
  pair: SyncPair
  inside: InsideFolder
  staging: StagingRecord
  indexStore: IndexStore
  logger: Logger
}

/** Restores the held files; returns the index (updated in place and saved). */
export async function restoreHeld(deps: RestoreDeps, hold: Hold, index: PairIndex): Promise<PairIndex> {
  const { inside, pair, logger } = deps
  const base = index.base
  if (base === null) return index
  const run = deps.staging.start(inside)
  let restored = 0
  try {
    for (const path of hold.deletions) {
      if (!index.files[path] || (await lstat(inside.absolute(path)).catch(() => null))) continue
      try {
        await inside.check(path)
        const staged = await stageDownload({
          api: deps.api,
          ref: deps.ref,
          commit: base,
          repoPath: toRepoPath(path, pair.pathInRepo),
          localPath: path,
          inside,
          staging: run,
        })
        index.files[path] = await placeDownload(inside, path, staged, null)
        restored++
      } catch (error) {
        const skippable =
          error instanceof OutsideFolderError ||
          error instanceof LocalChangedError ||
          error instanceof RemoteLinkOutsideError
        if (!skippable) throw error
        logger.warn('sync.restore-skipped', { pair: pair.id, path, error: error.message })
      }
    }
  } finally {
    await run.finish()
  }
  await deps.indexStore.save(index)
  logger.info('sync.hold-restored', { pair: pair.id, restored, held: hold.deletions.length })
  return index
}
