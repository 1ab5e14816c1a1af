/**
 * A sync pair: a local folder tied to workspace/repository/branch/path-in-repo (DESIGN.md §4).
 */
import { z } from 'zod'
import { branchProblem, repositoryProblem, workspaceProblem } from '../../../../shared/bitbucket/names.js'
import { repoFolder } from '../../../../shared/bitbucket/repo-path.js'

export interface SyncPair {
  id: string
  /** Absolute path of the local folder. */
  folder: string
  workspace: string
  repository: string
  branch: string
  /** Folder inside the repository ('' for the root), no leading or trailing slash. */
  pathInRepo: string
  /** null: syncing. Otherwise paused until that time (epoch ms), or until resumed (`until: null`). */
  paused: { until: number | null } | null
  createdAt: number
}

/** A folder inside the repository exactly as `repoFolder` writes it. */
const canonicalRepoFolder = z.string().refine((path) => {
  try {
    return repoFolder(path) === path
  } catch {
    return false
  }
}, 'is not a folder inside the repository')

/** A name Bitbucket takes, by the rule in shared/bitbucket/names.ts (whose sentence is the issue's message). */
function bitbucketName(problem: (name: string) => string | null): z.ZodType<string> {
  return z.string().superRefine((name, ctx) => {
    const message = problem(name)
    if (message !== null) ctx.addIssue({ code: 'custom', message })
  })
}

/**
 * What settings.json may hold for one pair; checked on every read. Names are checked as Bitbucket
 * names, so a hand-edited `"repository": "../.."` never reaches a URL.
 */
export const syncPairSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{8}$/, 'is not a pair id'),
  folder: z.string().min(1),
  workspace: bitbucketName(workspaceProblem),
  repository: bitbucketName(repositoryProblem),
  branch: bitbucketName(branchProblem),
  pathInRepo: canonicalRepoFolder,
  paused: z.object({ until: z.number().nullable() }).nullable(),
  createdAt: z.number(),
}) satisfies z.ZodType<SyncPair>

/** Whether the pair is paused at `now`. */
export function isPaused(pair: SyncPair, now: number): boolean {
  return pair.paused !== null && (pair.paused.until === null || pair.paused.until > now)
}
