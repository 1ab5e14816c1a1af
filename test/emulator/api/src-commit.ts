/**
 * Carries out a `/src` commit plan on the bare repository, with the branch and parents rules of
 * bitbucket-api.md §3 applied verbatim, under the repository's writer lock and with a
 * compare-and-swap branch move (a lost race is a 409, like a stale parent).
 */
import { git as runGit, type FileChange, type GitRepository } from '../git/git-store.js'
import { ApiError } from '../http.js'
import type { EmulatorSettings } from '../settings.js'
import type { CommitPlan } from './src-plan.js'

const MODES = { executable: '100755', link: '120000' } as const

/** Writes every upload as a blob (streamed by git from its temporary file). */
export async function writeBlobs(git: GitRepository, plan: CommitPlan): Promise<FileChange[]> {
  const changes: FileChange[] = []
  for (const upload of plan.uploads.values()) {
    // A link's blob is its target path; the part's attributes alone decide the mode (§3).
    changes.push({
      path: upload.path,
      blob: await git.writeBlobFromFile(upload.file),
      mode: upload.attribute ? MODES[upload.attribute] : '100644',
    })
  }
  return changes
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

/** The object type at `path` in `commit` (`rev:path` syntax takes the path literally). */
async function typeAt(git: GitRepository, commit: string, path: string): Promise<string | null> {
  try {
    return (await runGit(git.gitDir, ['cat-file', '-t', `${commit}:${path}`])).toString().trim()
  } catch {
    return null
  }
}

/** Deletions of paths the base really has as files; the others per `deleteOfMissingPath` (UNCONFIRMED §3). */
async function effectiveDeletions(
  git: GitRepository,
  base: string | null,
  plan: CommitPlan,
  settings: EmulatorSettings,
): Promise<string[]> {
  const out: string[] = []
  for (const path of plan.deletions) {
    // Choice: `files=` names files; a directory path counts as a missing file, not a recursive delete.
    const present = base !== null && (await typeAt(git, base, path)) === 'blob'
    if (present) out.push(path)
    else if (settings.deleteOfMissingPath === 'error')
      throw new ApiError(400, `Cannot delete "${path}": no such file`, {
        fields: { files: [`${path} does not exist.`] },
      })
  }
  return out
}

async function treeOf(git: GitRepository, commit: string): Promise<string> {
  return (await runGit(git.gitDir, ['rev-parse', `${commit}^{tree}`])).toString().trim()
}

/** Every blob of a commit's tree: path → "mode sha". */
async function listing(git: GitRepository, commit: string): Promise<Map<string, string>> {
  const out = (await runGit(git.gitDir, ['ls-tree', '-r', '-z', commit])).toString('utf8')
  const map = new Map<string, string>()
  for (const line of out.split('\0')) {
    if (!line) continue
    const tab = line.indexOf('\t')
    const [mode, , sha] = line.slice(0, tab).split(' ')
    map.set(line.slice(tab + 1), `${mode} ${sha}`)
  }
  return map
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
  const tree = await listing(git, sha)
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
  if (settings.fileDirectoryConflict === 'error' && base !== null) {
    const removed = (
      await runGit(git.gitDir, ['diff-tree', '-r', '-z', '--no-renames', '--diff-filter=D', '--name-only', base, sha])
    )
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
    const lost = removed.find((path) => !deletions.includes(path))
    if (lost !== undefined)
      throw new ApiError(400, `Path conflict: the upload would remove "${lost}", which the request does not delete`, {
        fields: { path: ['A file cannot also be a directory.'] },
      })
  }
}

/** Whether `name` and an existing branch would nest (`cms` and `cms/x`): git cannot have both. */
async function refHierarchyConflict(git: GitRepository, name: string): Promise<boolean> {
  return (await git.branches()).some((b) => b.name.startsWith(`${name}/`) || name.startsWith(`${b.name}/`))
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

/** Applies §3's branch/parents rules, verbatim. */
async function place(git: GitRepository, plan: CommitPlan, settings: EmulatorSettings): Promise<Placement> {
  const main = await git.headBranch()
  if (await git.isEmpty()) {
    // "the new commit will become the repo's root commit" (and, with `branch`, define the main branch).
    if (plan.parent !== null) throw unknownParent(plan.parent, settings)
    return { target: plan.branch ?? main, base: null, expected: null, existing: false }
  }
  const parent = plan.parent === null ? null : await resolveParent(git, plan.parent, settings)
  const target = plan.branch ?? main
  const tip = await git.branchTip(target)
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
  const base = parent ?? (await git.branchTip(main))
  if (base === null)
    throw new ApiError(400, 'This API cannot be used to create additional root commits in non-empty repositories.')
  // §3/§8.1.6: a name nesting with an existing branch gave decap-cms a 500 "Something went wrong".
  if (await refHierarchyConflict(git, target)) throw new ApiError(500, 'Something went wrong')
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
    const wasEmpty = await git.isEmpty()
    const where = await place(git, plan, settings)
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
      (await treeOf(git, sha)) === (await treeOf(git, where.base!))
    ) {
      throw new ApiError(400, 'No changes to commit.')
    }
    // Compare-and-swap: a git push that moved the branch meanwhile makes this a lost race.
    if (!(await git.moveBranch(where.target, sha, where.expected))) throw stale(settings)
    if (wasEmpty && plan.branch !== null && plan.branch !== (await git.headBranch()))
      await git.setHeadBranch(plan.branch)
    return sha
  })
}
