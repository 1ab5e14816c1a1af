/**
 * Carries out a `/src` commit plan on the bare repository, with the branch and parents rules of
 * bitbucket-api.md §3 applied verbatim, under the repository's writer lock and with a
 * compare-and-swap branch move (a lost race is a 409, like a stale parent).
 */
import type { BlobListing, CommitChange, GitRepository, RefState } from '../git/git-store.js'
import { gitAcceptsPath } from '../git/verify-path.js'
import { ApiError } from '../http.js'
import type { EmulatorSettings } from '../settings.js'
import type { CommitPlan } from './src-plan.js'

const MODES = { executable: '100755', link: '120000' } as const

/**
 * The commit's changes: uploads held in memory go to the commit's own `git fast-import` as
 * bytes; those in temporary files (the large ones) are written as blobs now, outside the writer
 * lock, all through one git process that streams them.
 */
export async function uploadChanges(git: GitRepository, plan: CommitPlan): Promise<CommitChange[]> {
  const uploads = [...plan.uploads.values()]
  const inFiles = uploads.filter((upload) => 'file' in upload.content)
  const blobs = new Map<string, string>()
  const written = await git.writeBlobsFrom(inFiles.map((upload) => upload.content))
  inFiles.forEach((upload, i) => blobs.set(upload.path, written[i]!))
  // A link's blob is its target path; the part's attributes alone decide the mode (§3).
  return uploads.map((upload) => {
    const mode = upload.attribute ? MODES[upload.attribute] : '100644'
    const blob = blobs.get(upload.path)
    return blob === undefined ? { path: upload.path, mode, content: upload.content } : { path: upload.path, mode, blob }
  })
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

/** The strict ancestors of `path`: `a` and `a/b` for `a/b/c`. */
function ancestorsOf(path: string): string[] {
  const out: string[] = []
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i))
  return out
}

/**
 * The first file of `base` (in git's tree order) the commit would lose without deleting it: a
 * file an upload goes under (it becomes a directory) or one under an uploaded path (the
 * directory becomes a file). What `git diff-tree -r --diff-filter=D base new` less the deletions lists.
 */
function lostPath(base: BlobListing, uploads: ReadonlySet<string>, deletions: ReadonlySet<string>): string | undefined {
  const ancestors = new Set([...uploads].flatMap(ancestorsOf))
  for (const path of base.keys()) {
    if (deletions.has(path)) continue
    if (ancestors.has(path) || ancestorsOf(path).some((dir) => uploads.has(dir))) return path
  }
  return undefined
}

/** The parent directory of a path ('' at the root) and its last segment. */
function splitPath(path: string): [string, string] {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)]
}

/**
 * Whether the base has a file where an upload needs a directory (an ancestor not deleted), or a
 * directory where an upload puts a file. Only the base's directories on the uploads' way are
 * read, level by level from the root, through the repository's reader.
 */
async function conflictLikely(
  git: GitRepository,
  base: string,
  uploads: ReadonlySet<string>,
  ancestors: ReadonlySet<string>,
  deleted: ReadonlySet<string>,
): Promise<boolean> {
  const trees = new Map<string, Map<string, { mode: string; sha: string }>>()
  let level: [string, string][] = [['', await git.treeOf(base)]]
  while (level.length > 0) {
    const read = await Promise.all(level.map(([, sha]) => git.treeEntries(sha)))
    const next: [string, string][] = []
    for (const [i, [dir]] of level.entries()) {
      const entries = read[i]
      if (!entries) continue
      trees.set(dir, entries)
      for (const [name, item] of entries) {
        const path = dir === '' ? name : `${dir}/${name}`
        if (item.mode === '40000' && ancestors.has(path)) next.push([path, item.sha])
      }
    }
    level = next
  }
  const modeOf = (path: string): string | undefined => {
    const [dir, name] = splitPath(path)
    return trees.get(dir)?.get(name)?.mode
  }
  for (const dir of ancestors) {
    const mode = modeOf(dir)
    if (mode !== undefined && mode !== '40000' && !deleted.has(dir)) return true
  }
  for (const path of uploads) if (modeOf(path) === '40000') return true
  return false
}

/**
 * Checks the commit would hold what was asked, before it is written: git's index refuses some
 * paths (`.git:x`, `a\.git` and other NTFS-protected names; verify-path.ts) where fast-import
 * would write them, and a file may replace a directory or a directory a file, which
 * `fileDirectoryConflict` (UNCONFIRMED §3) may refuse. The base is asked through the
 * repository's reader; it is listed only when a conflict is likely, to name the path.
 */
async function verifyChanges(
  git: GitRepository,
  base: string | null,
  changes: readonly CommitChange[],
  deletions: readonly string[],
  settings: EmulatorSettings,
): Promise<void> {
  for (const change of changes) {
    if (gitAcceptsPath(change.path, change.mode)) continue
    throw new ApiError(400, `Invalid path: "${change.path}" is not accepted by git`, {
      fields: { path: [`${change.path} is not a valid repository path.`] },
    })
  }
  if (settings.fileDirectoryConflict !== 'error' || base === null) return
  const uploads = new Set(changes.map((c) => c.path))
  const deleted = new Set(deletions)
  const ancestors = new Set([...uploads].flatMap(ancestorsOf))
  const likely = await conflictLikely(git, base, uploads, ancestors, deleted)
  if (!likely) return
  const lost = lostPath(await git.listBlobs(base), uploads, deleted)
  if (lost !== undefined)
    throw new ApiError(400, `Path conflict: the upload would remove "${lost}", which the request does not delete`, {
      fields: { path: ['A file cannot also be a directory.'] },
    })
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

/** What `commitPlan` made. */
export interface Committed {
  sha: string
  /** The repository's size (`sizeBytes`) with the commit's objects written, counted while the branch moved. */
  sizeBytes: number
}

/** Creates the commit and moves the branch. */
export async function commitPlan(
  git: GitRepository,
  plan: CommitPlan,
  changes: CommitChange[],
  settings: EmulatorSettings,
): Promise<Committed> {
  return git.exclusive(async () => {
    // One read of the refs serves every rule; a push racing with it loses at the compare-and-swap.
    const refs = await git.refState()
    const where = await place(git, refs, plan, settings)
    const deletions = await effectiveDeletions(git, where.base, plan, settings)
    await verifyChanges(git, where.base, changes, deletions, settings)
    const sha = await git.createCommit({
      parent: where.base,
      changes,
      deletions,
      message: plan.message,
      authorName: plan.author.name,
      authorEmail: plan.author.email,
    })
    if (
      where.existing &&
      settings.emptyCommitOnExistingBranch === 'error' &&
      (await git.treeOf(sha)) === (await git.treeOf(where.base!))
    ) {
      throw new ApiError(400, 'No changes to commit.')
    }
    // Compare-and-swap: a git push that moved the branch meanwhile makes this a lost race. The
    // objects are all written, so the size is counted meanwhile, not after.
    const [moved, sizeBytes] = await Promise.all([git.moveBranch(where.target, sha, where.expected), git.sizeBytes()])
    if (!moved) throw stale(settings)
    if (refs.branches.size === 0 && plan.branch !== null && plan.branch !== refs.head)
      await git.setHeadBranch(plan.branch)
    return { sha, sizeBytes }
  })
}
