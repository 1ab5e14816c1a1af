/**
 * What the oracle asks git about the repository behind a schedule (its bare repository in the
 * emulator's data folder): the branch as a clone, the blobs in its history, the commits and
 * what each changed, and every object in the store. Git is the judge, not Pail or the emulator.
 */
import { git } from '../emulator/git/git-store.js'
import { runGit } from '../emulator/git/git-cli.js'

/** The tip of `branch`, or null when the branch does not exist. */
export async function branchTip(gitDir: string, branch: string): Promise<string | null> {
  try {
    return (await git(gitDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])).toString().trim()
  } catch {
    return null
  }
}

/** Clones `branch` into `dest` (a new folder); false when the branch does not exist. */
export async function cloneBranch(gitDir: string, branch: string, dest: string): Promise<boolean> {
  const result = await runGit(['clone', '--quiet', '--no-hardlinks', '--branch', branch, gitDir, dest], {
    config: { 'core.symlinks': 'true' },
  })
  if (result.code !== 0) {
    if (/not found in upstream|Remote branch .* not found/.test(result.stderr)) return false
    throw new Error(`git clone failed: ${result.stderr.trim()}`)
  }
  return true
}

/** Every blob reachable from the branch tip (`git rev-list --objects`). */
export async function historyBlobs(gitDir: string, branch: string): Promise<Set<string>> {
  if (!(await branchTip(gitDir, branch))) return new Set()
  const objects = (await git(gitDir, ['rev-list', '--objects', '--no-object-names', `refs/heads/${branch}`])).toString()
  const types = await git(gitDir, ['cat-file', '--batch-check=%(objecttype) %(objectname)'], { input: objects })
  return new Set(
    types
      .toString()
      .split('\n')
      .filter((line) => line.startsWith('blob '))
      .map((line) => line.slice(5)),
  )
}

export interface CommitFacts {
  hash: string
  parents: string[]
  authorEmail: string
}

/** The commits reachable from the branch but not from `exclude` (the commit the branch began at). */
export async function commitsOn(gitDir: string, branch: string, exclude: string): Promise<CommitFacts[]> {
  if (!(await branchTip(gitDir, branch))) return []
  const out = (await git(gitDir, ['log', '--format=%H%x00%P%x00%ae', `refs/heads/${branch}`, `^${exclude}`])).toString()
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [hash, parents, authorEmail] = line.split('\0')
      return { hash: hash!, parents: parents ? parents.split(' ') : [], authorEmail: authorEmail! }
    })
}

/** Whether the object store holds this commit. */
export async function commitExists(gitDir: string, sha: string): Promise<boolean> {
  try {
    await git(gitDir, ['cat-file', '-e', `${sha}^{commit}`])
    return true
  } catch {
    return false
  }
}

export interface PathChange {
  status: 'A' | 'M' | 'D' | 'T'
  path: string
  oldSha: string | null
  newSha: string | null
}

/** What one commit changed against its first parent (everything, for a root commit). */
export async function commitChanges(gitDir: string, commit: string): Promise<PathChange[]> {
  const out = (
    await git(gitDir, ['diff-tree', '-r', '-z', '--no-renames', '--root', '--raw', '--no-commit-id', commit])
  )
    .toString('utf8')
    .split('\0')
  const changes: PathChange[] = []
  const zero = /^0+$/
  // -z --raw: ":<old mode> <new mode> <old sha> <new sha> <status>" NUL "<path>" NUL, per path.
  for (let i = 0; i + 1 < out.length; i += 2) {
    const [, , oldSha, newSha, status] = out[i]!.slice(1).split(' ')
    changes.push({
      status: status!.charAt(0) as PathChange['status'],
      path: out[i + 1]!,
      oldSha: zero.test(oldSha!) ? null : oldSha!,
      newSha: zero.test(newSha!) ? null : newSha!,
    })
  }
  return changes
}

/** Every object in the store (reachable or not), with its bytes. */
export async function* allObjects(gitDir: string): AsyncGenerator<{ sha: string; type: string; content: Buffer }> {
  const out = await git(gitDir, ['cat-file', '--batch-all-objects', '--batch'])
  let offset = 0
  while (offset < out.length) {
    const eol = out.indexOf(0x0a, offset)
    const [sha, type, size] = out.subarray(offset, eol).toString().split(' ')
    const start = eol + 1
    const end = start + Number(size)
    yield { sha: sha!, type: type!, content: out.subarray(start, end) }
    offset = end + 1
  }
}
