/**
 * Carries out a `/src` commit plan on the bare repository, with the branch and parents rules of
 * bitbucket-api.md §3 applied verbatim, under the repository's writer lock and with a
 * compare-and-swap branch move (a lost race is a 409, like a stale parent).
 */
import type { BlobListing, FileChange, GitRepository, RefState } from '../git/git-store.js'
import { ApiError } from '../http.js'
import type { EmulatorSettings } from '../settings.js'
import type { CommitPlan } from './src-plan.js'

const MODES = { executable: '100755', link: '120000' } as const

/** Writes every upload as a blob, all through one git process (which streams the large ones). */
export async function writeBlobs(git: GitRepository, plan: CommitPlan): Promise<FileChange[]> {
  const uploads = [...plan.uploads.values()]
  const blobs = await git.writeBlobsFrom(uploads.map((upload) => upload.content))
  // A link's blob is its target path; the part's attributes alone decide the mode (§3).
  return uploads.map((upload, i) => ({
    path: upload.path,
    blob: blobs[i]!,
    mode: upload.attribute ? MODES[upload.attribute] : '100644',
  }))
}

function stale(settings: EmulatorSettings): ApiError {
  // UNCONFIRMED §3: the 409 body text.
  return new ApiError(409, settings.staleParentMessage)
}

/** The §4.1 "Commit not found" body observed in a public fixture; the status is UNCONFIRMED (§3). */
function unknownParent(sha: string, settings: EmulatorSettings): ApiError {
  return new ApiError(settings.unknownParentStatus, 'Commit not found', {
    data: { shas: [sha] },
    topLevelData: { shas: [sha] },
  })
}

async function resolveParent(git: GitRepository, sha: string, settings: EmulatorSettings): Promise<string> {
  // `parents` takes "a SHA1 of the commit" (§3): a branch name or other revision syntax is not one.
  const full = /^[0-9a-f]{4,40}$/i.test(sha) ? await git.resolveCommit(sha) : null
  if (!full) throw unknownParent(sha, settings)
  return full
}

/** Deletions of paths the base really has as files; the others per `deleteOfMissingPath` (UNCONFIRMED §3). */
async function effectiveDeletions(
  git: GitRepository,
  base: string | null,
  plan: CommitPlan,
  settings: EmulatorSettings,
): Promise<string[]> {
  const out: string[] = []
  // Asked all at once: the reader answers in order through one process.
  const types = await Promise.all(plan.deletions.map((path) => (base === null ? null : git.typeAt(base, path))))
  for (const [i, path] of plan.deletions.entries()) {
    // Choice: `files=` names files; a directory path counts as a missing file, not a recursive delete.
    const present = types[i] === 'blob'
    if (present) out.push(path)
    else if (settings.deleteOfMissingPath === 'error')
      throw new ApiError(400, `Cannot delete "${path}": no such file`, {
        fields: { files: [`${path} does not exist.`] },
      })
  }
  return out
}

/**
 * The first path of `base` that `tree` lost and the request does not delete: what
 * `git diff-tree -r --diff-filter=D base tree` lists, in the same (tree) order.
 */
function lostPath(base: BlobListing, tree: BlobListing, deletions: readonly string[]): string | undefined {
  const deleted = new Set(deletions)
  for (const path of base.keys()) if (!tree.has(path) && !deleted.has(path)) return path
  return undefined
}

/**
 * Checks the new tree holds what was asked: git's index silently drops paths it refuses
 * (`.git ` and other NTFS-protected names) and silently lets a file replace a directory or a
 * directory a file, which `fileDirectoryConflict` (UNCONFIRMED §3) may refuse.
 */
async function verifyTree(
  git: GitRepository,
  base: string | null,
  sha: string,
  changes: FileChange[],
  deletions: string[],
  settings: EmulatorSettings,
): Promise<void> {
  // The base's listing first: it is usually the one kept from the commit before.
  const baseListing = settings.fileDirectoryConflict === 'error' && base !== null ? await git.listBlobs(base) : null
  const tree = await git.listBlobs(sha)
  const uploaded = new Set(changes.map((c) => c.path))
  const related = (path: string): boolean =>
    [...uploaded].some((p) => p !== path && (p.startsWith(`${path}/`) || path.startsWith(`${p}/`)))
  for (const change of changes) {
    if (tree.get(change.path) === `${change.mode} ${change.blob}`) continue
    if (settings.fileDirectoryConflict === 'replace' && related(change.path)) continue
    throw new ApiError(400, `Invalid path: "${change.path}" is not accepted by git`, {
      fields: { path: [`${change.path} is not a valid repository path.`] },
    })
  }
  if (baseListing !== null) {
    const lost = lostPath(baseListing, tree, deletions)
    if (lost !== undefined)
      throw new ApiError(400, `Path conflict: the upload would remove "${lost}", which the request does not delete`, {
        fields: { path: ['A file cannot also be a directory.'] },
      })
  }
}

