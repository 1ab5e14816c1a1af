/**
 * The sync pairs, kept in settings under `pairs`. Adding checks what a person could get wrong:
 * a folder that does not exist, one inside (or containing) another pair's folder, Pail's own
 * home, a repository or branch Bitbucket would not take, a malformed path in the repository.
 * Folders are compared by their real paths, links resolved: a link to Pail's home, or to another
 * pair's folder, is refused like the folder itself (issue #7, point 6). The folder is kept as the
 * person gave it (made absolute), the name they know it by.
 */
import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { branchProblem, repositoryProblem, workspaceProblem } from '../../../../shared/bitbucket/names.js'
import { repoFolder, RepoPathError } from '../../../../shared/bitbucket/repo-path.js'
import { protectHome, realPathAllowingMissing, registerHome } from '../../fs/read-guard.js'
import type { SettingsStore } from '../../settings/settings-store.js'
import type { SyncPair } from './sync-pair.js'

/** A pair request that cannot be carried out; the message is for people. */
export class PairError extends Error {}

export interface NewPair {
  folder: string
  workspace: string
  repository: string
  branch: string
  pathInRepo?: string
}

function overlaps(a: string, b: string): boolean {
  const rel = relative(a, b)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The canonical folder in the repository, or a PairError saying what is wrong with it. */
function repoFolderOrRefuse(path: string): string {
  try {
    return repoFolder(path)
  } catch (error) {
    if (error instanceof RepoPathError) throw new PairError(error.message)
    throw error
  }
}

/** Throws PairError when `real` (the new folder's real path) and another pair's folder overlap. */
function overlapRefusal(folder: string, real: string, other: SyncPair, otherReal: string): void {
  if (overlaps(otherReal, real) || overlaps(real, otherReal))
    throw new PairError(
      `${folder} overlaps the folder of another pair (${other.folder}). A folder can be in one pair only.`,
    )
}

export class PairStore {
  constructor(
    private readonly settings: SettingsStore,
    private readonly pailHome: string,
    private readonly now: () => number = Date.now,
  ) {
    // Whoever keeps pairs for a home syncs them: its scans and uploads must know the home.
    registerHome(pailHome)
  }

  async list(): Promise<SyncPair[]> {
    const data = await this.settings.read()
    return data.pairs ?? []
  }

  /** The pair with this id, or whose folder this is (as given, or the same folder through a link). */
  async get(idOrFolder: string): Promise<SyncPair> {
    const pairs = await this.list()
    const found =
      pairs.find((p) => p.id === idOrFolder) ??
      pairs.find((p) => p.folder === resolve(idOrFolder)) ??
      (await this.findByRealPath(pairs, idOrFolder))
    if (!found) throw new PairError(`There is no sync pair "${idOrFolder}". "pail pair list" shows them.`)
    return found
  }

  /**
   * The checks of `add`, without adding: the folder, Pail's home, the names, the path in the
   * repository, and (at this moment) overlap with the other pairs. Throws PairError.
   */
  async check(input: NewPair): Promise<{ folder: string; real: string; pathInRepo: string }> {
    const folder = resolve(input.folder)
    const info = await stat(folder).catch(() => null)
    if (!info) throw new PairError(`The folder ${folder} does not exist. Create it first, or pick another.`)
    if (!info.isDirectory()) throw new PairError(`${folder} is a file, not a folder.`)
    const real = await realPathAllowingMissing(folder)
    const guard = await protectHome(this.pailHome)
    if (guard.covers(real) || guard.protectedInside(real) !== null)
      throw new PairError(
        `${folder}${real !== folder ? ` (really ${real})` : ''} holds Pail's own settings and sign-in secrets, or is inside them; pick another folder.`,
      )
    const problem =
      workspaceProblem(input.workspace) ?? repositoryProblem(input.repository) ?? branchProblem(input.branch)
    if (problem !== null) throw new PairError(problem)
    const pathInRepo = repoFolderOrRefuse(input.pathInRepo ?? '')
    for (const p of await this.list()) overlapRefusal(folder, real, p, await realPathAllowingMissing(p.folder))
    return { folder, real, pathInRepo }
  }

  async add(input: NewPair): Promise<SyncPair> {
    const { folder, real, pathInRepo } = await this.check(input)
    const pair: SyncPair = {
      id: randomBytes(4).toString('hex'),
      folder,
      workspace: input.workspace,
      repository: input.repository,
      branch: input.branch,
      pathInRepo,
      paused: null,
      createdAt: this.now(),
    }
    // Real paths of the pairs there now; one added meanwhile is compared as it is written.
    const realOf = new Map<string, string>()
    for (const p of await this.list()) realOf.set(p.folder, await realPathAllowingMissing(p.folder))
    await this.settings.update((data) => {
      const pairs = data.pairs ?? []
      for (const p of pairs) overlapRefusal(folder, real, p, realOf.get(p.folder) ?? p.folder)
      data.pairs = [...pairs, pair]
    })
    return pair
  }

  private async findByRealPath(pairs: SyncPair[], folder: string): Promise<SyncPair | undefined> {
    const wanted = await realPathAllowingMissing(folder)
    for (const pair of pairs) if ((await realPathAllowingMissing(pair.folder)) === wanted) return pair
    return undefined
  }

  async remove(idOrFolder: string): Promise<SyncPair> {
    const pair = await this.get(idOrFolder)
    await this.settings.update((data) => {
      data.pairs = (data.pairs ?? []).filter((p) => p.id !== pair.id)
    })
    return pair
  }

  /** Pauses until `until` (epoch ms) or, with null, until resumed. */
  pause(idOrFolder: string, until: number | null): Promise<SyncPair> {
    return this.change(idOrFolder, { paused: { until } })
  }

  resume(idOrFolder: string): Promise<SyncPair> {
    return this.change(idOrFolder, { paused: null })
  }

  private async change(idOrFolder: string, fields: Partial<SyncPair>): Promise<SyncPair> {
    const pair = await this.get(idOrFolder)
    const next = { ...pair, ...fields }
    await this.settings.update((data) => {
      data.pairs = (data.pairs ?? []).map((p) => (p.id === pair.id ? next : p))
    })
    return next
  }
}
