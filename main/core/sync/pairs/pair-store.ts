/**
 * The sync pairs, kept in settings under `pairs`. Adding checks what a person could get wrong:
 * a folder that does not exist, one inside (or containing) another pair's folder, Pail's own
 * home, a malformed repository or path.
 */
import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { repoFolder, RepoPathError } from '../../../../shared/bitbucket/repo-path.js'
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

export class PairStore {
  constructor(
    private readonly settings: SettingsStore,
    private readonly pailHome: string,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<SyncPair[]> {
    const data = await this.settings.read()
    return data.pairs ?? []
  }

  async get(idOrFolder: string): Promise<SyncPair> {
    const pairs = await this.list()
    const found = pairs.find((p) => p.id === idOrFolder) ?? pairs.find((p) => p.folder === resolve(idOrFolder))
    if (!found) throw new PairError(`There is no sync pair "${idOrFolder}". "pail pair list" shows them.`)
    return found
  }

  async add(input: NewPair): Promise<SyncPair> {
    const folder = resolve(input.folder)
    const info = await stat(folder).catch(() => null)
    if (!info) throw new PairError(`The folder ${folder} does not exist. Create it first, or pick another.`)
    if (!info.isDirectory()) throw new PairError(`${folder} is a file, not a folder.`)
    if (overlaps(folder, this.pailHome) || overlaps(this.pailHome, folder))
      throw new PairError(`${folder} holds Pail's own settings; pick another folder.`)
    if (!/^[\w.-]+$/.test(input.workspace) || !/^[\w.-]+$/.test(input.repository))
      throw new PairError(
        `"${input.workspace}/${input.repository}" is not a repository name: write it as workspace/repository.`,
      )
    if (!input.branch.trim()) throw new PairError('The branch name is empty.')
    const pair: SyncPair = {
      id: randomBytes(4).toString('hex'),
      folder,
      workspace: input.workspace,
      repository: input.repository,
      branch: input.branch.trim(),
      pathInRepo: repoFolderOrRefuse(input.pathInRepo ?? ''),
      paused: null,
      createdAt: this.now(),
    }
    await this.settings.update((data) => {
      const pairs = data.pairs ?? []
      const clash = pairs.find((p) => overlaps(p.folder, folder) || overlaps(folder, p.folder))
      if (clash)
        throw new PairError(
          `${folder} overlaps the folder of another pair (${clash.folder}). A folder can be in one pair only.`,
        )
      data.pairs = [...pairs, pair]
    })
    return pair
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