/** Whether `name` and an existing branch would nest (`cms` and `cms/x`): git cannot have both. */
function refHierarchyConflict(refs: RefState, name: string): boolean {
  return [...refs.branches.keys()].some((branch) => branch.startsWith(`${name}/`) || name.startsWith(`${branch}/`))
}

interface Placement {
  /** Branch that receives the commit. */
  target: string
  /** Parent of the new commit; null only for the root commit of an empty repository. */
  base: string | null
  /** Where `target` must still point for the move to succeed (null: must not exist). */
  expected: string | null
  /** Whether the target branch existed before (the empty-commit setting applies). */
  existing: boolean
}

/** Applies §3's branch/parents rules, verbatim, to the refs as read under the writer lock. */
async function place(
  git: GitRepository,
  refs: RefState,
  plan: CommitPlan,
  settings: EmulatorSettings,
): Promise<Placement> {
  const main = refs.head
  if (refs.branches.size === 0) {
    // "the new commit will become the repo's root commit" (and, with `branch`, define the main branch).
    if (plan.parent !== null) throw unknownParent(plan.parent, settings)
    return { target: plan.branch ?? main, base: null, expected: null, existing: false }
  }
  const parent = plan.parent === null ? null : await resolveParent(git, plan.parent, settings)
  const target = plan.branch ?? main
  const tip = refs.branches.get(target) ?? null
  if (tip !== null) {
    // Existing branch (or the main branch when `branch` is omitted): `parents` asserts the tip.
    if (parent !== null && parent !== tip) throw stale(settings)
    return { target, base: tip, expected: tip, existing: true }
  }
  if (plan.branch === null) {
    // The main branch is unborn in a non-empty repository: nothing to assert against, and
    // "this API cannot be used to create additional root commits in non-empty repos".
    if (parent !== null) throw stale(settings)
    throw new ApiError(400, 'This API cannot be used to create additional root commits in non-empty repositories.')
  }
  // New branch: on top of the parent, else a child of the main branch's tip (main not advanced).
  const base = parent ?? refs.branches.get(main) ?? null
  if (base === null)
    throw new ApiError(400, 'This API cannot be used to create additional root commits in non-empty repositories.')
  // §3/§8.1.6: a name nesting with an existing branch gave decap-cms a 500 "Something went wrong".
  if (refHierarchyConflict(refs, target)) throw new ApiError(500, 'Something went wrong')
  return { target, base, expected: null, existing: false }
}

/** Creates the commit and moves the branch; returns the new commit's SHA. */
export async function commitPlan(
  git: GitRepository,
  plan: CommitPlan,
  changes: FileChange[],
  settings: EmulatorSettings,
): Promise<string> {
  return git.exclusive(async () => {
    // One read of the refs serves every rule; a push racing with it loses at the compare-and-swap.
    const refs = await git.refState()
    const where = await place(git, refs, plan, settings)
    const deletions = await effectiveDeletions(git, where.base, plan, settings)
    const sha = await git.createCommit({
      parent: where.base,
      changes,
      deletions,
      message: plan.message,
      authorName: plan.author.name,
      authorEmail: plan.author.email,
    })
    await verifyTree(git, where.base, sha, changes, deletions, settings)
    if (
      where.existing &&
      settings.emptyCommitOnExistingBranch === 'error' &&
      (await git.treeOf(sha)) === (await git.treeOf(where.base!))
    ) {
      throw new ApiError(400, 'No changes to commit.')
    }
    // Compare-and-swap: a git push that moved the branch meanwhile makes this a lost race.
    if (!(await git.moveBranch(where.target, sha, where.expected))) throw stale(settings)
    if (refs.branches.size === 0 && plan.branch !== null && plan.branch !== refs.head)
      await git.setHeadBranch(plan.branch)
    return sha
  })
}
