/**
 * After a crash between Bitbucket's 201 and the index write: finds whether the journalled commit
 * landed (its `Pail-Change` trailer among the commits since its parent) and, if so, moves the
 * index as the lost write would have — so the same change is never committed twice.
 */
import type { ApiClient } from '../../bitbucket/api-client.js'
import type { IndexStore } from '../local/index-store.js'
import { changeTrailer, type Journal } from './journal.js'
import { branchTip, repoBase, type RepoRef } from '../remote/remote-tree.js'
import type { PairIndex } from '../types.js'

interface CommitJson {
  hash: string
  message: string
  parents: { hash: string }[]
}

/** How far back from the tip to look; other people's commits after ours are rarely more. */
const MAX_WALK = 50

export async function recoverJournal(
  api: ApiClient,
  ref: RepoRef,
  branch: string,
  index: PairIndex,
  journal: Journal,
  store: IndexStore,
): Promise<PairIndex> {
  const pending = await journal.read()
  if (!pending) return index
  const trailer = changeTrailer(pending.changeId)
  let sha = await branchTip(api, ref, branch)
  for (let steps = 0; sha && sha !== pending.parent && steps < MAX_WALK; steps++) {
    const commit = await api.getJson<CommitJson>(`${repoBase(ref)}/commit/${sha}`)
    if (commit.message.includes(trailer)) {
      const deleted = new Set(pending.deletions)
      const files = Object.fromEntries(Object.entries(index.files).filter(([path]) => !deleted.has(path)))
      const next: PairIndex = { ...index, base: commit.hash, files: { ...files, ...pending.uploads } }
      await store.save(next)
      await journal.clear()
      return next
    }
    sha = commit.parents[0]?.hash ?? null
  }
  await journal.clear()
  return index
}
